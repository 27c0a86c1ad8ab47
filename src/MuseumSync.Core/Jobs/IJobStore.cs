namespace MuseumSync.Jobs;

/// <summary>
/// The job tables of a store (<see cref="JobSchema"/>), which every store implements beside <see cref="Storage.ISyncStore"/>;
/// a job's done-mark itself is committed by the store's session (<see cref="Storage.SessionCompletion.Job"/>).
/// </summary>
internal interface IJobStore
{
    /// <summary>Writes a submission and its first jobs in one transaction.</summary>
    Task CreateSubmissionAsync(JobSubmission submission, IReadOnlyList<PlannedJob> jobs, CancellationToken cancellationToken);

    /// <summary>The submission, or null.</summary>
    Task<JobSubmission?> GetSubmissionAsync(string id, CancellationToken cancellationToken);

    /// <summary>One job and whether it is done, or null when the submission has no such job.</summary>
    Task<(PlannedJob Job, bool Done)?> GetJobAsync(string submissionId, string key, CancellationToken cancellationToken);

    /// <summary>The keys of the submission's jobs that are not done (its list job left out).</summary>
    Task<IReadOnlyList<string>> GetOpenJobsAsync(string submissionId, CancellationToken cancellationToken);

    /// <summary>Jobs as <c>Get-MuseumSyncJob</c> shows them; empty when the schema has no job tables yet.</summary>
    Task<IReadOnlyList<SyncJobInfo>> GetJobsAsync(JobQuery query, CancellationToken cancellationToken);

    /// <summary>The source's oldest submission that is not finished (it holds the source: plain runs wait), or null; null when the schema has no job tables yet.</summary>
    Task<JobSubmission?> GetOpenSubmissionAsync(string source, CancellationToken cancellationToken);

    /// <summary>Abandons an unfinished submission in one transaction (its open jobs do nothing after); false when it is finished already or unknown.</summary>
    Task<bool> AbandonSubmissionAsync(string submissionId, CancellationToken cancellationToken);

    /// <summary>Records an attempt's start or failure on a job that is not done.</summary>
    Task RecordAttemptAsync(string submissionId, string key, string state, bool started, string? error, CancellationToken cancellationToken);
}
