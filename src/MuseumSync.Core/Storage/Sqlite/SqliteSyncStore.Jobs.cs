using Microsoft.Data.Sqlite;
using MuseumSync.Jobs;

namespace MuseumSync.Storage.Sqlite;

/// <summary>The job tables on SQLite (the statements are <see cref="JobTables"/>; the done-mark is committed by the session).</summary>
internal sealed partial class SqliteSyncStore : IJobStore
{
    private readonly JobTables _jobs = new(string.Empty);

    /// <inheritdoc />
    public Task CreateSubmissionAsync(JobSubmission submission, IReadOnlyList<PlannedJob> jobs, CancellationToken cancellationToken) =>
        JobWorkAsync(async ct =>
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            await _jobs.CreateAsync(_connection, tx, submission, jobs, ct).ConfigureAwait(false);
            tx.Commit();
            return true;
        }, $"write the submission of '{submission.Source}' to", cancellationToken);

    /// <inheritdoc />
    public Task<JobSubmission?> GetSubmissionAsync(string id, CancellationToken cancellationToken) =>
        JobWorkAsync(ct => _jobs.ReadSubmissionAsync(_connection, null, id, ct), $"read submission {id} in", cancellationToken);

    /// <inheritdoc />
    public Task<(PlannedJob Job, bool Done)?> GetJobAsync(string submissionId, string key, CancellationToken cancellationToken) =>
        JobWorkAsync(ct => _jobs.ReadJobAsync(_connection, submissionId, key, ct), $"read job {key} of submission {submissionId} in", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetOpenJobsAsync(string submissionId, CancellationToken cancellationToken) =>
        JobWorkAsync(ct => _jobs.OpenJobsAsync(_connection, submissionId, ct), $"read the open jobs of submission {submissionId} in", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SyncJobInfo>> GetJobsAsync(JobQuery query, CancellationToken cancellationToken) =>
        JobWorkAsync(async ct =>
        {
            try
            {
                return await _jobs.ListAsync(_connection, query, ct).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (IsNoSuchTable(ex))
            {
                return (IReadOnlyList<SyncJobInfo>)[];
            }
        }, "read the jobs in", cancellationToken);

    /// <inheritdoc />
    public Task<JobSubmission?> GetOpenSubmissionAsync(string source, CancellationToken cancellationToken) =>
        JobWorkAsync(async ct =>
        {
            try
            {
                return await _jobs.OpenSubmissionAsync(_connection, null, source, ct).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (IsNoSuchTable(ex))
            {
                return null;
            }
        }, $"read the open submission of '{source}' in", cancellationToken);

    /// <inheritdoc />
    public Task<bool> AbandonSubmissionAsync(string submissionId, CancellationToken cancellationToken) =>
        JobWorkAsync(async ct =>
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            var abandoned = await _jobs.AbandonAsync(_connection, tx, submissionId, _time.GetUtcNow(), ct).ConfigureAwait(false);
            tx.Commit();
            return abandoned;
        }, $"abandon submission {submissionId} in", cancellationToken);

    /// <inheritdoc />
    public Task RecordAttemptAsync(string submissionId, string key, string state, bool started, string? error, CancellationToken cancellationToken) =>
        JobWorkAsync(async ct =>
        {
            await _jobs.RecordAttemptAsync(_connection, submissionId, key, state, started, error, _time.GetUtcNow(), ct).ConfigureAwait(false);
            return true;
        }, $"record an attempt of job {key} in", cancellationToken);

    /// <summary>The job's done-mark in the session's transaction (Microsoft.Data.Sqlite runs its async calls synchronously).</summary>
    private JobCommit CommitJobMark(SqliteTransaction tx, JobMark mark, int records, DateTimeOffset now, CancellationToken cancellationToken) =>
        _jobs.CommitAsync(_connection, tx, mark, records, now, cancellationToken).GetAwaiter().GetResult();

    private async Task<T> JobWorkAsync<T>(Func<CancellationToken, Task<T>> work, string what, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not {what} '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }
}
