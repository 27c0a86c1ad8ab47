namespace MuseumSync;

/// <summary>What one source's run did: <c>Sync-MuseumRecord</c> writes one at the end of every run, <c>Invoke-MuseumSync</c> one per source.</summary>
public sealed class SyncSummary
{
    /// <summary>The source the records were stored under.</summary>
    public string? Source { get; init; }

    /// <summary>
    /// Completed, Incomplete (the feed ended while its own total says there is more; <see cref="Error"/> says where),
    /// Failed, Busy (another worker holds the source), Stopped (Ctrl+C), or WhatIf.
    /// </summary>
    public string Status { get; init; } = "Completed";

    /// <summary>Why the source failed or is incomplete (null when it did not): what went wrong, where, and what to do.</summary>
    public string? Error { get; init; }

    /// <summary>Records received from the pipeline.</summary>
    public long Received { get; init; }

    /// <summary>New records.</summary>
    public long Inserted { get; init; }

    /// <summary>Records whose content changed.</summary>
    public long Updated { get; init; }

    /// <summary>Records that were already stored with the same content.</summary>
    public long Unchanged { get; init; }

    /// <summary>Records not written because a later version of the same object id came in the same batch (the last version wins).</summary>
    public long Superseded { get; init; }

    /// <summary>Invalid records written to the dead-letter table (new ones).</summary>
    public long DeadLettered { get; init; }

    /// <summary>Invalid records already in the dead-letter table (the same payload again).</summary>
    public long DeadLettersSeenBefore { get; init; }

    /// <summary>Rows deleted because the source reported the record deleted.</summary>
    public long Deleted { get; init; }

    /// <summary>Replayed dead letters that passed validation and left the dead-letter table.</summary>
    public long DeadLettersResolved { get; init; }

    /// <summary>Batches committed.</summary>
    public long Batches { get; init; }

    /// <summary>The checkpoint position after the run (null: from the start).</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Records received per second of <see cref="Duration"/>.</summary>
    public double RecordsPerSecond { get; init; }

    /// <summary>Where the records went (the SQLite file, or the server and database; never a secret).</summary>
    public string? Database { get; init; }

    /// <summary>The store provider (<c>Sqlite</c>, <c>SqlServer</c>, <c>PostgreSql</c>).</summary>
    public string? Provider { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Source}: {Status}{(Error is null ? string.Empty : " (" + Error + ")")}; {Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {Deleted} deleted, {DeadLettered} dead-lettered in {Batches} batches";
}
