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
            return new JobOutcome(key, job.Kind, true, 0, job.Kind == JobKind.List ? await _jobs.GetOpenJobsAsync(submissionId, cancellationToken).ConfigureAwait(false) : []);
        }
        return job.Kind switch
        {
            JobKind.List => await ListAsync(settings, submissionId, job.IdsPerJob ?? options.IdsPerJob, cancellationToken).ConfigureAwait(false),
            JobKind.Chunk => await ChunkAsync(settings, submissionId, job, loadRules, cancellationToken).ConfigureAwait(false),
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
        var batch = builder.Take(endpoint, _time.GetUtcNow());
        var result = await CommitAsync(settings.Source, new JobMark(submissionId, job.Key), batch, ct).ConfigureAwait(false);
        var records = batch is null ? 0 : batch.Records.Count + batch.Deletions.Count + batch.DeadLetters.Count;
        Say(result.AlreadyDone
            ? $"job {job.Key} of submission {submissionId} was committed by another worker meanwhile; this attempt wrote nothing"
            : string.Create(CultureInfo.InvariantCulture, $"job {job.Key} of submission {submissionId}: inserted={result.Inserted} updated={result.Updated} unchanged={result.Unchanged} deleted={result.Deleted} dead_lettered={result.DeadLettered} dead_seen_before={result.DeadLettersSeenBefore}"));
        return new JobOutcome(job.Key, JobKind.Chunk, result.AlreadyDone, result.AlreadyDone ? 0 : records, []);
    }

    private async Task<JobOutcome> FeedAsync(SyncSettings settings, string submissionId, PlannedJob job, Func<string, ComplianceRuleSet>? loadRules, CancellationToken ct)
    {
        // A feed that cannot be split: batches and checkpoints as Invoke-MuseumSync writes them (a killed worker's retry
        // resumes from the checkpoint), then the done-mark.
        SyncSummary summary;
        var run = new SyncRun(settings, _store, _storeOptions, _events, _time);
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
