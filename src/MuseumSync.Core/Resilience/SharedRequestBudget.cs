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
    /// The share of a window's limit the shared pace leaves unused: one request (at most 5%, for small limits less).
    /// Paced so that even a window widened by the jitter bound holds one start fewer than the limit, the request that
    /// would spend a window's last unit (and be told "Remaining: 0, reset in 1 s", stalling every worker for the rest of
    /// the window) is never sent, and a window sees the limit exceeded only when starts arrive later than their slots by
    /// more than the jitter bound plus a whole spacing.
    /// </summary>
    private const double HeadroomShare = 0.05;

    /// <summary>The reservations whose round trip may still give the store's clock offset: a fresher one wins once this many have gone by (clocks drift).</summary>
    private const int OffsetSamples = 64;

    /// <summary>How much of the pace one reservation takes at most: a block of starts lasts about this long.</summary>
    private const long BlockMicroseconds = 100_000;

    private readonly IRequestBudgetStore _store;
    private readonly string _source;
    private readonly long _spacing;
    private readonly TimeSpan _jitterBound;
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
    private TimeSpan _offset;
    private TimeSpan _offsetRoundTrip = TimeSpan.MaxValue;
    private int _offsetAge;

    /// <summary>A budget of <paramref name="source"/> in <paramref name="store"/>.</summary>
    /// <param name="store">Where the budget is kept.</param>
    /// <param name="source">The source.</param>
    /// <param name="spacing">The pace: the time between two starts of every process together (zero: no pace here).</param>
    /// <param name="dailyLimit">Requests per UTC day (null: none).</param>
    /// <param name="countedBy">Who shares the count, for the stop message ("every run that syncs 'x' into …").</param>
    /// <param name="time">The clock the waits run on.</param>
    /// <param name="jitterBound">How late after its slot a request may still start (<see cref="RateLimitOptions.PaceJitterBound"/>; null: its default).</param>
    public SharedRequestBudget(IRequestBudgetStore store, string source, TimeSpan spacing, long? dailyLimit, string countedBy, TimeProvider time, TimeSpan? jitterBound = null)
    {
        _store = store;
        _source = source;
        _spacing = (long)Math.Ceiling(spacing.Ticks / 10.0);
        _jitterBound = jitterBound ?? RateLimitOptions.DefaultPaceJitterBound;
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
    /// limit over its window, less the headroom (<see cref="Pace"/>); zero when it sets none.
    /// </summary>
    public static TimeSpan Spacing(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A longer window (an hourly quota) keeps its burst in each process (ClientBudget): spread evenly, 1,000 an hour
        // would be one request every 3.6 s even for a run of ten.
        if (options.RequestLimit is { } n) return options.RequestWindow <= MaxSharedWindow ? Pace(n, options.RequestWindow, options.PaceJitterBound) : TimeSpan.Zero;
        if (options.RequestsPerSecond is { } rps) return Pace(rps, TimeSpan.FromSeconds(1), options.PaceJitterBound);
        return TimeSpan.Zero;
    }

    /// <summary>
    /// The spacing that puts at most <paramref name="limit"/> less the headroom (one request; 5% of a limit under 20)
    /// starts into any stretch of <paramref name="window"/> plus <paramref name="jitterBound"/>: starts sent at their
    /// slots, at most the jitter bound late, then land at most that many in any window of the server, wherever its
    /// windows begin. At 50 per second and 10 ms: 20.6 ms, 97% of the limit.
    /// </summary>
    public static TimeSpan Pace(double limit, TimeSpan window, TimeSpan jitterBound)
    {
        var starts = limit - Math.Min(1, limit * HeadroomShare);
        // Whole microseconds, rounded up (the store counts in them): never faster than the bound allows.
        return TimeSpan.FromTicks((long)Math.Ceiling((window + jitterBound).Ticks / starts / 10) * 10);
    }

    /// <summary>
    /// Takes the next start slot and returns how long to wait for it (zero: go now). Throws a transient
    /// <see cref="MuseumPollException"/> (<see cref="SpentErrorId"/>) when the day's budget is spent.
    /// </summary>
    public async ValueTask<TimeSpan> ReserveAsync(Uri url, string correlationId, CancellationToken cancellationToken)
    {
        var slot = await TakeSlotAsync(url, correlationId, cancellationToken).ConfigureAwait(false);
        var wait = slot - _time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>
    /// Takes the next start slot this process can still keep (one it is already later for than the jitter bound is let
    /// go) and returns its time on this host's clock; the request starts then, and only if <see cref="IsPunctual"/> says
    /// so. Throws like <see cref="ReserveAsync"/>.
    /// </summary>
    public async ValueTask<DateTimeOffset> TakeSlotAsync(Uri url, string correlationId, CancellationToken cancellationToken)
    {
        await _mutex.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                if (_slots.Count == 0) await RefillAsync(url, correlationId, cancellationToken).ConfigureAwait(false);
                var slot = _slots.Dequeue();
                if (_spacing == 0 || IsOnTime(slot)) return slot;
                // A slot this process came too late for is let go: sent now, it would crowd the next process's slot.
                Interlocked.Increment(ref _missed);
            }
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>
    /// True when a request may start now on <paramref name="slot"/> (from <see cref="TakeSlotAsync"/>): no later than
    /// the jitter bound after it. A timer that fired late makes the slot lost (let go, like a slot missed before the
    /// wait); the request then takes the next one.
    /// </summary>
    public bool IsPunctual(DateTimeOffset slot)
    {
        if (_spacing == 0 || IsOnTime(slot)) return true;
        Interlocked.Increment(ref _missed);
        return false;
    }

    /// <summary>Slots let go so far (the timer or the process came later than the jitter bound); they are given back with the unused ones.</summary>
    public int Missed => Volatile.Read(ref _missed);

    /// <summary>
    /// No later after <paramref name="slot"/> than the jitter bound, or than half the store's fastest round trip when
    /// that is longer (a distant store: its slots cannot be placed closer, and letting them all go would stop the run).
    /// </summary>
    private bool IsOnTime(DateTimeOffset slot) => _time.GetUtcNow() - slot <= (_offsetRoundTrip / 2 > _jitterBound ? _offsetRoundTrip / 2 : _jitterBound);

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
            var unused = _slots.Count + Interlocked.Exchange(ref _missed, 0);
            _slots.Clear();
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
        var asked = _time.GetUtcNow();
        var grant = await _store.ReserveRequestsAsync(new BudgetAsk(_source, _block, _spacing, _daily, spentFor, remaining), cancellationToken).ConfigureAwait(false);
        var answered = _time.GetUtcNow();
        _day = grant.Day;
        if (grant.Granted == 0) throw Spent(grant, url, correlationId);
        AlignClock(asked, answered, grant.NowMicroseconds);
        var first = DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(grant.StartMicroseconds * 10) + _offset;
        for (var i = 0; i < grant.Granted; i++) _slots.Enqueue(first + TimeSpan.FromTicks(i * _spacing * 10));
    }

    /// <summary>
    /// The store's clock against this host's: the store read its clock somewhere within the reservation's round trip, so
    /// the middle of the fastest recent round trip is off by at most half of it (NTP's reasoning). Every process that
    /// shares the store places the store's slots on its own clock so, and their starts line up to within those halves,
    /// however slow or uneven other round trips are.
    /// </summary>
    private void AlignClock(DateTimeOffset asked, DateTimeOffset answered, long storeNowMicroseconds)
    {
        var roundTrip = answered - asked;
        if (roundTrip > _offsetRoundTrip && ++_offsetAge < OffsetSamples) return;
        var middle = asked + (roundTrip / 2);
        _offset = middle - (DateTimeOffset.UnixEpoch + TimeSpan.FromTicks(storeNowMicroseconds * 10));
        _offsetRoundTrip = roundTrip;
        _offsetAge = 0;
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
