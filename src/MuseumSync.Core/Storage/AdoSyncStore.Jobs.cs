using System.Data.Common;
using MuseumSync.Jobs;

namespace MuseumSync.Storage;

/// <summary>The job tables on a server store (the statements are <see cref="JobTables"/>; the done-mark is committed by the batch).</summary>
internal abstract partial class AdoSyncStore<TStore, TConnection, TCommand> : IJobStore
{
    private JobTables? _jobTables;

    private protected JobTables Jobs => _jobTables ??= new JobTables(Sql.Schema + ".");

    /// <inheritdoc />
    public Task CreateSubmissionAsync(JobSubmission submission, IReadOnlyList<PlannedJob> jobs, CancellationToken cancellationToken) =>
        RunAsync(static async (s, a, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            await s.Jobs.CreateAsync(c, tx, a.submission, a.jobs, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, (submission, jobs), $"write the submission of '{submission.Source}' to", cancellationToken);

    /// <inheritdoc />
    public Task<JobSubmission?> GetSubmissionAsync(string id, CancellationToken cancellationToken) =>
        RunAsync(static async (s, id, ct) => await s.Jobs.ReadSubmissionAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), null, id, ct).ConfigureAwait(false),
            id, $"read submission {id} in", cancellationToken);

    /// <inheritdoc />
    public Task<(PlannedJob Job, bool Done)?> GetJobAsync(string submissionId, string key, CancellationToken cancellationToken) =>
        RunAsync(static async (s, a, ct) => await s.Jobs.ReadJobAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), a.submissionId, a.key, ct).ConfigureAwait(false),
            (submissionId, key), $"read job {key} of submission {submissionId} in", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetOpenJobsAsync(string submissionId, CancellationToken cancellationToken) =>
        RunAsync(static async (s, id, ct) => await s.Jobs.OpenJobsAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), id, ct).ConfigureAwait(false),
            submissionId, $"read the open jobs of submission {submissionId} in", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SyncJobInfo>> GetJobsAsync(JobQuery query, CancellationToken cancellationToken) =>
        RunAsync(static async (s, q, ct) =>
        {
            try
            {
                return await s.Jobs.ListAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), q, ct).ConfigureAwait(false);
            }
            catch (DbException ex) when (s.Dialect.IsMissingTable(ex))
            {
                return (IReadOnlyList<SyncJobInfo>)[];
            }
        }, query, "read the jobs in", cancellationToken);

    /// <inheritdoc />
    public Task<JobSubmission?> GetOpenSubmissionAsync(string source, CancellationToken cancellationToken) =>
        RunAsync(static async (s, source, ct) =>
        {
            try
            {
                return await s.Jobs.OpenSubmissionAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), null, source, ct).ConfigureAwait(false);
            }
            catch (DbException ex) when (s.Dialect.IsMissingTable(ex))
            {
                return null;
            }
        }, source, $"read the open submission of '{source}' in", cancellationToken);

    /// <inheritdoc />
    public Task<bool> AbandonSubmissionAsync(string submissionId, CancellationToken cancellationToken) =>
        RunAsync(static async (s, id, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var abandoned = await s.Jobs.AbandonAsync(c, tx, id, TimeProvider.System.GetUtcNow(), ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return abandoned;
        }, submissionId, $"abandon submission {submissionId} in", cancellationToken);

    /// <inheritdoc />
    public Task RecordAttemptAsync(string submissionId, string key, string state, bool started, string? error, CancellationToken cancellationToken) =>
        RunAsync(static async (s, a, ct) =>
        {
            await s.Jobs.RecordAttemptAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), a.submissionId, a.key, a.state, a.started, a.error, TimeProvider.System.GetUtcNow(), ct).ConfigureAwait(false);
            return true;
        }, (submissionId, key, state, started, error), $"record an attempt of job {key} in", cancellationToken);
}
