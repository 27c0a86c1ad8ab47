using System.Xml;
using MuseumSync.Http;

namespace MuseumSync.Lido;

/// <summary>
/// Downloads the official LIDO XSD and every file it imports or includes (GML, XLink, SMIL, xml.xsd) into the cache's
/// mirror, each file written atomically (temporary file, then rename), and writes the entry marker last. Bounded in
/// files, bytes and time.
/// </summary>
internal static class LidoSchemaDownloader
{
    private const string XsdNamespace = "http://www.w3.org/2001/XMLSchema";

    public static async Task<string> DownloadAsync(LidoVersion version, LidoSchemaOptions options, CancellationToken cancellationToken)
    {
        var entry = new Uri(options.DownloadBaseUri, $"v{version.ToText()}/{version.SchemaFileName()}");
        var mirror = LidoSchemaMirror.Root(options.CacheDirectory);
        var client = options.HttpClient ?? MuseumHttp.Shared;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.DownloadTimeout);

        var queue = new Queue<Uri>();
        queue.Enqueue(entry);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        while (queue.TryDequeue(out var url))
        {
            if (!seen.Add(url.GetLeftPart(UriPartial.Path))) continue;
            if (seen.Count > options.MaxDownloadFiles)
            {
                throw new InvalidDataException($"The schema at {entry} imports more than {options.MaxDownloadFiles} files; stopped.");
            }
            byte[] bytes;
            try
            {
                bytes = await GetAsync(client, url, options.MaxDownloadBytes - total, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Downloading the LIDO schema took longer than {options.DownloadTimeout.TotalSeconds:0} s (at {url}).");
            }
            total += bytes.Length;
            var path = LidoSchemaMirror.PathFor(mirror, url);
            await WriteAtomicallyAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            foreach (var location in SchemaLocations(bytes, url))
            {
                if (Uri.TryCreate(url, location, out var next) && (next.Scheme == Uri.UriSchemeHttp || next.Scheme == Uri.UriSchemeHttps))
                {
                    queue.Enqueue(next);
                }
            }
        }

        var entryPath = LidoSchemaMirror.PathFor(mirror, entry);
        var marker = LidoSchemaMirror.EntryMarker(options.CacheDirectory, version);
        await WriteAtomicallyAsync(marker, System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(options.CacheDirectory, entryPath) + "\n" + entry.AbsoluteUri + "\n"), cancellationToken).ConfigureAwait(false);
        return entryPath;
    }

    private static async Task<byte[]> GetAsync(HttpClient client, Uri url, long budget, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var bodyScope = body.ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > budget) throw new InvalidDataException($"The LIDO schema download grew past its size limit at {url}; stopped.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The schemaLocation of every xs:import, xs:include and xs:redefine.</summary>
    internal static List<string> SchemaLocations(byte[] xsd, Uri url)
    {
        var list = new List<string>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(xsd), settings, url.AbsoluteUri);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI == XsdNamespace
                    && reader.LocalName is "import" or "include" or "redefine"
                    && reader.GetAttribute("schemaLocation") is { Length: > 0 } location)
                {
                    list.Add(location);
                }
            }
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"{url} is not a readable XML schema: {ex.Message}", ex);
        }
        return list;
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
