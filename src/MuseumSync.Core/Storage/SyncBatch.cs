using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage;

/// <summary>
/// One batch as <see cref="Sync.BatchBuilder"/> collects it and <see cref="Sync.SyncWriterOptions.ShouldCommit"/> sees it;
/// the writer feeds it to a store's <see cref="ISyncSession"/> and completes that with the checkpoint.
/// </summary>
public sealed class SyncBatch
{
    /// <summary>The source the batch belongs to.</summary>
    public required string Source { get; init; }

    /// <summary>Valid records to upsert by (source, object id); a later record with the same id wins.</summary>
    public required IReadOnlyList<MuseumRecord> Records { get; init; }

    /// <summary>Invalid records to dead-letter.</summary>
    public required IReadOnlyList<MuseumRecord> DeadLetters { get; init; }

    /// <summary>
    /// Records the source reported deleted (<see cref="MuseumRecord.IsDeleted"/>): their rows (source, object id) are
    /// deleted after the upserts, in the same transaction. The default is none.
    /// </summary>
    public IReadOnlyList<MuseumRecord> Deletions { get; init; } = Array.Empty<MuseumRecord>();

    /// <summary>Dead letters that were replayed and now passed validation: removed from the dead-letter table in the same transaction. The default is none.</summary>
    public IReadOnlyList<ResolvedDeadLetter> ResolvedDeadLetters { get; init; } = Array.Empty<ResolvedDeadLetter>();

    /// <summary>
    /// Valid records left out because a later version of the same object id came in the same batch
    /// (<see cref="Sync.BatchBuilder"/> keeps the last one in <see cref="Records"/>); for the counts only. The default is 0.
    /// </summary>
    public int Superseded { get; init; }

    /// <summary>The position to store as the checkpoint, or null to leave it where it is (the batch ended mid-page).</summary>
    public string? CheckpointPosition { get; init; }

    /// <summary>True when <see cref="CheckpointPosition"/> should be written (a null position then means "from the start").</summary>
    public bool AdvanceCheckpoint { get; init; }

    /// <summary>The modification-time watermark to store (the feed was committed to its end); null leaves it as it is.</summary>
    public string? Watermark { get; init; }

    /// <summary>The endpoint the checkpoint position belongs to (masked), for information.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The lease the batch is committed under (<see cref="SessionCompletion.Lease"/>) when the writer holds none of its own; null commits without a lease.</summary>
    public SyncLease? Lease { get; init; }

    /// <summary>When the batch is committed.</summary>
    /// <value>The default is the system clock's time when the batch is made; the sync writer sets it from its <see cref="TimeProvider"/>.</value>
    public DateTimeOffset Now { get; init; } = TimeProvider.System.GetUtcNow();
}

/// <summary>A dead letter that a replay fixed: the row (source, payload) to remove.</summary>
/// <param name="Source">The dead letter's source.</param>
/// <param name="Payload">Its payload exactly as stored.</param>
public sealed record ResolvedDeadLetter(string Source, string Payload);

/// <summary>What one batch did.</summary>
/// <param name="Inserted">New records.</param>
/// <param name="Updated">Records whose content changed.</param>
/// <param name="Unchanged">Records with the same content hash, not rewritten.</param>
/// <param name="DeadLettered">New dead letters.</param>
/// <param name="DeadLettersSeenBefore">Dead letters already stored (the same payload again), not duplicated.</param>
public sealed record BatchResult(int Inserted, int Updated, int Unchanged, int DeadLettered, int DeadLettersSeenBefore)
{
    /// <summary>Rows deleted because the source reported the record deleted.</summary>
    public int Deleted { get; init; }

    /// <summary>Dead letters removed because their replay passed validation.</summary>
    public int DeadLettersResolved { get; init; }

    /// <summary>True when the session's job was done already (<see cref="SessionCompletion.Job"/>): nothing was written.</summary>
    internal bool AlreadyDone { get; init; }

    /// <summary>What a session whose job was done already returns.</summary>
    internal static BatchResult JobAlreadyDone { get; } = new(0, 0, 0, 0, 0) { AlreadyDone = true };
}
