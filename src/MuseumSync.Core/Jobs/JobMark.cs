namespace MuseumSync.Jobs;

/// <summary>
/// The done-mark a job's session commits with its rows (<see cref="Storage.SessionCompletion"/>): the job row is marked
/// done in the same transaction, or, when it is done already, nothing of the session is written.
/// </summary>
/// <param name="SubmissionId">The submission.</param>
/// <param name="Key">The job's key in it.</param>
internal sealed record JobMark(string SubmissionId, string Key)
{
    /// <summary>Jobs this one plans (a list job's chunks): inserted and counted in the same transaction.</summary>
    public IReadOnlyList<PlannedJob> NewJobs { get; init; } = [];

    /// <summary>The records the job committed when they are not all in this session (a feed job's earlier batches); null: this session's.</summary>
    public int? Records { get; init; }
}
