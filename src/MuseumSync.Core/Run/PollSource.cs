using System.Globalization;
using MuseumSync.Http;
using MuseumSync.Polling;
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

    /// <summary>
    /// Resolves <paramref name="settings"/> (profile, field map, checkpoint) into a source. A setting that cannot work is
    /// an <see cref="ArgumentException"/> saying which and how to fix it.
    /// </summary>
    /// <param name="settings">The run's settings.</param>
    /// <param name="checkpoint">The stored checkpoint to resume from (ignored when <see cref="SyncSettings.Cursor"/> is given).</param>
    /// <param name="events">Where decisions, retries and circuit breaks are said.</param>
    /// <param name="time">The clock. The default is the system clock.</param>
    public static PollSource Create(SyncSettings settings, SyncCheckpoint? checkpoint, ISyncEventSink events, TimeProvider? time = null)
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
        var poller = new MuseumPoller(MuseumHttp.ForConcurrency(request.ThrottleLimit), time, log, SyncEventSinks.CircuitWarning(events, settings.Source));
        return new PollSource(ct => poller.PollAsync(request, ct), poller.Statistics, request.Uri, request.ItemUri is null ? null : ct => poller.ListIdsAsync(request, ct));
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
