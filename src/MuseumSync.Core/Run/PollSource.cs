using System.Globalization;
using System.Runtime.CompilerServices;
using MuseumSync.Http;
using MuseumSync.Paging;
using MuseumSync.Polling;
using MuseumSync.Resilience;
using MuseumSync.Storage;

namespace MuseumSync.Run;

/// <summary>
/// Where one run's records come from, decided from <see cref="SyncSettings"/> and the checkpoint: a
/// <see cref="MuseumPoller"/> over an endpoint, or a <see cref="DumpReader"/> over a local dump. Both forms of a run use
/// it: <see cref="SyncRun"/> hands its records to the writer, <c>Invoke-MuseumPoll</c> to the pipeline.
/// </summary>
internal sealed class PollSource
{
    private readonly Func<CancellationToken, IAsyncEnumerable<MuseumRecord>> _read;

    private readonly Func<CancellationToken, IAsyncEnumerable<string?>>? _ids;

    private Func<CancellationToken, Task<Oai.OaiRepository?>>? _identify;

    private PollSource(Func<CancellationToken, IAsyncEnumerable<MuseumRecord>> read, PollStatistics? statistics, object target, Func<CancellationToken, IAsyncEnumerable<string?>>? ids = null)
    {
        _read = read;
        _ids = ids;
        Statistics = statistics;
        Target = target;
    }

    /// <summary>The wire statistics of the poll; null for a dump.</summary>
    public PollStatistics? Statistics { get; }

    /// <summary>What errors are about: the endpoint, or the dump's path.</summary>
    public object Target { get; }

    /// <summary>Reads the records, in order, from the start position on.</summary>
    public IAsyncEnumerable<MuseumRecord> ReadAsync(CancellationToken cancellationToken) => _read(cancellationToken);

    /// <summary>True for an ID fan-out, whose id list <see cref="ReadIdsAsync"/> reads.</summary>
    public bool IsFanOut => _ids is not null;

    /// <summary>An ID fan-out's id list, without the items (a scale-out list job).</summary>
    public IAsyncEnumerable<string?> ReadIdsAsync(CancellationToken cancellationToken) =>
        (_ids ?? throw new InvalidOperationException("This source is not an ID fan-out; it has no id list."))(cancellationToken);

    /// <summary>An OAI-PMH source's Identify declarations (a scale-out date-window plan); null when it answers none.</summary>
    public Task<Oai.OaiRepository?> IdentifyAsync(CancellationToken cancellationToken) =>
        (_identify ?? throw new InvalidOperationException("This source is not OAI-PMH; it has no Identify."))(cancellationToken);

    /// <summary>
    /// Resolves <paramref name="settings"/> (profile, field map, checkpoint) into a source. A setting that cannot work is
    /// an <see cref="ArgumentException"/> saying which and how to fix it.
    /// </summary>
    /// <param name="settings">The run's settings.</param>
    /// <param name="checkpoint">The stored checkpoint to resume from (ignored when <see cref="SyncSettings.Cursor"/> is given).</param>
    /// <param name="events">Where decisions, retries and circuit breaks are said.</param>
    /// <param name="time">The clock. The default is the system clock.</param>
    /// <param name="store">
    /// The store the run writes to, when there is one: a client-side pace and a daily request budget are then kept in it,
    /// shared by every process and worker that syncs the source into that database. Null (a bare poll): the pace is
    /// this process's, and a daily budget counts this run's requests only.
    /// </param>
    public static PollSource Create(SyncSettings settings, SyncCheckpoint? checkpoint, ISyncEventSink events, TimeProvider? time = null, ISyncStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(events);
        time ??= TimeProvider.System;
        var (start, watermark) = settings.Cursor is not null ? (settings.Cursor, null) : (checkpoint?.Cursor, checkpoint?.Watermark);
        var profile = PollSettingsResolver.Profile(settings);
        var map = PollSettingsResolver.FieldMap(settings, profile);
        var log = SyncEventSinks.PollLog(events, settings.Source);
        if (settings.Path is not null)
        {
            var dump = PollSettingsResolver.Dump(settings, map, start);
            return new PollSource(ct => DumpReader.ReadAsync(dump, time, log, ct), null, settings.Path);
        }
        void Verbose(string m) => log?.Invoke(m);
        var request = PollSettingsResolver.Request(settings, profile, map, start, watermark, log, Verbose);
        request.Validate();
        log?.Invoke(PollSettingsResolver.Describe(profile, request));
        var budget = request.RateLimit.Shared = Budget(request.RateLimit, settings.Source, store, time);
        var poller = new MuseumPoller(MuseumHttp.ForConcurrency(request.ThrottleLimit), time, log, SyncEventSinks.CircuitWarning(events, settings.Source));
        return new PollSource(budget is null ? ct => poller.PollAsync(request, ct) : ct => ReturningUnused(poller.PollAsync(request, ct), budget, log, ct), poller.Statistics, request.Uri,
            request.ItemUri is null ? null : ct => poller.ListIdsAsync(request, ct))
        {
            _identify = request.Paging == PagingStyle.OaiPmh ? ct => poller.IdentifyAsync(request, ct) : null,
        };
    }

    /// <summary>
    /// The request budget the run takes part in: the store's when the source has a pace it can share or a daily budget;
    /// without a store, a daily budget counted in memory (the pace stays the in-process one); otherwise none.
    /// </summary>
    private static SharedRequestBudget? Budget(RateLimitOptions rateLimit, string source, ISyncStore? store, TimeProvider time)
    {
        var spacing = SharedRequestBudget.Spacing(rateLimit);
        if (store is IRequestBudgetStore shared && (spacing > TimeSpan.Zero || rateLimit.DailyRequestBudget is not null))
        {
            return new SharedRequestBudget(shared, source, spacing, rateLimit.DailyRequestBudget, $"in {store.DisplayName} for every run and worker that syncs this source there", time,
                rateLimit.PaceJitterBound);
        }
        if (rateLimit.DailyRequestBudget is not { } daily) return null;
        return new SharedRequestBudget(new MemoryRequestBudgetStore(time), source, TimeSpan.Zero, daily,
            "for this run only (without -Database or -ConnectionString no count is kept across runs)", time);
    }

    /// <summary>The records of <paramref name="records"/>; when they end (or fail), the reserved requests not sent are given back to the day's budget.</summary>
    private static async IAsyncEnumerable<MuseumRecord> ReturningUnused(IAsyncEnumerable<MuseumRecord> records, SharedRequestBudget budget, Action<string>? log,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false)) yield return record;
        }
        finally
        {
            try
            {
                await budget.ReturnUnusedAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (SyncStoreException ex)
            {
                // The run's own outcome matters more: the few reserved requests stay counted for today.
                log?.Invoke($"Could not give unused requests back to the daily budget: {ex.Message}");
            }
        }
    }

    /// <summary>The checkpoint of <paramref name="source"/> in <paramref name="store"/> (null when none), said as a <see cref="SyncEventIds.RunStart"/> event.</summary>
    public static async Task<SyncCheckpoint?> ReadCheckpointAsync(ISyncStore store, string source, string where, ISyncEventSink events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        var list = await store.GetCheckpointsAsync(source, cancellationToken).ConfigureAwait(false);
        var checkpoint = list.Count > 0 ? list[0] : null;
        if (events.IsEnabled(SyncEventLevel.Verbose))
        {
            events.Publish(new SyncEvent(SyncEventLevel.Verbose, SyncEventIds.RunStart, checkpoint is null
                ? $"No checkpoint for '{source}' in {where}; starting from the first page."
                : string.Create(CultureInfo.InvariantCulture, $"Resuming '{source}' from checkpoint {(checkpoint.Cursor is null ? "(start)" : $"'{UrlMasker.MaskPosition(checkpoint.Cursor)}'")} of {checkpoint.LastSyncTime:u}{(checkpoint.Watermark is null ? string.Empty : $", watermark {checkpoint.Watermark}")}."))
            { Source = source });
        }
        return checkpoint;
    }

    /// <summary>
    /// The store a poll without a writer of its own (<c>Invoke-MuseumPoll -Database …</c>) keeps its request budget in,
    /// opened and brought up to date, when the source has a pace or a daily budget; null when it has neither, or when
    /// the SQLite file does not exist yet. The caller disposes it when the poll ends.
    /// </summary>
    public static async Task<ISyncStore?> OpenBudgetStoreAsync(StoreOptions options, SyncSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var profile = PollSettingsResolver.Profile(settings);
        var paced = settings.RequestsPerSecond is not null || settings.RequestLimit is not null || settings.DailyRequestBudget is not null
            || profile.RequestsPerSecond is not null || profile.RequestLimit is not null || profile.DailyRequestBudget is not null;
        if (!paced || settings.Path is not null) return null;
        if (options.Provider == StoreProvider.Sqlite && options.SqliteFile() is { } file && !File.Exists(file)) return null;
        var store = await SyncStoreFactory.OpenAsync(options, create: false, cancellationToken).ConfigureAwait(false);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The checkpoint of <paramref name="source"/> in the store <paramref name="options"/> name, opened only to read it
    /// (a SQLite file that does not exist yet has none, and is not created).
    /// </summary>
    public static async Task<SyncCheckpoint?> ReadCheckpointAsync(StoreOptions options, string source, ISyncEventSink events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(events);
        var where = options.Describe();
        if (options.Provider == StoreProvider.Sqlite && options.SqliteFile() is { } file && !File.Exists(file))
        {
            if (events.IsEnabled(SyncEventLevel.Verbose))
            {
                events.Publish(new SyncEvent(SyncEventLevel.Verbose, SyncEventIds.RunStart, $"No database at '{file}' yet; starting '{source}' from the first page.") { Source = source });
            }
            return null;
        }
        var store = await SyncStoreFactory.OpenAsync(options, create: false, cancellationToken).ConfigureAwait(false);
        await using var storeScope = store.ConfigureAwait(false);
        return await ReadCheckpointAsync(store, source, where, events, cancellationToken).ConfigureAwait(false);
    }
}
