namespace MuseumSync.Storage;

/// <summary>A manual change to a source's checkpoint (<c>Set-SyncCheckpoint</c>).</summary>
public sealed class CheckpointChange
{
    /// <summary>The source whose checkpoint changes.</summary>
    public required string Source { get; init; }

    /// <summary>True to replace the cursor with <see cref="Cursor"/> (null: from the start).</summary>
    public bool SetCursor { get; init; }

    /// <summary>The position the next run starts from.</summary>
    public string? Cursor { get; init; }

    /// <summary>True to replace the watermark with <see cref="Watermark"/>.</summary>
    public bool SetWatermark { get; init; }

    /// <summary>The modification-time watermark (ISO 8601) the next incremental run starts from; null clears it.</summary>
    public string? Watermark { get; init; }
}
