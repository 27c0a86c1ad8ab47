namespace MuseumSync.Iiif;

/// <summary>One Presentation 3.0 rule a document breaks: where (JSON path), which rule, and what to do — one line.</summary>
public sealed class IiifIssue
{
    /// <summary>The JSON path of the offending value, for example <c>$.items[0].items[0].items[0].body</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The rule id, for example <c>required</c>, <c>language-map</c>, <c>canvas-dimensions</c>, <c>rights</c>.</summary>
    public required string Rule { get; init; }

    /// <summary>A sentence saying what is wrong and how to fix it.</summary>
    public required string Message { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message} [{Rule}]";
}
