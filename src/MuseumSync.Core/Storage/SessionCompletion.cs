using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage;

/// <summary>How a <see cref="ISyncSession"/> ends: the checkpoint change committed with its rows, and the lease it is committed under.</summary>
public sealed class SessionCompletion
{
    /// <summary>True when <see cref="CheckpointPosition"/> should be written (a null position then means "from the start").</summary>
    public bool AdvanceCheckpoint { get; init; }

    /// <summary>The position to store as the checkpoint; ignored unless <see cref="AdvanceCheckpoint"/>.</summary>
    public string? CheckpointPosition { get; init; }

    /// <summary>The modification-time watermark to store (the feed was committed to its end); null leaves it as it is.</summary>
    public string? Watermark { get; init; }

    /// <summary>The endpoint the checkpoint position belongs to (masked), for information.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Valid records left out because a later version of the same object id came in the same batch; added to the checkpoint's record total. The default is 0.</summary>
    public int Superseded { get; init; }

    /// <summary>The lease the session is committed under: checked and renewed in the transaction, which rolls back (<see cref="SyncLeaseLostException"/>) when another worker holds it. Null commits without a lease.</summary>
    public SyncLease? Lease { get; init; }

    /// <summary>When the rows are committed.</summary>
    /// <value>The default is the system clock's time when the completion is made; the sync writer sets it from its <see cref="TimeProvider"/>.</value>
    public DateTimeOffset Now { get; init; } = TimeProvider.System.GetUtcNow();

    /// <summary>
    /// A scale-out job's done-mark, committed in the same transaction as the rows: when the job is done already the
    /// session writes nothing (<see cref="BatchResult.AlreadyDone"/>), and the checkpoint moves only in the transaction of
    /// the submission's last job (<see cref="Jobs.JobCommit.Apply"/>). Null for a run that is not a job.
    /// </summary>
    internal Jobs.JobMark? Job { get; init; }
}
