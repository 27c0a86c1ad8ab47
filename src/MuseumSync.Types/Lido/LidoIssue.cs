namespace MuseumSync.Lido;

/// <summary>One finding about a LIDO record: where (line, column, XPath), which rule, how bad, and what to do.</summary>
public sealed class LidoIssue
{
    /// <summary>The 1-based line of the element (0 when unknown).</summary>
    public int Line { get; init; }

    /// <summary>The 1-based column of the element (0 when unknown).</summary>
    public int Column { get; init; }

    /// <summary>The XPath of the element, for example <c>/lido:lidoWrap/lido:lido[2]/lido:administrativeMetadata[1]/lido:recordWrap[1]/lido:recordType[1]</c>.</summary>
    public string XPath { get; init; } = "/";

    /// <summary>The rule: <c>xsd</c> (the LIDO schema), <c>xml</c> (well-formedness, DTDs), or a quality rule id such as <c>title</c>.</summary>
    public required string Rule { get; init; }

    /// <summary>Error or warning.</summary>
    public LidoSeverity Severity { get; init; } = LidoSeverity.Error;

    /// <summary>A sentence a cataloguer can act on.</summary>
    public required string Message { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column} {XPath}: {Message} [{Rule}, {Severity.ToString().ToLowerInvariant()}]";
}
