using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using MuseumSync.Http;
using MuseumSync.Json;
using MuseumSync.Mapping;
using MuseumSync.Oai;

namespace MuseumSync.Polling;

/// <summary>
/// Reads a local dump the way <see cref="MuseumPoller"/> reads an API: streamed, validated, in pages of
/// <see cref="DumpRequest.PageSize"/> records with positions a checkpoint can resume from. A file is an NDJSON file, a
/// JSON array, a JSON envelope or one object, or LIDO / OAI-PMH XML; a directory is read as one-object JSON files in
/// ordinal order of their relative paths (the Art Institute of Chicago data dump: <c>json/artworks/4.json</c>, …).
/// </summary>
internal static class DumpReader
{
    /// <summary>Reads the dump from <see cref="DumpRequest.StartPosition"/> to its end.</summary>
    public static IAsyncEnumerable<MuseumRecord> ReadAsync(DumpRequest request, TimeProvider? time = null, Action<string>? verbose = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var clock = time ?? TimeProvider.System;
        return Directory.Exists(request.Path)
            ? DirectoryAsync(request, clock, verbose, cancellationToken)
            : FileAsync(request, clock, verbose, cancellationToken);
    }

    private static async IAsyncEnumerable<MuseumRecord> DirectoryAsync(DumpRequest request, TimeProvider time, Action<string>? verbose, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(request.Path);
        var files = Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => request.StartPosition is null || string.CompareOrdinal(f, request.StartPosition) >= 0)
            .ToList();
        files.Sort(StringComparer.Ordinal);
        var factory = new RecordFactory(request.FieldMap);
        var correlationId = CorrelationIds.New();
        verbose?.Invoke($"dump {root}: {files.Count} JSON files{(request.StartPosition is null ? string.Empty : $" from {request.StartPosition}")}; correlation {correlationId}");
        long page = 0;
        for (var start = 0; start < files.Count; start += request.PageSize)
        {
            if (request.MaxPages is { } max && page >= max) yield break;
            page++;
            var end = Math.Min(files.Count, start + request.PageSize);
            var position = start == 0 ? request.StartPosition : files[start];
            var next = end < files.Count ? files[end] : null;
            for (var i = start; i < end; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var full = Path.Combine(root, files[i]);
                var bytes = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
                var origin = new RecordOrigin(request.Source, position, page, i - start + 1, new Uri(full).AbsoluteUri, correlationId, time.GetUtcNow());
                var record = factory.Create(bytes.AsSpan(SkipBom(bytes)), origin, next ?? position, endOfPage: false);
                if (i == end - 1)
                {
                    record.EndOfPage = true;
                    record.EndOfFeed = next is null;
                }
                yield return record;
            }
        }
    }

    private static async IAsyncEnumerable<MuseumRecord> FileAsync(DumpRequest request, TimeProvider time, Action<string>? verbose, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(request.Path);
        var skip = long.TryParse(request.StartPosition, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var factory = new RecordFactory(request.FieldMap);
        var correlationId = CorrelationIds.New();
        var url = new Uri(full).AbsoluteUri;
        var (kind, first) = await SniffAsync(full, cancellationToken).ConfigureAwait(false);
        verbose?.Invoke($"dump {full}: {kind}{(skip > 0 ? $", resuming after record {skip}" : string.Empty)}; correlation {correlationId}");
        var source = kind switch
        {
            "XML" => XmlRecordsAsync(full, cancellationToken),
            "NDJSON" => NdjsonRecordsAsync(full, cancellationToken),
            _ => JsonRecordsAsync(full, first, request.FieldMap.RecordIdNames(), cancellationToken),
        };

        long index = 0;
        var firstPage = skip / request.PageSize;
        MuseumRecord? held = null;
        Element? heldElement = null;
        var stoppedEarly = false;
        await foreach (var element in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            index++;
            if (index <= skip) continue;
            var ordinal = index - 1;
            var pageIndex = ordinal / request.PageSize;
            if (request.MaxPages is { } max && pageIndex - firstPage >= max)
            {
                stoppedEarly = true;
                break;
            }
            var pageStart = Math.Max(pageIndex * request.PageSize, skip);
            var position = pageStart == 0 ? null : pageStart.ToString(CultureInfo.InvariantCulture);
            var resume = ((pageIndex + 1) * request.PageSize).ToString(CultureInfo.InvariantCulture);
            var origin = new RecordOrigin(request.Source, position, pageIndex - firstPage + 1, (int)(ordinal - pageStart + 1), url, correlationId, time.GetUtcNow());
            var record = element(factory, origin, resume);
            if (ordinal == skip && IdList.IsId(record)) throw IdList.Stop(record, full, new Uri(full), isFile: true, correlationId);
            if (held is not null)
            {
                if (held.PageNumber != record.PageNumber) held.EndOfPage = true;
                yield return held;
            }
            held = record;
            heldElement = element;
        }
        if (held is not null)
        {
            if (!stoppedEarly)
            {
                // The end of the dump: resuming re-reads this last page (the upsert absorbs it) and picks up what was appended.
                held = heldElement!(factory, new RecordOrigin(held.Source, held.Position, held.PageNumber, held.LineNumber, held.SourceUrl, held.CorrelationId, held.FetchedAt), held.Position);
                held.EndOfFeed = true;
            }
            held.EndOfPage = true;
            yield return held;
        }
    }

    private delegate MuseumRecord Element(RecordFactory factory, in RecordOrigin origin, string? resume);

    private static async IAsyncEnumerable<Element> NdjsonRecordsAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using var streamScope = stream.ConfigureAwait(false);
        using var reader = new NdjsonReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false))
        {
            var bytes = reader.Current.ToArray();
            yield return (RecordFactory f, in RecordOrigin o, string? r) => f.Create(bytes, o, r, endOfPage: false);
        }
    }

    private static async IAsyncEnumerable<Element> JsonRecordsAsync(string path, int first, IReadOnlyCollection<string> idNames, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long offset = 0;
        var single = false;
        if (first == '{')
        {
            var scanStream = File.OpenRead(path);
            await using var scanStreamScope = scanStream.ConfigureAwait(false);
            var scan = await JsonPageScan.ScanAsync(scanStream, null, [], cancellationToken, idNames).ConfigureAwait(false);
            offset = scan.ItemsOffset < 0 ? 0 : scan.ItemsOffset;
            single = scan.ItemsIsObject || scan.ItemsOffset < 0;
        }
        var stream = File.OpenRead(path);
        await using var streamScope = stream.ConfigureAwait(false);
        stream.Seek(offset, SeekOrigin.Begin);
        using var items = new JsonArrayItems(stream, single);
        while (await items.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var bytes = items.Current.ToArray();
            yield return (RecordFactory f, in RecordOrigin o, string? r) => f.Create(bytes, o, r, endOfPage: false);
        }
    }

    private static async IAsyncEnumerable<Element> XmlRecordsAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        bool isOai;
        using (var probe = File.OpenRead(path))
        {
            isOai = Oai.OaiPmhPage.Scan(probe).IsOaiPmh;
        }
        var records = isOai ? OaiPmhPage.Records(File.OpenRead(path)) : OaiPageReader.LidoRecords(File.OpenRead(path));
        foreach (var r in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return (RecordFactory _, in RecordOrigin o, string? resume) =>
            {
                if (r.IsDeleted) return RecordFactory.Deletion(r.Identifier, r.RawXml, o, resume);
                var fields = XmlRecordFields.Read(r.Metadata ?? new XElement("empty"), r.Identifier.Length > 0 ? r.Identifier : null, out var names);
                return RecordFactory.FromFields(fields, names, r.RawXml, o, resume, endOfPage: false);
            };
        }
    }

    private static async Task<(string Kind, int First)> SniffAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using var streamScope = stream.ConfigureAwait(false);
        var (peek, first) = await PrefixStream.PeekAsync(stream, cancellationToken).ConfigureAwait(false);
        await peek.DisposeAsync().ConfigureAwait(false);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (first == '<' || ext == ".xml") return ("XML", first);
        if (ext is ".ndjson" or ".jsonl" or ".ldjson") return ("NDJSON", first);
        if (first == '[') return ("JSON array", first);
        if (first == '{' && await IsNdjsonAsync(path, cancellationToken).ConfigureAwait(false)) return ("NDJSON", first);
        return ("JSON", first);
    }

    /// <summary>A <c>.json</c> file that holds several JSON documents is NDJSON.</summary>
    private static async Task<bool> IsNdjsonAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using var streamScope = stream.ConfigureAwait(false);
        var scan = await JsonPageScan.ScanAsync(stream, JsonPath.Parse("$.\u0001none"), [], cancellationToken).ConfigureAwait(false);
        return scan.HasTrailingContent;
    }

    private static int SkipBom(byte[] b) => b.Length >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0;

}
