namespace MuseumSync;

/// <summary>Where a source's sync stands: the position to resume from and the running totals.</summary>
public sealed class SyncCheckpoint
{
    /// <summary>The source name.</summary>
    public required string Source { get; init; }

    /// <summary>The position (cursor or next-page URL) the next run starts from; null means from the beginning.</summary>
    public string? Cursor { get; init; }

    /// <summary>The modification-time watermark of the last complete incremental run (ISO 8601); null when none.</summary>
    public string? Watermark { get; init; }

    /// <summary>The endpoint the position belongs to.</summary>
    public string? Endpoint { get; init; }

    /// <summary>When a batch was last committed.</summary>
    public DateTimeOffset? LastSyncTime { get; init; }

    /// <summary>Valid records committed over all runs (new, changed, unchanged, and superseded by a later version in their batch).</summary>
    public long RecordsCommitted { get; init; }

    /// <summary>Distinct dead letters written over all runs.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Batches committed over all runs.</summary>
    public long Batches { get; init; }

    /// <summary>The database the checkpoint was read from.</summary>
    public string? Database { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Source} @ {Cursor ?? "(start)"}";
}
