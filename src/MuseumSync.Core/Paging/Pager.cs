using System.Globalization;
using MuseumSync.Polling;

namespace MuseumSync.Paging;

/// <summary>
/// One paging style: which URL a position means, and which position comes next. A position is an opaque string only
/// the pager interprets (a cursor, an absolute next URL, a page number, an offset, a resumptionToken); the checkpoint
/// stores it and a later run hands it back.
/// </summary>
internal abstract class Pager
{
    protected Pager(PollRequest request, IReadOnlyCollection<string> secretNames)
    {
        Request = request;
        SecretNames = secretNames;
    }

    protected PollRequest Request { get; }

    protected IReadOnlyCollection<string> SecretNames { get; }

    /// <summary>The style's name for messages.</summary>
    public abstract string Name { get; }

    /// <summary>True when the next position depends on the record count (a short page is the last).</summary>
    public virtual bool CountDecides => false;

    public static Pager For(PollRequest request, IReadOnlyCollection<string> secretNames, OaiSession? oai = null, Action<string>? log = null) => request.Paging switch
    {
        PagingStyle.PageNumber or PagingStyle.Offset when request.SplitsByRange =>
            new RangeSplitPager(request.Paging == PagingStyle.Offset ? new OffsetPager(request, secretNames) : new PageNumberPager(request, secretNames), request, secretNames, log),
        PagingStyle.PageNumber => new PageNumberPager(request, secretNames),
        PagingStyle.Offset => new OffsetPager(request, secretNames),
        PagingStyle.OaiPmh => new OaiPmhPager(request, secretNames, oai),
        _ => new CursorPager(request, secretNames),
    };

    public abstract Uri PageUrl(string? position);

    public abstract string? Next(string? position, in PageFacts facts);

    /// <summary>True when a refusal (a 403 with a body) may say how to go on: <see cref="TryAfterRefusal"/> reads it.</summary>
    public virtual bool ReadsRefusals => false;

    /// <summary>
    /// Reads a refusal of the page at <paramref name="position"/> (<paramref name="body"/>: the start of a 403's body);
    /// false when it says nothing the pager can act on, else true with the position to go on from (null: the feed ends).
    /// </summary>
    public virtual bool TryAfterRefusal(string? position, string body, out string? next)
    {
        next = null;
        return false;
    }

    /// <summary>The since filter as the first page sends it (null when the request has none).</summary>
    protected (string Name, string? Value) SinceParameter() =>
        Request.SinceParameter is { Length: > 0 } name && Request.Since is { } since
            ? (name, since.UtcDateTime.ToString(Request.EffectiveSinceFormat, CultureInfo.InvariantCulture))
            : ("\0", null);

    /// <summary>The upper bound as the first page sends it (null when the request has none, or the API has no parameter for it).</summary>
    protected (string Name, string? Value) UntilParameter() =>
        Request.UntilParameter is { Length: > 0 } name && Request.Until is { } until
            ? (name, until.UtcDateTime.ToString(Request.EffectiveSinceFormat, CultureInfo.InvariantCulture))
            : ("\0\0", null);

    protected string? Limit() => string.IsNullOrEmpty(Request.LimitParameter) ? null : Request.PageSize.ToString(CultureInfo.InvariantCulture);

    protected string LimitName() => string.IsNullOrEmpty(Request.LimitParameter) ? "\0" : Request.LimitParameter;

    internal static bool IsAbsoluteHttp(string? position, out Uri uri)
    {
        uri = null!;
        return position is not null && Uri.TryCreate(position, UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
    }
}

/// <summary>Cursors and next URLs: from <c>X-Next-Cursor</c>, <c>Link: rel="next"</c> or the body.</summary>
internal sealed class CursorPager(PollRequest request, IReadOnlyCollection<string> secretNames) : Pager(request, secretNames)
{
    public override string Name => Request.Paging switch
    {
        PagingStyle.HeaderCursor => "X-Next-Cursor",
        PagingStyle.LinkHeader => "Link rel=next",
        PagingStyle.BodyCursor => "next cursor in the body",
        _ => "auto",
    };

    public override Uri PageUrl(string? position)
    {
        if (IsAbsoluteHttp(position, out var absolute)) return absolute;
        return QueryString.With(Request.Uri, (Request.CursorParameter, position), (LimitName(), Limit()), SinceParameter(), UntilParameter());
    }

    public override string? Next(string? position, in PageFacts facts)
    {
        var next = Request.Paging switch
        {
            PagingStyle.HeaderCursor => facts.HeaderCursor,
            PagingStyle.LinkHeader => facts.LinkNext,
            PagingStyle.BodyCursor => facts.BodyNext,
            _ => facts.HeaderCursor ?? facts.LinkNext ?? facts.BodyNext,
        };
        return string.IsNullOrWhiteSpace(next) || next == "null" ? null : next.Trim();
    }
}

/// <summary><c>?page=N</c>.</summary>
internal sealed class PageNumberPager(PollRequest request, IReadOnlyCollection<string> secretNames) : Pager(request, secretNames)
{
    public override string Name => "page number";

    public override bool CountDecides => true;

    private long Current(string? position) =>
        long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : Request.FirstPage;

    public override Uri PageUrl(string? position) =>
        QueryString.With(Request.Uri, (Request.PageParameter, Current(position).ToString(CultureInfo.InvariantCulture)), (LimitName(), Limit()), SinceParameter(), UntilParameter());

    public override string? Next(string? position, in PageFacts facts)
    {
        var current = Current(position);
        if (facts.Count == 0) return null;
        bool more;
        if (facts.TotalPages is { } pages) more = current - Request.FirstPage + 1 < pages;
        else if (facts.Total is { } total) more = (current - Request.FirstPage + 1) * Request.PageSize < total;
        else more = facts.Count is null || facts.Count >= Request.PageSize;
        return more ? (current + 1).ToString(CultureInfo.InvariantCulture) : null;
    }
}

/// <summary><c>?offset=N</c>.</summary>
internal sealed class OffsetPager(PollRequest request, IReadOnlyCollection<string> secretNames) : Pager(request, secretNames)
{
    public override string Name => "offset";

    public override bool CountDecides => true;

    private static long Current(string? position) =>
        long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;

    public override Uri PageUrl(string? position) =>
        QueryString.With(Request.Uri, (Request.OffsetParameter, Current(position).ToString(CultureInfo.InvariantCulture)), (LimitName(), Limit()), SinceParameter(), UntilParameter());

    public override string? Next(string? position, in PageFacts facts)
    {
        if (facts.Count == 0) return null;
        var next = Current(position) + (facts.Count ?? Request.PageSize);
        bool more;
        if (facts.Total is { } total) more = next < total;
        else more = facts.Count is null || facts.Count >= Request.PageSize;
        return more ? next.ToString(CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>OAI-PMH <c>ListRecords</c>: the first request names the format (and <c>from</c>, <c>set</c>), every later one only the <c>resumptionToken</c>.</summary>
/// <remarks><c>from</c> (and <c>until</c>, see <see cref="OaiSession.UntilValue"/>) is written in the granularity the repository's <c>Identify</c> declared (day granularity when it declared none).</remarks>
internal sealed class OaiPmhPager(PollRequest request, IReadOnlyCollection<string> secretNames, OaiSession? oai) : Pager(request, secretNames)
{
    public override string Name => "OAI-PMH resumptionToken";

    public override Uri PageUrl(string? position)
    {
        if (position is null)
        {
            return QueryString.With(Request.Uri,
                ("verb", "ListRecords"),
                ("metadataPrefix", Request.MetadataPrefix),
                ("from", Request.Since is { } since ? oai?.From(since) ?? since.UtcDateTime.ToString(Request.EffectiveSinceFormat, CultureInfo.InvariantCulture) : null),
                // Sent only with an upper bound: an until= the configured URL carries is left as it is otherwise.
                (Request.Until is null ? "\0\0" : "until", Request.Until is { } until ? OaiSession.UntilValue(oai?.Repository, until, Request.EffectiveSinceFormat) : null),
                ("set", Request.OaiSet),
                ("resumptionToken", null));
        }
        // resumptionToken is an exclusive argument: nothing else but the verb may go with it.
        return QueryString.With(Request.Uri, ("verb", "ListRecords"), ("metadataPrefix", null), ("from", null), ("until", null), ("set", null), ("resumptionToken", position));
    }

    public override string? Next(string? position, in PageFacts facts) => string.IsNullOrWhiteSpace(facts.BodyNext) ? null : facts.BodyNext.Trim();
}
