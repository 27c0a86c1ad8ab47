using System.Globalization;
using MuseumSync.Compliance;
using MuseumSync.Run;
using MuseumSync.Storage;
using MuseumSync.Sync;

namespace MuseumSync.Jobs;

/// <summary>
/// Runs one job of a submission with the store open: a list job reads the id list and plans the chunk jobs; a chunk job
/// fetches its ids through the source's pipeline (the same HTTP stack, origin rules, retries, pace and dead letters as
/// <c>Invoke-MuseumSync</c>) and commits its records, dead letters and done-mark in ONE transaction; a feed job syncs the
/// feed as <see cref="SyncRun"/> does and then commits its mark. A job whose mark exists does nothing.
/// </summary>
internal sealed class JobRunner
{
    private readonly ISyncStore _store;
    private readonly IJobStore _jobs;
    private readonly StoreOptions _storeOptions;
    private readonly ISyncEventSink _events;
    private readonly TimeProvider _time;

    /// <summary>A runner over an open, initialized store (the caller keeps and disposes it).</summary>
    public JobRunner(ISyncStore store, StoreOptions storeOptions, ISyncEventSink? events = null, TimeProvider? time = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _jobs = store as IJobStore ?? throw new ArgumentException($"The store {store.DisplayName} keeps no jobs.", nameof(store));
        _storeOptions = storeOptions ?? throw new ArgumentNullException(nameof(storeOptions));
        _events = events ?? SyncEventSinks.None;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Runs job <paramref name="key"/> of submission <paramref name="submissionId"/> with <paramref name="settings"/> (the
    /// worker's own settings of the submission's source, credentials included). A job that is not in the store, or a
    /// source that differs from the submission's, is an <see cref="ArgumentException"/>; a source failure throws its
    /// <see cref="MuseumPollException"/> with nothing of the job written.
    /// </summary>
    public async Task<JobOutcome> RunAsync(SyncSettings settings, string submissionId, string key, JobOptions options, Func<string, ComplianceRuleSet>? loadRules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var submission = await _jobs.GetSubmissionAsync(submissionId, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException($"Submission {submissionId} is not in {_storeOptions.Describe()}; it was removed, or this worker uses another database than Submit-MuseumSync did.");
        if (!string.Equals(submission.Source, settings.Source, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Submission {submissionId} syncs source '{submission.Source}', not '{settings.Source}'.");
        }
        var found = await _jobs.GetJobAsync(submissionId, key, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException($"Submission {submissionId} has no job '{key}' in {_storeOptions.Describe()}.");
        var (job, done) = found;
        if (done)
        {
            Say($"job {key} of submission {submissionId} is done already; nothing to do");
            // A planning job (or a window that split) done before its worker could hand its jobs on: hand them on now.
            var open = job.Kind is JobKind.List or JobKind.Windows or JobKind.Window ? await _jobs.GetOpenJobsAsync(submissionId, cancellationToken).ConfigureAwait(false) : [];
            return new JobOutcome(key, job.Kind, true, 0, job.Kind == JobKind.Window ? open.Where(k => JobPlanner.Within(k, job)).ToList() : open);
        }
        return job.Kind switch
        {
            JobKind.List => await ListAsync(settings, submissionId, job.IdsPerJob ?? options.IdsPerJob, cancellationToken).ConfigureAwait(false),
            JobKind.Chunk => await ChunkAsync(settings, submissionId, job, loadRules, cancellationToken).ConfigureAwait(false),
            JobKind.Windows => await WindowsAsync(settings, submission, job.WindowDays ?? options.WindowDays, cancellationToken).ConfigureAwait(false),
            JobKind.Window => await WindowAsync(settings, submissionId, job, loadRules, cancellationToken).ConfigureAwait(false),
            _ => await FeedAsync(settings, submissionId, job, loadRules, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<JobOutcome> ListAsync(SyncSettings settings, string submissionId, int idsPerJob, CancellationToken ct)
    {
        var narrowed = settings.Clone();
        narrowed.Cursor = null;
        if (narrowed.Since is null && !settings.NoResume)
        {
            // An incremental fan-out lists what changed since the checkpoint's watermark; the list is read whole.
            var checkpoint = await PollSource.ReadCheckpointAsync(_store, settings.Source, _storeOptions.Describe(), _events, ct).ConfigureAwait(false);
            if (checkpoint?.Watermark is { } w && DateTimeOffset.TryParse(w, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)) narrowed.Since = since;
        }
        var source = Open(narrowed);
        var ids = new List<string?>();
        await foreach (var id in source.ReadIdsAsync(ct).ConfigureAwait(false)) ids.Add(id);
        var chunks = JobPlanner.Chunks(ids, idsPerJob);
        // The chunks are planned in the list job's own transaction: a retried list job finds them, never a second plan.
        var result = await CommitAsync(settings.Source, new JobMark(submissionId, "list") { NewJobs = chunks }, null, ct).ConfigureAwait(false);
        var planned = result.AlreadyDone ? 0 : chunks.Count;
        Say(string.Create(CultureInfo.InvariantCulture, $"list job of submission {submissionId}: {planned} chunk jobs of up to {idsPerJob} ids planned"));
        return new JobOutcome("list", JobKind.List, result.AlreadyDone, 0, await _jobs.GetOpenJobsAsync(submissionId, ct).ConfigureAwait(false));
    }

    private async Task<JobOutcome> ChunkAsync(SyncSettings settings, string submissionId, PlannedJob job, Func<string, ComplianceRuleSet>? loadRules, CancellationToken ct)
    {
        var narrowed = settings.Clone();
        narrowed.Cursor = null;
        narrowed.FanOutIds = job.Ids;
        var source = Open(narrowed);
        var writer = SyncRun.WriterOptions(settings, _storeOptions.Describe(), _events, loadRules, useLeases: false, time: _time);
        // The whole chunk is one batch: its rows and its done-mark commit together (IdsPerJob bounds its size).
        var builder = new BatchBuilder(JobOptions.MaxIdsPerJob, settings.Source) { MaxBatchBytes = long.MaxValue };
        string? endpoint = null;
        await foreach (var received in source.ReadAsync(ct).ConfigureAwait(false))
        {
            var record = StorableRecord.Check(writer.Compliance?.Apply(received) ?? received);
            if (record.IsValid) RecordHash.Prepare(record);
            endpoint ??= record.SourceUrl;
            builder.Add(record);
        }
        return await CommitJobAsync(settings.Source, submissionId, job.Key, JobKind.Chunk, builder.Take(endpoint, _time.GetUtcNow()), ct).ConfigureAwait(false);
    }

    private async Task<JobOutcome> WindowsAsync(SyncSettings settings, JobSubmission submission, int windowDays, CancellationToken ct)
    {
        // The lower bound: -Since, else the checkpoint's watermark, else (OAI-PMH) Identify's earliestDatestamp; the upper
        // bound is the submission's time, so every window job of it reads the same range whenever it runs.
        string? watermark = null;
        if (settings.Since is null && !settings.NoResume)
        {
            var checkpoint = await PollSource.ReadCheckpointAsync(_store, settings.Source, _storeOptions.Describe(), _events, ct).ConfigureAwait(false);
            watermark = checkpoint?.Watermark;
        }
        var from = JobPlanner.LowerBound(settings.Since, watermark, settings.NoResume, null);
        var bound = from is null ? "none (one window from the beginning)" : settings.Since is not null ? "-Since" : "the checkpoint's watermark";
        if (from is null && (settings.Paging ?? PollSettingsResolver.Profile(settings).Paging) == Paging.PagingStyle.OaiPmh)
        {
            var narrowed = settings.Clone();
            narrowed.Cursor = null;
            var earliest = (await Open(narrowed).IdentifyAsync(ct).ConfigureAwait(false))?.EarliestDatestamp;
            from = JobPlanner.LowerBound(null, null, true, earliest);
            if (from is not null) bound = "Identify's earliestDatestamp";
        }
        var windows = JobPlanner.Windows(from, submission.Created, windowDays);
        var result = await CommitAsync(settings.Source, new JobMark(submission.Id, "windows") { NewJobs = windows }, null, ct).ConfigureAwait(false);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"windows job of submission {submission.Id}: {(result.AlreadyDone ? 0 : windows.Count)} date windows of up to {windowDays} days planned from {(from is { } f ? JobPlanner.Stamp(f) : "the beginning")} (lower bound: {bound}) to {JobPlanner.Stamp(submission.Created)}"));
        return new JobOutcome("windows", JobKind.Windows, result.AlreadyDone, 0, await _jobs.GetOpenJobsAsync(submission.Id, ct).ConfigureAwait(false));
    }

    private async Task<JobOutcome> WindowAsync(SyncSettings settings, string submissionId, PlannedJob job, Func<string, ComplianceRuleSet>? loadRules, CancellationToken ct)
    {
        var narrowed = settings.Clone();
        narrowed.Cursor = null;
        narrowed.Since = job.From;
        narrowed.Until = job.Until;
        var source = Open(narrowed);
        var writer = SyncRun.WriterOptions(settings, _storeOptions.Describe(), _events, loadRules, useLeases: false, time: _time);
        // The whole window is one batch, as a chunk is: its rows and its done-mark commit together. A window that holds
        // more than MaxRecordsPerWindow is not read on: it is split in two, planned in its own transaction.
        var builder = new BatchBuilder(JobOptions.MaxRecordsPerWindow + 1, settings.Source) { MaxBatchBytes = long.MaxValue };
        string? endpoint = null;
        var count = 0;
        var tooMany = false;
        await foreach (var received in source.ReadAsync(ct).ConfigureAwait(false))
        {
            if (++count > JobOptions.MaxRecordsPerWindow)
            {
                tooMany = true;
                break;
            }
            var record = StorableRecord.Check(writer.Compliance?.Apply(received) ?? received);
            if (record.IsValid) RecordHash.Prepare(record);
            endpoint ??= record.SourceUrl;
            builder.Add(record);
        }
        if (tooMany) return await SplitAsync(settings, submissionId, job, source, ct).ConfigureAwait(false);
        return await CommitJobAsync(settings.Source, submissionId, job.Key, JobKind.Window, builder.Take(endpoint, _time.GetUtcNow()), ct).ConfigureAwait(false);
    }

    /// <summary>A chunk's or a window's batch with its done-mark, in one transaction, and the line that says how it went.</summary>
    private async Task<JobOutcome> CommitJobAsync(string source, string submissionId, string key, JobKind kind, SyncBatch? batch, CancellationToken ct)
    {
        var result = await CommitAsync(source, new JobMark(submissionId, key), batch, ct).ConfigureAwait(false);
        var records = batch is null ? 0 : batch.Records.Count + batch.Deletions.Count + batch.DeadLetters.Count;
        Say(result.AlreadyDone
            ? $"job {key} of submission {submissionId} was committed by another worker meanwhile; this attempt wrote nothing"
            : string.Create(CultureInfo.InvariantCulture, $"job {key} of submission {submissionId}: inserted={result.Inserted} updated={result.Updated} unchanged={result.Unchanged} deleted={result.Deleted} dead_lettered={result.DeadLettered} dead_seen_before={result.DeadLettersSeenBefore}"));
        return new JobOutcome(key, kind, result.AlreadyDone, result.AlreadyDone ? 0 : records, []);
    }

    private async Task<JobOutcome> SplitAsync(SyncSettings settings, string submissionId, PlannedJob job, PollSource source, CancellationToken ct)
    {
        var where = source.Target as Uri;
        if (source.Statistics?.UntilIgnored == true)
        {
            throw new MuseumPollException(
                $"Date window {job.Describe()} of source '{settings.Source}' returned more than {JobOptions.MaxRecordsPerWindow:N0} records, and the repository ignores until= (it returned records dated after it), so smaller windows would not hold fewer. Sync this source with Invoke-MuseumSync (a plain run commits batch by batch), and report the ignored until= to the repository's maintainers.",
                "MuseumJobWindowTooLarge", isTransient: false, where, null, null);
        }
        var profile = PollSettingsResolver.Profile(settings);
        bool seconds;
        if ((settings.Paging ?? profile.Paging) == Paging.PagingStyle.OaiPmh)
        {
            seconds = (await source.IdentifyAsync(ct).ConfigureAwait(false))?.SecondsGranularity == true;
        }
        else
        {
            seconds = (profile.SinceFormat ?? "yyyy-MM-dd'T'HH:mm:ss'Z'").Contains("HH", StringComparison.Ordinal);
        }
        if (JobPlanner.Halves(job, seconds) is not { } halves)
        {
            throw new MuseumPollException(
                $"Date window {job.Describe()} of source '{settings.Source}' holds more than {JobOptions.MaxRecordsPerWindow:N0} records (a window's records are committed in one transaction) and cannot be split further: {(job.From is null ? "it has no lower bound; submit with -Since" : seconds ? "it is one second long" : "the API filters by whole days and the window is one day")}. Sync this source with Invoke-MuseumSync (a plain run commits batch by batch).",
                "MuseumJobWindowTooLarge", isTransient: false, where, null, null);
        }
        var split = new[] { halves.First, halves.Second };
        var result = await CommitAsync(settings.Source, new JobMark(submissionId, job.Key) { NewJobs = split, Records = 0 }, null, ct).ConfigureAwait(false);
        Say($"job {job.Key} of submission {submissionId} holds more than {JobOptions.MaxRecordsPerWindow:N0} records: split into {halves.First.Key} and {halves.Second.Key}{(result.AlreadyDone ? " by another worker meanwhile" : string.Empty)}");
        var open = await _jobs.GetOpenJobsAsync(submissionId, ct).ConfigureAwait(false);
        return new JobOutcome(job.Key, JobKind.Window, result.AlreadyDone, 0, open.Where(k => JobPlanner.Within(k, job)).ToList());
    }

    private async Task<JobOutcome> FeedAsync(SyncSettings settings, string submissionId, PlannedJob job, Func<string, ComplianceRuleSet>? loadRules, CancellationToken ct)
    {
        // A feed that cannot be split: batches and checkpoints as Invoke-MuseumSync writes them (a killed worker's retry
        // resumes from the checkpoint), then the done-mark.
        SyncSummary summary;
        var run = new SyncRun(settings, _store, _storeOptions, _events, _time) { Submission = submissionId };
        await using (run.ConfigureAwait(false))
        {
            summary = await run.RunAsync(loadRules, ct).ConfigureAwait(false);
        }
        var received = (int)Math.Min(int.MaxValue, summary.Received);
        var result = await CommitAsync(settings.Source, new JobMark(submissionId, job.Key) { Records = received }, null, ct).ConfigureAwait(false);
        return new JobOutcome(job.Key, job.Kind, result.AlreadyDone, received, []);
    }

    /// <summary>
    /// The one place a job opens its source. With the store, the source's pace, the server's spent quota and its daily
    /// budget are kept in the database, so every worker of every host together stays within one quota.
    /// </summary>
    private PollSource Open(SyncSettings settings) => PollSource.Create(settings, null, _events, _time, _store);

    private async Task<BatchResult> CommitAsync(string source, JobMark mark, SyncBatch? batch, CancellationToken ct)
    {
        var session = _store.BeginSession(source);
        await using (session.ConfigureAwait(false))
        {
            if (batch is not null) SyncWriter.Fill(session, batch);
            return await session.CompleteAsync(new SessionCompletion
            {
                Job = mark,
                Endpoint = batch?.Endpoint,
                Superseded = batch?.Superseded ?? 0,
                Now = _time.GetUtcNow(),
            }, ct).ConfigureAwait(false);
        }
    }

    private void Say(string message)
    {
        if (_events.IsEnabled(SyncEventLevel.Verbose)) _events.Publish(new SyncEvent(SyncEventLevel.Verbose, SyncEventIds.BatchCommitted, message));
    }
}
