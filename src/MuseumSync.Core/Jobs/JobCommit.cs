namespace MuseumSync.Jobs;

/// <summary>
/// What committing a job's done-mark decided, inside the job's transaction: whether the job was still open (else the
/// transaction writes nothing), and, when it is the submission's last, the checkpoint that transaction writes.
/// </summary>
/// <param name="Claimed">False when the job was done already: the caller rolls back and reports "already done".</param>
/// <param name="Last">True when this job completes its submission.</param>
/// <param name="Submission">The submission after the count (its checkpoint, watermark and totals).</param>
internal sealed record JobCommit(bool Claimed, bool Last, JobSubmission? Submission)
{
    /// <summary>The job was done already.</summary>
    public static readonly JobCommit AlreadyDone = new(false, false, null);

    /// <summary>
    /// The completion the job's transaction goes on with: a job never moves the checkpoint by its own records; the
    /// submission's last job writes the checkpoint and watermark planned at submission.
    /// </summary>
    public Storage.SessionCompletion Apply(Storage.SessionCompletion done)
    {
        ArgumentNullException.ThrowIfNull(done);
        return new Storage.SessionCompletion
        {
            AdvanceCheckpoint = Last && Submission!.AdvanceCheckpoint,
            CheckpointPosition = Last ? Submission!.CheckpointPosition : null,
            Watermark = Last ? Submission!.Watermark : null,
            Endpoint = done.Endpoint,
            Superseded = done.Superseded,
            Lease = done.Lease,
            Now = done.Now,
            Job = done.Job,
        };
    }
}
