namespace MuseumSync.PowerShell.Internal;

/// <summary>Something the async core wants written on the pipeline thread.</summary>
internal abstract record PipelineMessage;

/// <summary>Wakes the pipeline thread: events wait in the pump's <see cref="Run.QueuedEventSink"/>.</summary>
internal sealed record EventsWaiting : PipelineMessage
{
    public static readonly EventsWaiting Instance = new();
}

/// <summary>Time to update the progress bar.</summary>
internal sealed record ProgressTick : PipelineMessage
{
    public static readonly ProgressTick Instance = new();
}

/// <summary>Records for the pipeline, in order.</summary>
internal sealed record RecordChunk(MuseumRecord[] Records) : PipelineMessage
{
    /// <summary>Records per chunk at most.</summary>
    public const int MaxRecords = 256;

    /// <summary>How long a chunk may wait for more records.</summary>
    public const long MaxDelayMs = 50;
}
