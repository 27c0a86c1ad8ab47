namespace MuseumSync.Lido;

/// <summary>
/// The cache keeps downloaded schema files under <c>&lt;cache&gt;/mirror/&lt;host&gt;/&lt;path&gt;</c>, so the imports of a
/// cached XSD (relative, or absolute such as <c>http://www.w3.org/2001/xml.xsd</c>) map to files without rewriting them.
/// </summary>
internal static class LidoSchemaMirror
{
    public static string Root(string cacheDirectory) => Path.Combine(cacheDirectory, "mirror");

    /// <summary>The entry marker: written last, so a half-finished download is never used.</summary>
    public static string EntryMarker(string cacheDirectory, LidoVersion version) => Path.Combine(cacheDirectory, $"lido-v{version.ToText()}.entry");

    /// <summary>A schema folder a user copied into the cache by hand.</summary>
    public static string ManualEntry(string cacheDirectory, LidoVersion version) => Path.Combine(cacheDirectory, $"v{version.ToText()}", version.SchemaFileName());

    public static string PathFor(string mirrorRoot, Uri url)
    {
        var host = url.IsDefaultPort ? url.Host : $"{url.Host}_{url.Port}";
        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(Uri.UnescapeDataString)
            .Where(s => s is not "." and not "..")
            .Select(Sanitize)
            .ToList();
        if (segments.Count == 0) segments.Add("index.xsd");
        return Path.Combine([mirrorRoot, Sanitize(host), .. segments]);
    }

    private static string Sanitize(string segment)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return new string(segment.Select(c => invalid.Contains(c) || c == ':' ? '_' : c).ToArray());
    }
}
