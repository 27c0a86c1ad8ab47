using MuseumSync.Auth;
using MuseumSync.Json;
using MuseumSync.Mapping;
using MuseumSync.Paging;
using MuseumSync.Resilience;

namespace MuseumSync.Polling;

/// <summary>What to poll and how: the endpoint, where to start, paging, the field mapping, pace, credentials.</summary>
internal sealed class PollRequest
{
    /// <summary>The collection endpoint (for ID fan-out: the id-list endpoint), for example <c>https://api.example.org/objects</c>.</summary>
    public required Uri Uri { get; init; }

    /// <summary>The source name records are stored under.</summary>
    public required string Source { get; init; }

    /// <summary>Where to start: a position from a checkpoint (a cursor, next URL, page number, offset or resumptionToken); null for the first page.</summary>
    public string? StartPosition { get; init; }

    /// <summary>The page size sent with each page request (and, for ID fan-out, the most ids fetched per checkpointed chunk). The default is 500.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>The query parameter that carries the cursor. The default is <c>cursor</c>.</summary>
    public string CursorParameter { get; init; } = "cursor";

    /// <summary>The query parameter that carries the page size; empty to send none. The default is <c>limit</c>.</summary>
    public string LimitParameter { get; init; } = "limit";

    /// <summary>The query parameter of <see cref="PagingStyle.PageNumber"/>. The default is <c>page</c>.</summary>
    public string PageParameter { get; init; } = "page";

    /// <summary>The number of the first page for <see cref="PagingStyle.PageNumber"/>. The default is 1.</summary>
    public int FirstPage { get; init; } = 1;

    /// <summary>The query parameter of <see cref="PagingStyle.Offset"/>. The default is <c>offset</c>.</summary>
    public string OffsetParameter { get; init; } = "offset";

    /// <summary>How the source pages. The default is <see cref="PagingStyle.Auto"/>.</summary>
    public PagingStyle Paging { get; init; } = PagingStyle.Auto;

    /// <summary>The body format. The default is <see cref="RecordFormat.Auto"/> (from the Content-Type and the first byte).</summary>
    public RecordFormat Format { get; init; } = RecordFormat.Auto;

    /// <summary>The JSON path of the next cursor or URL in the body; null tries the usual ones (<c>pagination.next_url</c>, <c>info.next</c>, <c>next_cursor</c>, …). The default is null.</summary>
    public string? NextPath { get; init; }

    /// <summary>The JSON path of the records (or ids) array in an envelope; null finds it (<c>data</c>, <c>records</c>, <c>objectIDs</c>, …). The default is null.</summary>
    public string? ItemsPath { get; init; }

    /// <summary>The JSON path of the total record count; null tries the usual ones. The default is null.</summary>
    public string? TotalPath { get; init; }

    /// <summary>The JSON path of the total page count; null tries the usual ones. The default is null.</summary>
    public string? TotalPagesPath { get; init; }

    /// <summary>
    /// ID fan-out: the URL of one record, with <c>{id}</c> for the id (<c>https://api.example.org/assets/{id}</c>).
    /// <see cref="Uri"/> then lists ids (<c>{"ids":[…],"next_cursor":…}</c>, The Met's <c>{"total":N,"objectIDs":[…]}</c>),
    /// and each id is fetched at up to <see cref="ThrottleLimit"/> requests at a time. Null: <see cref="Uri"/> lists records. The default is null.
    /// </summary>
    public string? ItemUri { get; init; }

    /// <summary>
    /// ID fan-out: fetch these ids only, without reading the id list (a scale-out chunk job). Null for the whole list.
    /// The default is null.
    /// </summary>
    public IReadOnlyList<string>? FanOutIds { get; init; }

    /// <summary>The JSON path of the record inside an item response (<c>data</c> for <c>{"data":{…},"info":{…}}</c>); null for the whole body. The default is null.</summary>
    public string? ItemPath { get; init; }

    /// <summary>Requests in flight at once (ID fan-out). The default is 8.</summary>
    public int ThrottleLimit { get; init; } = 8;

    /// <summary>Stop after this many pages; null for no limit.</summary>
    public int? MaxPages { get; init; }

    /// <summary>The field mapping. The default is the generic REST profile.</summary>
    public FieldMap FieldMap { get; init; } = FieldMap.Generic;

    /// <summary>Retry, circuit breaker and timeout settings.</summary>
    public HttpResilienceOptions Resilience { get; init; } = new();

    /// <summary>The pace: response quota headers and a client-side budget.</summary>
    public RateLimitOptions RateLimit { get; init; } = new();

    /// <summary>
    /// Origins (scheme, host and port, for example <c>https://images.example.org</c>) besides the endpoint's and the item
    /// URL's that next links, redirects and checkpoints may point at; the credentials are sent there too. Anything else
    /// stops the run with <see cref="Http.OriginPolicy.ErrorId"/>. The default is none.
    /// </summary>
    public IReadOnlyList<Uri> AllowedOrigins { get; init; } = [];

    /// <summary>Adds credentials to each request (API key, bearer token, OAuth2); null for none.</summary>
    public IRequestAuthenticator? Authenticator { get; init; }

    /// <summary>
    /// Empty pages in a row (no records, yet a next page named) after which the run stops with a <c>MuseumPollNoProgress</c>
    /// error instead of paging on without progress. The default is 20.
    /// </summary>
    public int MaxEmptyPages { get; init; } = DefaultMaxEmptyPages;

    /// <summary>The default of <see cref="MaxEmptyPages"/>: 20.</summary>
    public const int DefaultMaxEmptyPages = 20;

    /// <summary>How often a page whose body broke off mid-stream is read again from its position. The default is 6.</summary>
    public int MaxBodyRetries { get; init; } = 6;

    /// <summary>Only records modified since then (sent as <see cref="SinceParameter"/>, or OAI-PMH <c>from</c>); null for all. The default is null.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>
    /// The query parameter that filters by modification time (The Met: <c>metadataDate</c>). When set (and always for
    /// OAI-PMH) the source is incremental: every record carries the watermark the next run may start from. The default is null.
    /// </summary>
    public string? SinceParameter { get; init; }

    /// <summary>
    /// Only records modified before then (an upper bound, exclusive in intent): sent as <see cref="UntilParameter"/>, or
    /// OAI-PMH <c>until</c> in the repository's granularity (inclusive there: at day granularity the whole day of
    /// <see cref="Until"/>, at seconds granularity up to the second before it). A scale-out date-window job sets it; null
    /// for no upper bound. The default is null.
    /// </summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>
    /// The query parameter that bounds the modification time from above, for a REST API that has one besides
    /// <see cref="SinceParameter"/>; with both, a scale-out submission splits the source into date windows. Written in
    /// <see cref="SinceFormat"/>. The default is null (the API has no upper bound).
    /// </summary>
    public string? UntilParameter { get; init; }

    /// <summary>How <see cref="Since"/> is written; null: <c>yyyy-MM-dd</c> for OAI-PMH (day granularity, which every repository supports), else <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    public string? SinceFormat { get; init; }

    /// <summary>How far before this run's start the next run's watermark is set, so records changed at the boundary are read again, never missed (the upsert absorbs the repeats). The default is 1 hour.</summary>
    public TimeSpan Overlap { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The OAI-PMH <c>metadataPrefix</c>. The default is <c>oai_dc</c> (every repository has it); <c>lido</c> for LIDO.</summary>
    public string MetadataPrefix { get; init; } = "oai_dc";

    /// <summary>The OAI-PMH <c>set</c>; null for the whole repository. The default is null.</summary>
    public string? OaiSet { get; init; }

    /// <summary>
    /// The most results one query may reach (offset plus page size, or page × size), for APIs that refuse to page
    /// further: the Art Institute of Chicago's search 1,000, the Rijksmuseum's old API 10,000. With it,
    /// <see cref="PagingStyle.Offset"/> and <see cref="PagingStyle.PageNumber"/> queries are split into id ranges
    /// (<see cref="RangeFromParameter"/>, <see cref="RangeToParameter"/>, <see cref="RangeStart"/>, <see cref="RangeEnd"/>)
    /// until each part fits, and every split is said in the verbose stream. Null: no declared cap; with the id range
    /// set the query is still split when the server refuses a page past its cap in its own words (a 403 whose body says
    /// "Invalid number of results", as AIC answers), and a declared cap above the server's is lowered the same way. The default is null.
    /// </summary>
    public long? ResultWindow { get; init; }

    /// <summary>The query parameter of a range's first id (inclusive), when <see cref="ResultWindow"/> is set. The default is null.</summary>
    public string? RangeFromParameter { get; init; }

    /// <summary>The query parameter of a range's last id (inclusive), when <see cref="ResultWindow"/> is set. The default is null.</summary>
    public string? RangeToParameter { get; init; }

    /// <summary>The lowest id the split ranges cover. The default is 0.</summary>
    public long RangeStart { get; init; }

    /// <summary>The highest id the split ranges cover (above the source's largest id); required with <see cref="ResultWindow"/>. The default is null.</summary>
    public long? RangeEnd { get; init; }

    /// <summary>
    /// How often one run starts an OAI-PMH list over, from <c>from=</c> the checkpoint's watermark, when the repository
    /// answers <c>badResumptionToken</c> (an expired token: repositories keep them for hours); one more ends the run with
    /// <c>MuseumPollOaiError</c>. 0 fails at once. The default is 3.
    /// </summary>
    public int MaxOaiListRestarts { get; init; } = 3;

    /// <summary>
    /// IIIF Change Discovery: the most activity pages one run reads backwards from <c>last</c> before it stops with
    /// <c>MuseumPollChangeDiscovery</c> (a first harvest of a long stream without a Refresh reads every page). The default is 100,000.
    /// </summary>
    public int MaxActivityPages { get; init; } = 100_000;

    /// <summary>
    /// IIIF Change Discovery: the object types whose activities apply (others are skipped, §3.5.2). A <c>Manifest</c> is
    /// read with the manifest mapping (label, rights, metadata); any other type (a Linked Art <c>HumanMadeObject</c>, as
    /// the Getty's stream announces) is fetched and mapped with <see cref="FieldMap"/>. The default is <c>Manifest</c>.
    /// </summary>
    public IReadOnlyList<string> DiscoveryObjectTypes { get; init; } = ["Manifest"];

    /// <summary>IIIF Change Discovery: the most activities one page may list; a longer page stops the run. The default is 10,000.</summary>
    public int MaxActivitiesPerPage { get; init; } = 10_000;

    /// <summary>
    /// IIIF Change Discovery: the most distinct objects one run holds a newest activity for (about 300 bytes each) before it
    /// stops; a resumed run goes on from what was committed. The default is 1,000,000.
    /// </summary>
    public int MaxActivityObjects { get; init; } = 1_000_000;

    /// <summary>The largest page body held in memory when it must be read twice (an envelope, OAI-PMH); larger ones go to a temporary file. The default is 8 MiB.</summary>
    public int SpoolMemoryLimit { get; init; } = 8 * 1024 * 1024;

    /// <summary>Where spooled pages go; null for the system's temporary folder (tests give each run its own).</summary>
    internal string? SpoolDirectory { get; init; }

    /// <summary>The bounds on one page: decompressed bytes, bytes per record, and the time its body may take.</summary>
    public PageLimitOptions Limits { get; init; } = new();

    /// <summary>
    /// True when an offset or page-number query is split into id ranges (<see cref="ResultWindow"/>): the range's
    /// parameters and its end are set, with or without a declared window.
    /// </summary>
    internal bool SplitsByRange => Paging is PagingStyle.Offset or PagingStyle.PageNumber
        && (ResultWindow is not null || (!string.IsNullOrWhiteSpace(RangeFromParameter) && !string.IsNullOrWhiteSpace(RangeToParameter) && RangeEnd is not null));

    /// <summary>True when the run sets a watermark: a since parameter is configured, or the source is OAI-PMH.</summary>
    public bool IsIncremental => SinceParameter is { Length: > 0 } || Paging is PagingStyle.OaiPmh or PagingStyle.ChangeDiscovery;

    internal string EffectiveSinceFormat => SinceFormat ?? (Paging == PagingStyle.OaiPmh ? "yyyy-MM-dd" : "yyyy-MM-dd'T'HH:mm:ss'Z'");

    /// <summary>Throws when the request is not usable.</summary>
    public void Validate()
    {
        if (ResultWindow is not null || SplitsByRange)
        {
            if (Paging is not (PagingStyle.Offset or PagingStyle.PageNumber)) throw new ArgumentException($"A result window splits offset and page-number queries; the paging here is {Paging}.", nameof(ResultWindow));
            if (ResultWindow is { } window && window < PageSize) throw new ArgumentOutOfRangeException(nameof(ResultWindow), window, $"The result window must hold at least one page ({PageSize} records).");
            if (string.IsNullOrWhiteSpace(RangeFromParameter) || string.IsNullOrWhiteSpace(RangeToParameter)) throw new ArgumentException("A result window needs the query parameters of an id range (RangeFromParameter, RangeToParameter) to split the query by.", nameof(ResultWindow));
            if (RangeStart < 0 || RangeEnd is not { } end || end < RangeStart) throw new ArgumentException("A result window needs the id range to split: RangeStart (0 or more) to RangeEnd (at least RangeStart, above the largest id).", nameof(RangeEnd));
        }
        if (MaxOaiListRestarts is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(MaxOaiListRestarts), MaxOaiListRestarts, "Use 0 to 100 OAI-PMH list restarts.");
        if (!Uri.IsAbsoluteUri || (Uri.Scheme != System.Uri.UriSchemeHttp && Uri.Scheme != System.Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{Uri}' is not an absolute http(s) URL; pass the full endpoint, for example https://api.example.org/objects.", nameof(Uri));
        }
        if (string.IsNullOrWhiteSpace(Source)) throw new ArgumentException("A source name is required (-Source).", nameof(Source));
        if (PageSize is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "Use a page size from 1 to 100,000.");
        if (ThrottleLimit is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), ThrottleLimit, "Use a throttle limit from 1 to 256.");
        if (MaxEmptyPages is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(MaxEmptyPages), MaxEmptyPages, "Use 1 to 1,000,000 empty pages.");
        if (MaxBodyRetries is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(MaxBodyRetries), MaxBodyRetries, "Use 0 to 100 re-reads.");
        if (SpoolMemoryLimit < 64 * 1024) throw new ArgumentOutOfRangeException(nameof(SpoolMemoryLimit), SpoolMemoryLimit, "Keep at least 64 KiB in memory.");
        if (Since is { } from && Until is { } until && until <= from)
        {
            throw new ArgumentException($"The upper bound {until:yyyy-MM-dd'T'HH:mm:ss'Z'} is not after the lower bound {from:yyyy-MM-dd'T'HH:mm:ss'Z'}; a date window must be at least one second long.", nameof(Until));
        }
        if (Overlap < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Overlap), Overlap, "The overlap cannot be negative.");
        if (ItemUri is not null && !ItemUri.Contains("{id}", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The item URL '{ItemUri}' has no {{id}}; write where the id goes, for example https://api.example.org/objects/{{id}}.", nameof(ItemUri));
        }
        if (ItemUri is not null && Paging == PagingStyle.OaiPmh) throw new ArgumentException("ID fan-out (-ItemUri) does not apply to OAI-PMH.", nameof(ItemUri));
        if (ItemUri is not null && Paging == PagingStyle.ChangeDiscovery) throw new ArgumentException("ID fan-out (-ItemUri) does not apply to IIIF Change Discovery: each activity names its manifest's URL.", nameof(ItemUri));
        if (MaxActivityPages < 1) throw new ArgumentOutOfRangeException(nameof(MaxActivityPages), MaxActivityPages, "Read at least 1 activity page.");
        if (MaxActivitiesPerPage < 1) throw new ArgumentOutOfRangeException(nameof(MaxActivitiesPerPage), MaxActivitiesPerPage, "Allow at least 1 activity per page.");
        if (DiscoveryObjectTypes is null || DiscoveryObjectTypes.Count == 0 || DiscoveryObjectTypes.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("Name at least one object type for IIIF Change Discovery (Manifest, for example).", nameof(DiscoveryObjectTypes));
        if (MaxActivityObjects < 1) throw new ArgumentOutOfRangeException(nameof(MaxActivityObjects), MaxActivityObjects, "Allow at least 1 object.");
        if (Paging == PagingStyle.OaiPmh && string.IsNullOrWhiteSpace(MetadataPrefix)) throw new ArgumentException("OAI-PMH needs a metadataPrefix (-MetadataPrefix), for example oai_dc or lido.", nameof(MetadataPrefix));
        foreach (var (name, path) in new[] { (nameof(NextPath), NextPath), (nameof(ItemsPath), ItemsPath), (nameof(TotalPath), TotalPath), (nameof(TotalPagesPath), TotalPagesPath), (nameof(ItemPath), ItemPath) })
        {
            if (path is null) continue;
            try
            {
                JsonPath.Parse(path);
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"{name}: {ex.Message}", name, ex);
            }
        }
        ArgumentNullException.ThrowIfNull(AllowedOrigins);
        foreach (var origin in AllowedOrigins) Http.OriginPolicy.Validate(origin, nameof(AllowedOrigins));
        ArgumentNullException.ThrowIfNull(FieldMap);
        _ = FieldMap.Expressions();
        Resilience.Validate();
        RateLimit.Validate();
        ArgumentNullException.ThrowIfNull(Limits);
        Limits.Validate();
    }
}
