namespace MuseumSync.Lido;

/// <summary>The verdict on one LIDO record (or on a document that held no readable record).</summary>
public sealed class LidoValidationResult
{
    /// <summary>The record's <c>lido:lidoRecID</c>; null when it has none (or the document broke before one).</summary>
    public string? RecordId { get; init; }

    /// <summary>The file (or the name given to the input) the record came from.</summary>
    public string? File { get; init; }

    /// <summary>The 1-based position of the record in its file.</summary>
    public int Index { get; init; }

    /// <summary>The line where the record starts.</summary>
    public int Line { get; init; }

    /// <summary>The schema version the record was validated against.</summary>
    public LidoVersion Version { get; init; }

    /// <summary>True when there is no finding of severity <see cref="LidoSeverity.Error"/>.</summary>
    public bool IsValid => !Errors.Any(e => e.Severity == LidoSeverity.Error);

    /// <summary>Every finding, errors and warnings, in document order (quality findings about the whole record last).</summary>
    public IReadOnlyList<LidoIssue> Errors { get; init; } = Array.Empty<LidoIssue>();

    /// <summary>Findings left out once a record had more than the limit (<c>LidoValidationOptions.MaxIssuesPerRecord</c>).</summary>
    public int SuppressedCount { get; init; }

    /// <summary>The number of errors.</summary>
    public int ErrorCount => Errors.Count(e => e.Severity == LidoSeverity.Error);

    /// <summary>The number of warnings.</summary>
    public int WarningCount => Errors.Count(e => e.Severity == LidoSeverity.Warning);

    /// <inheritdoc />
    public override string ToString() => $"{File}#{Index} {RecordId ?? "(no lidoRecID)"}: {(IsValid ? "valid" : "invalid")} ({ErrorCount} errors, {WarningCount} warnings)";
}
