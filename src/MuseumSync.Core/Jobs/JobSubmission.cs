namespace MuseumSync.Jobs;

/// <summary>
/// One planned sync of one source (<c>sync_submissions</c>): its jobs are counted as they commit, and the job that
/// commits last moves the source's checkpoint to <see cref="CheckpointPosition"/> and <see cref="Watermark"/> in its own
/// transaction.
/// </summary>
internal sealed record JobSubmission
{
    /// <summary>A new random id (32 hex digits).</summary>
    public required string Id { get; init; }

    /// <summary>The source the jobs sync.</summary>
    public required string Source { get; init; }

    /// <summary>When it was submitted.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Jobs planned so far (a list job adds its chunks when it commits).</summary>
    public int PlannedJobs { get; init; }

    /// <summary>Jobs committed.</summary>
    public int DoneJobs { get; init; }

    /// <summary>When the last job committed; null while jobs are left.</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary>True when the last job writes <see cref="CheckpointPosition"/> as the checkpoint.</summary>
    public bool AdvanceCheckpoint { get; init; }

    /// <summary>The checkpoint the last job writes (null: from the start).</summary>
    public string? CheckpointPosition { get; init; }

    /// <summary>The watermark the last job writes (incremental sources: this submission's start less the overlap); null leaves it.</summary>
    public string? Watermark { get; init; }
}
