using System.Xml;

namespace MuseumSync.Lido;

/// <summary>
/// Resolves the imports of the LIDO XSD while it compiles: files under the allowed folders only, and http(s) locations
/// mapped into the cache's mirror. It never opens a network connection, so compiling works offline and a schema file
/// cannot make MuseumSync fetch anything.
/// </summary>
internal sealed class LidoSchemaResolver : XmlResolver
{
    private readonly string[] _roots;
    private readonly string? _mirrorRoot;

    public LidoSchemaResolver(IEnumerable<string> allowedFolders, string? mirrorRoot)
    {
        _roots = allowedFolders.Select(Folder).ToArray();
        _mirrorRoot = mirrorRoot;
    }

    public override Uri ResolveUri(Uri? baseUri, string? relativeUri)
    {
        var resolved = base.ResolveUri(baseUri, relativeUri);
        if (resolved.IsAbsoluteUri && (resolved.Scheme == Uri.UriSchemeHttp || resolved.Scheme == Uri.UriSchemeHttps) && _mirrorRoot is not null)
        {
            return new Uri(LidoSchemaMirror.PathFor(_mirrorRoot, resolved));
        }
        return resolved;
    }

    public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
    {
        ArgumentNullException.ThrowIfNull(absoluteUri);
        if (!absoluteUri.IsFile)
        {
            throw new XmlException($"The LIDO schema imports '{absoluteUri}', which is not in the schema folder or the cache; MuseumSync does not fetch imports while compiling. Put the imported file beside the schema.");
        }
        var path = Path.GetFullPath(absoluteUri.LocalPath);
        if (!_roots.Any(r => path.StartsWith(r, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)))
        {
            throw new XmlException($"The LIDO schema refers to '{path}', outside the schema folder ({string.Join(", ", _roots)}); it was not read.");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The LIDO schema imports '{path}', which is missing. Keep the folder layout of the schema (xml.xsd, xlink.xsd, gml/, smil/ beside lido-v1.x.xsd).", path);
        }
        return File.OpenRead(path);
    }

    private static string Folder(string folder)
    {
        var full = Path.GetFullPath(folder);
        return full.EndsWith(Path.DirectorySeparatorChar) ? full : full + Path.DirectorySeparatorChar;
    }
}
