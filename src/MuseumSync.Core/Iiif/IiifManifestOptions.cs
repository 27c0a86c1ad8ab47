namespace MuseumSync.Iiif;

/// <summary>How <see cref="IiifManifestBuilder"/> turns records into Presentation 3.0 Manifests.</summary>
internal sealed class IiifManifestOptions
{
    /// <summary>
    /// Where the manifests will be published: a record's manifest id is <c>{BaseUri}{source}/{objectId}/manifest.json</c>.
    /// The default (null) uses the record's own <c>IiifManifestUrl</c>; a record with neither cannot be converted.
    /// </summary>
    public Uri? BaseUri { get; init; }

    /// <summary>The canvas width when the image's own size is unknown (MuseumSync does not download images). The default is 1000.</summary>
    public int CanvasWidth { get; init; } = 1000;

    /// <summary>The canvas height when the image's own size is unknown. The default is 1000.</summary>
    public int CanvasHeight { get; init; } = 1000;

    /// <summary>The language of the label (the title). The default is "none": titles arrive in any language and are not guessed.</summary>
    public string LabelLanguage { get; init; } = "none";

    /// <summary>
    /// Top-level properties of the record's raw JSON that hold more image URLs (an array of strings), each becoming one
    /// more canvas after <c>MediaUrl</c>. The default is <c>additionalImages</c> (The Met) and <c>additional_media_urls</c>.
    /// </summary>
    public IReadOnlyList<string> AdditionalImageProperties { get; init; } = ["additionalImages", "additional_media_urls"];

    /// <summary>Throws when a value is unusable.</summary>
    public void Validate()
    {
        if (BaseUri is { } b && (!b.IsAbsoluteUri || (b.Scheme != Uri.UriSchemeHttp && b.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"The base URI '{b}' must be an absolute http(s) URI, such as https://iiif.example.org/manifests/.", nameof(BaseUri));
        }
        if (CanvasWidth < 1) throw new ArgumentOutOfRangeException(nameof(CanvasWidth), CanvasWidth, "The canvas width must be positive.");
        if (CanvasHeight < 1) throw new ArgumentOutOfRangeException(nameof(CanvasHeight), CanvasHeight, "The canvas height must be positive.");
        if (LabelLanguage != "none" && !Lido.LanguageTag.IsValid(LabelLanguage, out var problem)) throw new ArgumentException($"The label language '{LabelLanguage}' {problem}.", nameof(LabelLanguage));
    }
}
