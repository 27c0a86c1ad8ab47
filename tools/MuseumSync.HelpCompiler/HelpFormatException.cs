namespace MuseumSync.HelpCompiler;

/// <summary>A help document that cannot be compiled: names the file, the line and what is wrong.</summary>
public sealed class HelpFormatException : Exception
{
    public HelpFormatException(string file, int line, string problem)
        : base($"{file}({line}): {problem}")
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    public HelpFormatException()
        : this("(unknown)", 0, "The help document is malformed.")
    {
    }

    public HelpFormatException(string message)
        : this("(unknown)", 0, message)
    {
    }

    public HelpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "(unknown)";
        Problem = message;
    }

    /// <summary>The markdown file.</summary>
    public string File { get; }

    /// <summary>The 1-based line the problem is on (or nearest to).</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
