namespace MuseumSync;

/// <summary>What one <c>Sync-MuseumRecord</c> run did. One is written at the end of every run.</summary>
public sealed class SyncSummary
{
    /// <summary>The source the records were stored under.</summary>
    public string? Source { get; init; }

    /// <summary>Completed, Stopped (Ctrl+C), Failed, or WhatIf.</summary>
    public string Status { get; init; } = "Completed";

    /// <summary>Records received from the pipeline.</summary>
    public long Received { get; init; }

    /// <summary>New records.</summary>
    public long Inserted { get; init; }

    /// <summary>Records whose content changed.</summary>
    public long Updated { get; init; }

    /// <summary>Records that were already stored with the same content.</summary>
    public long Unchanged { get; init; }

    /// <summary>Invalid records written to the dead-letter table (new ones).</summary>
    public long DeadLettered { get; init; }

    /// <summary>Invalid records already in the dead-letter table (the same payload again).</summary>
    public long DeadLettersSeenBefore { get; init; }

    /// <summary>Batches committed.</summary>
    public long Batches { get; init; }

    /// <summary>The checkpoint position after the run (null: from the start).</summary>
    public string? Checkpoint { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Records received per second of <see cref="Duration"/>.</summary>
    public double RecordsPerSecond { get; init; }

    /// <summary>Where the records went.</summary>
    public string? Database { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Source}: {Status}; {Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {DeadLettered} dead-lettered in {Batches} batches";
}
