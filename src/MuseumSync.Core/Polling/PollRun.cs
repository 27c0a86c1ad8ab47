using MuseumSync.Json;
using MuseumSync.Mapping;
using MuseumSync.Paging;
using MuseumSync.Resilience;

namespace MuseumSync.Polling;

/// <summary>Everything one poll run shares: the request, the source's pipeline, the record factory, the watermark.</summary>
internal sealed class PollRun
{
    /// <summary>Where APIs put the next cursor or URL, tried in this order when <see cref="PollRequest.NextPath"/> is not set.</summary>
    private static readonly string[] s_nextPaths =
    [
        "pagination.next_url", "pagination.next", "pagination.next_cursor", "info.next", "links.next", "meta.next_cursor",
        "paging.next", "next_cursor", "nextCursor", "next_url", "next_page_url", "next", "@odata.nextLink",
    ];

    private static readonly string[] s_totalPaths =
        ["pagination.total", "info.totalrecords", "response.rowCount", "meta.total", "total", "totalResults", "total_count", "count"];

    private static readonly string[] s_totalPagesPaths =
        ["pagination.total_pages", "info.pages", "meta.total_pages", "total_pages", "totalPages", "pages"];

    public PollRun(PollRequest request, SourcePipeline pipeline, TimeProvider time, Action<string>? verbose, Action<string>? warning, PollStatistics stats, CancellationToken token)
    {
        Request = request;
        Pipeline = pipeline;
        Time = time;
        Verbose = verbose;
        Warning = warning ?? verbose;
        Stats = stats;
        Token = token;
        Factory = new RecordFactory(request.FieldMap);
        Oai = request.Paging == PagingStyle.OaiPmh ? new OaiSession(this) : null;
        var pager = new GuardedPager(Pager.For(request, pipeline.SecretNames, Oai, verbose), request, pipeline);
        Pager = pager;
        StartPosition = pager.Start(request.StartPosition);
        Started = time.GetUtcNow();
        Watermark = request.IsIncremental
            ? (Started - request.Overlap).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : null;
        ItemsPath = request.ItemsPath is null ? null : JsonPath.Parse(request.ItemsPath);
        ItemPath = request.ItemPath is null ? null : JsonPath.Parse(request.ItemPath);
        RecordIdNames = request.FieldMap.RecordIdNames();
        var next = request.NextPath is null ? s_nextPaths : [request.NextPath];
        var total = request.TotalPath is null ? s_totalPaths : [request.TotalPath];
        var pages = request.TotalPagesPath is null ? s_totalPagesPaths : [request.TotalPagesPath];
        NextCount = next.Length;
        TotalCount = total.Length;
        Watched = next.Concat(total).Concat(pages).Select(JsonPath.Parse).ToArray();
    }

    public PollRequest Request { get; }

    public SourcePipeline Pipeline { get; }

    public TimeProvider Time { get; }

    public Action<string>? Verbose { get; }

    /// <summary>Where lines an administrator must see go (the warning stream of a cmdlet); the verbose channel when the caller gave none.</summary>
    public Action<string>? Warning { get; }

    public PollStatistics Stats { get; }

    public CancellationToken Token { get; }

    public RecordFactory Factory { get; }

    public Pager Pager { get; }

    /// <summary>The OAI-PMH repository's declarations and this run's list restarts; null for other paging styles.</summary>
    public OaiSession? Oai { get; }

    /// <summary>Where the run starts: the request's start position from an allowed origin, without its secrets.</summary>
    public string? StartPosition { get; }

    public DateTimeOffset Started { get; }

    /// <summary>The watermark the next run may start from (this run's start less the overlap); null when the source is not incremental.</summary>
    public string? Watermark { get; }

    public JsonPath? ItemsPath { get; }

    public JsonPath? ItemPath { get; }

    /// <summary>Top-level properties that mark a JSON object as one record (not an envelope).</summary>
    public IReadOnlyCollection<string> RecordIdNames { get; }

    /// <summary>The body paths read on every JSON page: next candidates, then totals, then page counts.</summary>
    public JsonPath[] Watched { get; }

    private int NextCount { get; }

    private int TotalCount { get; }

    /// <summary>Fills the body facts from a page scan.</summary>
    public void BodyFacts(JsonPageScan scan, Uri pageUrl, ref PageFacts facts)
    {
        for (var i = 0; i < Watched.Length; i++)
        {
            var v = scan.Values[i];
            if (string.IsNullOrWhiteSpace(v) || v is "null" or "true" or "false") continue;
            if (i < NextCount)
            {
                facts.BodyNext ??= Normalize(v, pageUrl);
            }
            else if (long.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                if (i < NextCount + TotalCount) facts.Total ??= n;
                else facts.TotalPages ??= n;
            }
        }
    }

    /// <summary>A next URL as a position: absolute and without the caller's secrets; a cursor as it is.</summary>
    public string? Normalize(string? next, Uri pageUrl)
    {
        if (string.IsNullOrWhiteSpace(next) || next == "null") return null;
        next = next.Trim();
        if ((next.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || next.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || next.StartsWith('/'))
            && Uri.TryCreate(pageUrl, next, out var absolute))
        {
            return Http.UrlMasker.Strip(absolute, Pipeline.SecretNames).AbsoluteUri;
        }
        return next;
    }

    /// <summary>Where to resume once the page at <paramref name="position"/> is committed, given its next position.</summary>
    public string? ResumeAfter(string? position, string? next) => next ?? (Request.IsIncremental ? null : position);
}
