namespace MuseumSync.Iiif;

/// <summary>A generated Presentation 3.0 Manifest: its JSON and what it was made from. <see cref="ToString"/> is the JSON, so it can be saved as it is.</summary>
public sealed class IiifManifestDocument
{
    /// <summary>The manifest's id.</summary>
    public required string Id { get; init; }

    /// <summary>The record's source.</summary>
    public required string Source { get; init; }

    /// <summary>The record's object id.</summary>
    public required string ObjectId { get; init; }

    /// <summary>The number of canvases (one per image).</summary>
    public int CanvasCount { get; init; }

    /// <summary>Whether an image service was found (the media URL is a IIIF Image API URL).</summary>
    public bool HasImageService { get; init; }

    /// <summary>The manifest as JSON.</summary>
    public required string Json { get; init; }

    /// <inheritdoc />
    public override string ToString() => Json;
}
