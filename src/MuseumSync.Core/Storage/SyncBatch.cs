namespace MuseumSync.Storage;

/// <summary>One unit of work for <see cref="ISyncStore.CommitBatchAsync"/>.</summary>
public sealed class SyncBatch
{
    /// <summary>The source the batch belongs to.</summary>
    public required string Source { get; init; }

    /// <summary>Valid records to upsert by (source, object id); a later record with the same id wins.</summary>
    public required IReadOnlyList<MuseumRecord> Records { get; init; }

    /// <summary>Invalid records to dead-letter.</summary>
    public required IReadOnlyList<MuseumRecord> DeadLetters { get; init; }

    /// <summary>The position to store as the checkpoint, or null to leave it where it is (the batch ended mid-page).</summary>
    public string? CheckpointPosition { get; init; }

    /// <summary>True when <see cref="CheckpointPosition"/> should be written (a null position then means "from the start").</summary>
    public bool AdvanceCheckpoint { get; init; }

    /// <summary>The modification-time watermark to store (the feed was committed to its end); null leaves it as it is.</summary>
    public string? Watermark { get; init; }

    /// <summary>The endpoint the checkpoint position belongs to (masked), for information.</summary>
    public string? Endpoint { get; init; }

    /// <summary>When the batch is committed.</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>What one batch did.</summary>
/// <param name="Inserted">New records.</param>
/// <param name="Updated">Records whose content changed.</param>
/// <param name="Unchanged">Records with the same content hash, not rewritten.</param>
/// <param name="DeadLettered">New dead letters.</param>
/// <param name="DeadLettersSeenBefore">Dead letters already stored (the same payload again), not duplicated.</param>
public sealed record BatchResult(int Inserted, int Updated, int Unchanged, int DeadLettered, int DeadLettersSeenBefore);
