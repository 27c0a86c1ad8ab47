namespace MuseumSync.Iiif;

/// <summary>The verdict on one IIIF document.</summary>
public sealed class IiifValidationResult
{
    /// <summary>The file path or URL the document came from (or the name given to it).</summary>
    public string? Source { get; init; }

    /// <summary>The document's <c>id</c>, when it has one.</summary>
    public string? Id { get; init; }

    /// <summary>The document's <c>type</c> (<c>Manifest</c>, <c>Collection</c>), or the 2.x <c>@type</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The Presentation API version the document declares: "3.0", "2.x", "4.0", or null when it declares none.</summary>
    public string? Version { get; init; }

    /// <summary>True when the document breaks no Presentation 3.0 rule.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>The rules it breaks, in document order.</summary>
    public IReadOnlyList<IiifIssue> Errors { get; init; } = Array.Empty<IiifIssue>();

    /// <summary>Errors left out past <c>IiifValidator.MaxErrors</c>.</summary>
    public int SuppressedCount { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Source ?? Id}: {(IsValid ? "valid" : $"invalid ({Errors.Count + SuppressedCount} errors)")}";
}
