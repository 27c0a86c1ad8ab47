using System.Text;
using MuseumSync.Http;
using MuseumSync.Json;
using MuseumSync.Mapping;
using MuseumSync.Paging;

namespace MuseumSync.Polling;

/// <summary>
/// The records of one page, in one of the formats MuseumSync reads. Streamed formats (NDJSON, a top-level JSON array)
/// hand out records as the bytes arrive; formats whose paging facts may come after the records (a JSON envelope,
/// OAI-PMH) are spooled first and read twice, so every record already knows where the next page is.
/// </summary>
internal abstract class PageReader : IDisposable
{
    /// <summary>The paging facts: the headers', plus the body's for spooled formats.</summary>
    public PageFacts Facts;

    /// <summary>True when <see cref="Facts"/> already holds the page's record count (spooled formats).</summary>
    public bool CountKnown { get; protected set; }

    /// <summary>The format for log lines (<c>NDJSON</c>, <c>JSON envelope (data)</c>, …).</summary>
    public abstract string Format { get; }

    /// <summary>Moves to the next record; false at the end of the page.</summary>
    public abstract ValueTask<bool> ReadAsync(CancellationToken cancellationToken);

    /// <summary>The current record.</summary>
    public abstract MuseumRecord Create(in RecordOrigin origin, string? resumePosition);

    /// <summary>The same record with another resume position (the last of a page, once the page's end decided where the next one is).</summary>
    public virtual MuseumRecord Recreate(RecordFactory factory, MuseumRecord held, string? resumePosition) => OversizeRecord.Is(held)
        ? OversizeRecord.WithResume(held, resumePosition)
        : factory.Create(held.RawJsonUtf8 ?? held.OriginalBytes ?? Encoding.UTF8.GetBytes(held.RawJson), OriginOf(held), resumePosition, endOfPage: false);

    public abstract void Dispose();

    protected static RecordOrigin OriginOf(MuseumRecord r) =>
        new(r.Source, r.Position, r.PageNumber, r.LineNumber, r.SourceUrl, r.CorrelationId, r.FetchedAt, r.Watermark);

    /// <summary>Opens the body of <paramref name="response"/> in its format; spooled formats are read to the end here.</summary>
    public static async Task<PageReader> OpenAsync(PollRun run, HttpResponseMessage response, Uri url, PageFacts facts, CancellationToken cancellationToken)
    {
        var request = run.Request;
        var mediaType = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant() ?? string.Empty;
        var raw = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var body = PageBody.Bound(run, raw, url, cancellationToken);
        try
        {
            var (stream, first) = await PrefixStream.PeekAsync(body, cancellationToken).ConfigureAwait(false);
            body = stream;
            var format = request.Format;
            if (format == RecordFormat.Auto)
            {
                format = mediaType switch
                {
                    _ when mediaType.Contains("ndjson", StringComparison.Ordinal) || mediaType.Contains("jsonl", StringComparison.Ordinal)
                        || mediaType.Contains("json-seq", StringComparison.Ordinal) || mediaType.Contains("jsonlines", StringComparison.Ordinal) => RecordFormat.Ndjson,
                    _ when mediaType.Contains("xml", StringComparison.Ordinal) => RecordFormat.Xml,
                    _ when mediaType.Contains("json", StringComparison.Ordinal) => RecordFormat.Json,
                    _ => first switch
                    {
                        '<' => RecordFormat.Xml,
                        '[' => RecordFormat.Json,
                        _ => RecordFormat.Ndjson, // no or another Content-Type: one JSON record per line, as the cursor feeds send
                    },
                };
            }
            if (first < 0) return new NdjsonPageReader(run, body, facts);
            switch (format)
            {
                case RecordFormat.Xml:
                {
                    var spool = await PageSpool.FillAsync(body, request.SpoolMemoryLimit, cancellationToken, request.SpoolDirectory).ConfigureAwait(false);
                    body.Dispose();
                    return OaiPageReader.Open(run, spool, url, facts);
                }
                case RecordFormat.Json when first == '[' && run.ItemsPath is null:
                    return new JsonArrayPageReader(run, body, facts, count: null);
                case RecordFormat.Json:
                {
                    var spool = await PageSpool.FillAsync(body, request.SpoolMemoryLimit, cancellationToken, request.SpoolDirectory).ConfigureAwait(false);
                    body.Dispose();
                    return await SpooledJsonPageReader.OpenAsync(run, spool, url, facts, cancellationToken).ConfigureAwait(false);
                }
                default:
                    return new NdjsonPageReader(run, body, facts);
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }
}

/// <summary>Newline-delimited JSON, streamed line by line.</summary>
internal sealed class NdjsonPageReader : PageReader
{
    private readonly PollRun _run;
    private readonly Stream _body;
    private readonly NdjsonReader _reader;

    public NdjsonPageReader(PollRun run, Stream body, PageFacts facts)
    {
        _run = run;
        _body = body;
        _reader = new NdjsonReader(body, maxLineBytes: run.Request.Limits.MaxRecordBytes, oversizePrefixBytes: run.Request.Limits.PrefixBytes);
        Facts = facts;
    }

    public override string Format => "NDJSON";

    public override ValueTask<bool> ReadAsync(CancellationToken cancellationToken) => _reader.ReadLineAsync(cancellationToken);

    public override MuseumRecord Create(in RecordOrigin origin, string? resumePosition) => _reader.CurrentIsOversize
        ? OversizeRecord.Create(_run, _reader.Current, _reader.CurrentLength, origin, resumePosition)
        : _run.Factory.Create(_reader.Current, origin, resumePosition, endOfPage: false);

    public override void Dispose()
    {
        _reader.Dispose();
        _body.Dispose();
    }
}

/// <summary>A JSON array of records (a top-level array streamed from the wire, or an envelope's array read from its spool).</summary>
internal class JsonArrayPageReader : PageReader
{
    private readonly PollRun _run;
    private readonly Stream _body;
    private readonly JsonArrayItems _items;

    public JsonArrayPageReader(PollRun run, Stream body, PageFacts facts, int? count, bool singleObject = false)
    {
        _run = run;
        _body = body;
        _items = new JsonArrayItems(body, singleObject, run.Request.Limits.MaxRecordBytes, run.Request.Limits.PrefixBytes);
        Facts = facts;
        if (count is { } c)
        {
            Facts.Count = c;
            CountKnown = true;
        }
    }

    public override string Format => "JSON array";

    public override ValueTask<bool> ReadAsync(CancellationToken cancellationToken) => _items.ReadAsync(cancellationToken);

    public override MuseumRecord Create(in RecordOrigin origin, string? resumePosition) => _items.CurrentIsOversize
        ? OversizeRecord.Create(_run, _items.Current, _items.CurrentLength, origin, resumePosition)
        : _run.Factory.Create(_items.Current, origin, resumePosition, endOfPage: false);

    public override void Dispose()
    {
        _items.Dispose();
        _body.Dispose();
    }
}
