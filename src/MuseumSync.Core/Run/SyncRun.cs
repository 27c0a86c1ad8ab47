using System.Diagnostics;
using MuseumSync.Compliance;
using MuseumSync.Storage;
using MuseumSync.Sync;

namespace MuseumSync.Run;

/// <summary>
/// One source's sync, with no PowerShell pipeline in between: read the checkpoint, poll (<see cref="PollSource"/>),
/// write (<see cref="SyncWriter"/>: compliance, batches, leases, each batch and its checkpoint in one transaction), and
/// end in a <see cref="SyncSummary"/>. <c>Invoke-MuseumSync</c> drives it per source; a background worker can too.
/// <c>Invoke-MuseumPoll | Sync-MuseumRecord</c> streams through the same two halves (<see cref="PollSource"/>,
/// <see cref="WriterOptions"/>) with the pipeline between them.
/// </summary>
internal sealed class SyncRun : IAsyncDisposable
{
    private readonly SyncSettings _settings;
    private readonly ISyncStore _store;
    private readonly StoreOptions _storeOptions;
    private readonly ISyncEventSink _events;
    private readonly TimeProvider _time;
    private readonly Stopwatch _clock = new();

    /// <summary>Prepares a run of <paramref name="settings"/> into <paramref name="store"/> (which the caller keeps and disposes).</summary>
    /// <param name="settings">What to sync.</param>
    /// <param name="store">The open, initialized store.</param>
    /// <param name="storeOptions">The store's options (its description and provider for messages and the summary).</param>
    /// <param name="events">Where the run says what it does; must not block.</param>
    /// <param name="time">The clock. The default is the system clock.</param>
    public SyncRun(SyncSettings settings, ISyncStore store, StoreOptions storeOptions, ISyncEventSink? events = null, TimeProvider? time = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _storeOptions = storeOptions ?? throw new ArgumentNullException(nameof(storeOptions));
        _events = events ?? SyncEventSinks.None;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The writer, once the run has started (its counters and metrics; null before).</summary>
    public SyncWriter? Writer { get; private set; }

    /// <summary>
    /// Called on the run's task about every 250 ms and when the run ends (a progress tick); a caller that awaits in it
    /// paces the run to its reader. The default is none.
    /// </summary>
    public Func<CancellationToken, ValueTask>? Heartbeat { get; init; }

    /// <summary>The scale-out submission this run is a feed job of; null for a plain run (which the source's unfinished submission keeps out).</summary>
    public string? Submission { get; init; }

    /// <summary>The writer options the settings describe: one place for both forms of a run.</summary>
    /// <param name="settings">The settings' writing half.</param>
    /// <param name="storeDescription">Where the data goes, for messages.</param>
    /// <param name="events">Where the writer says what it did.</param>
    /// <param name="loadRules">Reads a compliance rule file (the PowerShell data-file reader); an unreadable one throws <see cref="ComplianceRulesException"/>.</param>
    /// <param name="useLeases">False under -WhatIf.</param>
    /// <param name="shouldCommit">The -WhatIf/-Confirm question asked before each batch; null commits every batch.</param>
    /// <param name="time">The clock. The default is the system clock.</param>
    /// <param name="perRecordSource">Store each record under its own source (<c>Sync-MuseumRecord</c> without -Source) instead of <see cref="SyncSettings.Source"/>.</param>
    /// <param name="submission">The scale-out submission the run works for (a feed job); null for a plain run.</param>
    public static SyncWriterOptions WriterOptions(SyncSettings settings, string storeDescription, ISyncEventSink events, Func<string, ComplianceRuleSet>? loadRules,
        bool useLeases = true, Func<SyncBatch, bool>? shouldCommit = null, TimeProvider? time = null, bool perRecordSource = false, string? submission = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var defaults = new SyncWriterOptions();
        var compliance = settings.SkipCompliance
            ? null
            : new ComplianceEngine(settings.ComplianceRules is null ? ComplianceRuleSet.Default
                : (loadRules ?? throw new ArgumentException("A compliance rule file needs a reader.", nameof(loadRules)))(settings.ComplianceRules), TimeProvider.System);
        return new SyncWriterOptions
        {
            BatchSize = settings.BatchSize ?? defaults.BatchSize,
            MaxBatchBytes = settings.MaxBatchBytes ?? defaults.MaxBatchBytes,
            Source = perRecordSource ? null : settings.Source,
            UseLeases = useLeases,
            Submission = submission,
            LeaseDuration = settings.LeaseTimeout ?? defaults.LeaseDuration,
            Compliance = compliance,
            StoreDescription = storeDescription,
            ShouldCommit = shouldCommit,
            MaxInvalidNotices = settings.EnableException ? int.MaxValue : settings.MaxInvalidWarnings ?? defaults.MaxInvalidNotices,
            MaxDeletePercent = settings.MaxDeletePercent ?? defaults.MaxDeletePercent,
            ForceDeletes = settings.ForceDeletes,
            Events = events,
            Time = time ?? TimeProvider.System,
        };
    }

    /// <summary>
    /// Runs the sync to its end and returns what it did. The source failing (<see cref="MuseumPollException"/>) commits the
    /// complete pages received before it, then throws with how far the run got; a store failure throws as it is; nothing
    /// after the last committed batch is written, and the next run resumes from its checkpoint.
    /// </summary>
    /// <param name="loadRules">Reads a compliance rule file (see <see cref="WriterOptions"/>).</param>
    /// <param name="cancellationToken">Stops the run; the batch in flight rolls back.</param>
    public async Task<SyncSummary> RunAsync(Func<string, ComplianceRuleSet>? loadRules, CancellationToken cancellationToken)
    {
        if (Writer is not null) throw new InvalidOperationException("A SyncRun runs once; create another for the next run.");
        _clock.Start();
        var where = _storeOptions.Describe();
        var checkpoint = _settings.NoResume || _settings.Cursor is not null ? null : await PollSource.ReadCheckpointAsync(_store, _settings.Source, where, _events, cancellationToken).ConfigureAwait(false);
        var source = PollSource.Create(_settings, checkpoint, _events, _time, _store);
        var writer = new SyncWriter(_store, WriterOptions(_settings, where, _events, loadRules, time: _time, submission: Submission));
        Writer = writer;
        if (source.Statistics is not null) writer.MetricsFor(_settings.Source).Attach(source.Statistics);
        await writer.EnsureLeaseAsync(_settings.Source, cancellationToken).ConfigureAwait(false);
        var next = Environment.TickCount64;
        try
        {
            await foreach (var record in source.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await writer.AddAsync(record, null, cancellationToken).ConfigureAwait(false);
                if (Heartbeat is not null && Environment.TickCount64 >= next)
                {
                    next = Environment.TickCount64 + 250;
                    await Heartbeat(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (MuseumPollException upstream) when (!cancellationToken.IsCancellationRequested)
        {
            // The source failed: the complete pages received before it are committed with their checkpoint.
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            if (Heartbeat is not null) await Heartbeat(cancellationToken).ConfigureAwait(false);
            throw RunProgress.WithProgress(upstream, RunProgress.Describe(writer));
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        _clock.Stop();
        if (source.Statistics?.Incomplete is { } incomplete && !writer.OnlySkipped)
        {
            // The feed ended before its own total: what came is committed, but the run is not a success (dlt-hub/dlt#4428).
            _events.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.FeedIncomplete, incomplete) { Source = _settings.Source });
            if (Heartbeat is not null) await Heartbeat(cancellationToken).ConfigureAwait(false);
            return writer.Summarize("Incomplete", _clock.Elapsed, _storeOptions.Provider.ToString(), incomplete);
        }
        if (Heartbeat is not null) await Heartbeat(cancellationToken).ConfigureAwait(false);
        return writer.Summarize(writer.OnlySkipped ? "WhatIf" : "Completed", _clock.Elapsed, _storeOptions.Provider.ToString());
    }

    /// <summary>The summary of a run that ended with <paramref name="status"/> (Failed, Busy) and <paramref name="error"/>.</summary>
    public SyncSummary Summarize(string status, string error) =>
        Writer?.Summarize(status, _clock.Elapsed, _storeOptions.Provider.ToString(), error)
        ?? new SyncSummary { Source = _settings.Source, Status = status, Error = error, Duration = _clock.Elapsed, Database = _storeOptions.Describe(), Provider = _storeOptions.Provider.ToString() };

    /// <summary>Waits for a commit in flight and gives the leases back (the store stays open: it is the caller's).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Writer is not null) await Writer.DisposeAsync().ConfigureAwait(false);
    }
}
