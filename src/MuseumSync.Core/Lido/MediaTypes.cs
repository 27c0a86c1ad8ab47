namespace MuseumSync.Lido;

/// <summary>The media type of an image URL from its file extension (IIIF Image API URLs end in the format: <c>default.jpg</c>).</summary>
internal static class MediaTypes
{
    /// <summary><c>image/jpeg</c> for <c>…/default.jpg</c>; null when the extension says nothing.</summary>
    public static string? FromUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var path = Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.AbsolutePath : url;
        var dot = path.LastIndexOf('.');
        if (dot < 0 || dot < path.LastIndexOf('/')) return null;
        return path[(dot + 1)..].ToLowerInvariant() switch
        {
            "jpg" or "jpeg" => "image/jpeg",
            "png" => "image/png",
            "tif" or "tiff" => "image/tiff",
            "jp2" => "image/jp2",
            "gif" => "image/gif",
            "webp" => "image/webp",
            "pdf" => "application/pdf",
            _ => null,
        };
    }
}
