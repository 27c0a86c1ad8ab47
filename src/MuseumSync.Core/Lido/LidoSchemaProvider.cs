using System.Collections.Concurrent;
using System.Xml;
using System.Xml.Schema;

namespace MuseumSync.Lido;

/// <summary>
/// Finds and compiles the LIDO XSD: <see cref="LidoSchemaOptions.SchemaPath"/>, else the per-user cache, else a download
/// into the cache. Compiled schema sets are kept for the life of the process (compiling LIDO 1.1 with GML takes a
/// moment; validating with a compiled set is cheap).
/// </summary>
internal static class LidoSchemaProvider
{
    private static readonly ConcurrentDictionary<string, Lazy<XmlSchemaSet>> s_compiled = new(StringComparer.Ordinal);

    /// <summary>The compiled schema for <paramref name="version"/>; throws <see cref="LidoSchemaUnavailableException"/> saying how to supply it.</summary>
    public static XmlSchemaSet Get(LidoVersion version, LidoSchemaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (entry, roots) = Locate(version, options);
        var lazy = s_compiled.GetOrAdd(entry, e => new Lazy<XmlSchemaSet>(() => Compile(e, roots, LidoSchemaMirror.Root(options.CacheDirectory)), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            s_compiled.TryRemove(entry, out _);
            throw;
        }
    }

    /// <summary>The XSD file that would be used for <paramref name="version"/>, downloading it when needed.</summary>
    public static string LocateEntry(LidoVersion version, LidoSchemaOptions options) => Locate(version, options).Entry;

    private static (string Entry, string[] Roots) Locate(LidoVersion version, LidoSchemaOptions options)
    {
        var file = version.SchemaFileName();
        if (options.SchemaPath is { } given)
        {
            var full = Path.GetFullPath(given);
            var entry = Directory.Exists(full) ? Path.Combine(full, file) : full;
            if (!File.Exists(entry))
            {
                throw new LidoSchemaUnavailableException(Directory.Exists(full)
                    ? $"The schema folder '{full}' has no {file}. Point -SchemaPath at the folder that holds {file} and the files it imports (xml.xsd, xlink.xsd, gml/, smil/)."
                    : $"The schema path '{full}' does not exist. Point -SchemaPath at the folder that holds {file} and the files it imports (xml.xsd, xlink.xsd, gml/, smil/).");
            }
            return (entry, [Path.GetDirectoryName(entry)!, LidoSchemaMirror.Root(options.CacheDirectory)]);
        }

        var cache = options.CacheDirectory;
        var mirror = LidoSchemaMirror.Root(cache);
        var manual = LidoSchemaMirror.ManualEntry(cache, version);
        if (File.Exists(manual)) return (manual, [Path.GetDirectoryName(manual)!, mirror]);

        var marker = LidoSchemaMirror.EntryMarker(cache, version);
        if (File.Exists(marker))
        {
            var relative = File.ReadLines(marker).FirstOrDefault();
            var cached = relative is null ? null : Path.GetFullPath(Path.Combine(cache, relative));
            if (cached is not null && File.Exists(cached)) return (cached, [mirror]);
        }

        var source = new Uri(options.DownloadBaseUri, $"v{version.ToText()}/{file}");
        var howTo = $"Supply it with -SchemaPath FOLDER (a folder holding {file} and the files it imports: xml.xsd, xlink.xsd, gml/, smil/), or copy such a folder to '{Path.GetDirectoryName(manual)}' once";
        if (!options.AllowDownload)
        {
            throw new LidoSchemaUnavailableException($"The LIDO {version.ToText()} schema is not in the cache '{cache}' and downloading is turned off. {howTo}.");
        }
        try
        {
            var downloaded = Task.Run(() => LidoSchemaDownloader.DownloadAsync(version, options, CancellationToken.None)).GetAwaiter().GetResult();
            return (downloaded, [mirror]);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException or InvalidDataException or UnauthorizedAccessException or TaskCanceledException)
        {
            throw new LidoSchemaUnavailableException(
                $"The LIDO {version.ToText()} schema is not in the cache '{cache}' and could not be downloaded from {source}: {ex.Message} {howTo}, or run once where {source.Host} is reachable.",
                isTransient: ex is HttpRequestException or TimeoutException or TaskCanceledException,
                ex);
        }
    }

    private static XmlSchemaSet Compile(string entry, string[] roots, string mirror)
    {
        var problems = new List<string>();
        var set = new XmlSchemaSet { XmlResolver = new LidoSchemaResolver(roots, mirror) };
        set.ValidationEventHandler += (_, e) =>
        {
            if (e.Severity == XmlSeverityType.Error) problems.Add(e.Message);
        };
        try
        {
            // Schemas may carry a DOCTYPE (xml.xsd does); it is skipped, never processed.
            using var reader = XmlReader.Create(entry, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
            set.Add(null, reader);
            set.Compile();
        }
        catch (Exception ex) when (ex is XmlException or XmlSchemaException or IOException)
        {
            throw new LidoSchemaUnavailableException($"The LIDO schema '{entry}' could not be read: {ex.Message}", ex);
        }
        if (problems.Count > 0 || !set.IsCompiled)
        {
            throw new LidoSchemaUnavailableException($"The LIDO schema '{entry}' does not compile: {string.Join(" ", problems.Take(3))} Use the official schema with its imports beside it.");
        }
        return set;
    }
}
