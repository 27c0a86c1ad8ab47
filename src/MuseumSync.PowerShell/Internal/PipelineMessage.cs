namespace MuseumSync.PowerShell.Internal;

/// <summary>Something the async core wants written on the pipeline thread.</summary>
internal abstract record PipelineMessage;

/// <summary>A verbose line.</summary>
internal sealed record VerboseMessage(string Text) : PipelineMessage;

/// <summary>A warning.</summary>
internal sealed record WarningMessage(string Text) : PipelineMessage;

/// <summary>A committed dead letter to write as a MuseumRecordInvalid error (-EnableException).</summary>
internal sealed record InvalidRecordMessage(string Text, MuseumRecord Record) : PipelineMessage;


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
