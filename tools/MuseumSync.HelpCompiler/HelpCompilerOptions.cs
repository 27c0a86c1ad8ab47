namespace MuseumSync.HelpCompiler;

/// <summary>What the compiler checks and writes.</summary>
public sealed class HelpCompilerOptions
{
    /// <summary>The MAML file every command document names in its front matter (MuseumSync.dll-Help.xml).</summary>
    public string HelpFileName { get; init; } = "MuseumSync.dll-Help.xml";

    /// <summary>When set, every command document's front matter must name this module.</summary>
    public string? ModuleName { get; init; } = "MuseumSync";

    /// <summary>Examples each command must have.</summary>
    public int MinimumExamples { get; init; } = 2;
}
