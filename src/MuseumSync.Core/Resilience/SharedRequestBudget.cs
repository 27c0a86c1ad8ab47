using System.Globalization;

namespace MuseumSync.Resilience;

/// <summary>
/// One source's request budget as this process takes part in it: start slots reserved from an
/// <see cref="IRequestBudgetStore"/> a small block at a time (one short statement per block), handed to requests in
/// order; the daily budget counted with each reservation; a spent server quota this process saw reported with the next
/// reservation, so every process that shares the store waits for its reset. The store answers on its own clock; only
/// the differences of its times are used here, so skew between hosts does not matter.
/// </summary>
#pragma warning disable CA1001 // The SemaphoreSlim's wait handle is never asked for, so it holds nothing to dispose; the budget lives as long as its run.
internal sealed class SharedRequestBudget
#pragma warning restore CA1001
{
    /// <summary>The error id of a run stopped by a spent daily budget.</summary>
    public const string SpentErrorId = "MuseumPollDailyBudgetSpent";

    /// <summary>The longest <see cref="RateLimitOptions.RequestWindow"/> whose limit is shared as an even pace. The value is one minute.</summary>
    public static readonly TimeSpan MaxSharedWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The shared pace runs this much slower than the rate asked for (about 95%). Starts spaced exactly at the limit
    /// arrive with the jitter of several hosts' schedulers and networks, and a server counting fixed windows then sees
    /// one start too many in a window now and then (measured: 1-2 violations per 700 requests with three workers at
    /// 50/s); and the request that spends a window's last unit is told "Remaining: 0, reset in 1 s", which stalls every
    /// worker for the rest of the window. At 95% neither happens. The in-process pace keeps its own sliding log.
    /// </summary>
    private const double PaceMargin = 1.05;

    /// <summary>How much of the pace one reservation takes at most: a block of starts lasts about this long.</summary>
    private const long BlockMicroseconds = 100_000;

    private readonly IRequestBudgetStore _store;
    private readonly string _source;
    private readonly long _spacing;
    private readonly long? _daily;
    private readonly int _block;
    private readonly string _countedBy;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _mutex = new(1, 1);
    private readonly Queue<DateTimeOffset> _slots = new();
    private readonly object _reportLock = new();
    private DateTimeOffset? _spentUntil;
    private long? _remaining;
    private int _day;
    private int _missed;

    /// <summary>A budget of <paramref name="source"/> in <paramref name="store"/>.</summary>
    /// <param name="store">Where the budget is kept.</param>
    /// <param name="source">The source.</param>
    /// <param name="spacing">The pace: the time between two starts of every process together (zero: no pace here).</param>
    /// <param name="dailyLimit">Requests per UTC day (null: none).</param>
    /// <param name="countedBy">Who shares the count, for the stop message ("every run that syncs 'x' into …").</param>
    /// <param name="time">The clock the waits run on.</param>
    public SharedRequestBudget(IRequestBudgetStore store, string source, TimeSpan spacing, long? dailyLimit, string countedBy, TimeProvider time)
    {
        _store = store;
        _source = source;
        _spacing = (long)Math.Ceiling(spacing.Ticks / 10.0);
        _daily = dailyLimit;
        _countedBy = countedBy;
        _time = time;
        // A block covers about 100 ms of the pace (5 starts at 50 per second), so the store sees ten statements a second
        // at most; with a daily budget and no pace, a few at a time (what is left at the end is given back).
        _block = _spacing > 0 ? (int)Math.Clamp(BlockMicroseconds / _spacing, 1, 32) : 4;
    }

    /// <summary>True when the pace is kept here (so the in-process <see cref="ClientBudget"/> is not needed).</summary>
    public bool SharesPace => _spacing > 0;

    /// <summary>
    /// The pace (the time between two starts) <paramref name="options"/> asks for: the per-second rate, or the request
    /// limit spread evenly over its window; zero when it sets none.
    /// </summary>
    public static TimeSpan Spacing(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A longer window (an hourly quota) keeps its burst in each process (ClientBudget): spread evenly, 1,000 an hour
        // would be one request every 3.6 s even for a run of ten.
        if (options.RequestLimit is { } n) return options.RequestWindow <= MaxSharedWindow ? options.RequestWindow / n * PaceMargin : TimeSpan.Zero;
        if (options.RequestsPerSecond is { } rps) return TimeSpan.FromSeconds(1 / rps * PaceMargin);
        return TimeSpan.Zero;
    }

    /// <summary>
    /// Takes the next start slot and returns how long to wait for it (zero: go now). Throws a transient
    /// <see cref="MuseumPollException"/> (<see cref="SpentErrorId"/>) when the day's budget is spent.
    /// </summary>
    public async ValueTask<TimeSpan> ReserveAsync(Uri url, string correlationId, CancellationToken cancellationToken)
    {
        await _mutex.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                if (_slots.Count == 0) await RefillAsync(url, correlationId, cancellationToken).ConfigureAwait(false);
                var wait = _slots.Dequeue() - _time.GetUtcNow();
                if (wait > TimeSpan.Zero) return wait;
                // A slot this process came too late for is let go: sent now, it would crowd the next process's slot.
                if (_spacing == 0 || -wait.Ticks <= _spacing * 10 / 2) return TimeSpan.Zero;
                _missed++;
            }
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>
    /// Notes what a response said about the server's quota (<paramref name="spentFor"/>: how long it is spent, as
    /// <see cref="HeaderQuota"/> reads it; null when it is not); a spent one is reported with the next reservation.
    /// </summary>
    public void Observe(RateLimitInfo info, TimeSpan? spentFor, DateTimeOffset now)
    {
        if (info.Remaining is not { } remaining) return;
        lock (_reportLock)
        {
            _remaining = remaining;
            if (spentFor is not { } wait || wait <= TimeSpan.Zero) return;
            var until = now + wait;
            if (_spentUntil is not { } known || until > known) _spentUntil = until;
        }
    }

    /// <summary>Gives back the reserved starts this process did not use, so they count against nobody's day.</summary>
    public async Task ReturnUnusedAsync(CancellationToken cancellationToken)
    {
        await _mutex.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Slots let go were never sent either: they go back to the day's budget with the ones left.
            var unused = _slots.Count + _missed;
            _slots.Clear();
            _missed = 0;
            if (unused > 0 && _daily is not null) await _store.ReturnRequestsAsync(_source, _day, unused, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _mutex.Release();
        }
    }

    private async Task RefillAsync(Uri url, string correlationId, CancellationToken cancellationToken)
    {
        long? spentFor;
        long? remaining;
        lock (_reportLock)
        {
            spentFor = _spentUntil is { } until && until > _time.GetUtcNow() ? (long)Math.Ceiling((until - _time.GetUtcNow()).Ticks / 10.0) : null;
            remaining = _remaining;
            _spentUntil = null;
            _remaining = null;
        }
        var grant = await _store.ReserveRequestsAsync(new BudgetAsk(_source, _block, _spacing, _daily, spentFor, remaining), cancellationToken).ConfigureAwait(false);
        var here = _time.GetUtcNow();
        _day = grant.Day;
        if (grant.Granted == 0) throw Spent(grant, url, correlationId);
        for (var i = 0; i < grant.Granted; i++)
        {
            // The slot on the store's clock, as a wait from the moment the answer came: never earlier than the store meant.
            _slots.Enqueue(here + TimeSpan.FromTicks((grant.StartMicroseconds + (i * _spacing) - grant.NowMicroseconds) * 10));
        }
    }

    private MuseumPollException Spent(BudgetGrant grant, Uri url, string correlationId)
    {
        var reset = DateTimeOffset.UnixEpoch.AddDays(grant.Day + 1);
        var resetIn = TimeSpan.FromTicks(((grant.Day + 1) * MemoryRequestBudgetStore.DayMicroseconds - grant.NowMicroseconds) * 10);
        var day = DateTimeOffset.UnixEpoch.AddDays(grant.Day);
        return new MuseumPollException(
            string.Create(CultureInfo.InvariantCulture,
                $"The daily request budget of source '{_source}' is spent: {grant.DayUsed:N0} of {_daily:N0} requests on {day:yyyy-MM-dd} (UTC), counted {_countedBy}. It resets at {reset:yyyy-MM-dd HH:mm} UTC (in {(int)resetIn.TotalHours} h {resetIn.Minutes} min). The run stops before {Http.UrlMasker.Mask(url)} (correlation {correlationId}); what it committed stays, and the next run after the reset resumes from the checkpoint. If the API allows more, raise -DailyRequestBudget (the DailyRequestBudget key of sync.psd1)."),
            SpentErrorId, isTransient: true, url, null, correlationId);
    }
}
