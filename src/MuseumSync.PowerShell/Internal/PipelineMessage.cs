namespace MuseumSync.PowerShell.Internal;

/// <summary>Something the async core wants written on the pipeline thread.</summary>
internal abstract record PipelineMessage;

/// <summary>A verbose line.</summary>
internal sealed record VerboseMessage(string Text) : PipelineMessage;

/// <summary>A warning.</summary>
internal sealed record WarningMessage(string Text) : PipelineMessage;

/// <summary>An output object.</summary>
internal sealed record OutputMessage(object Value) : PipelineMessage;

/// <summary>Time to update the progress bar.</summary>
internal sealed record ProgressTick : PipelineMessage
{
    public static readonly ProgressTick Instance = new();
}
