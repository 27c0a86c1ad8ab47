using MuseumSync.Http;
using MuseumSync.Paging;

namespace MuseumSync.Polling;

/// <summary>
/// Streams a cursor-paged NDJSON endpoint: <c>?cursor=…&amp;limit=…</c>, the next cursor in <c>X-Next-Cursor</c> or
/// <c>Link: &lt;…&gt;; rel="next"</c>, and no next when the feed is done. This is <see cref="MuseumPoller"/> with
/// <see cref="PagingStyle.Auto"/>, kept for callers that name the cursor style.
/// </summary>
public sealed class CursorPoller
{
    private readonly MuseumPoller _poller;

    /// <summary>Creates a poller over a (pooled) client.</summary>
    public CursorPoller(HttpClient http, TimeProvider? time = null, Action<string>? verbose = null) => _poller = new MuseumPoller(http, time, verbose);

    /// <summary>The header that carries the next cursor.</summary>
    public const string NextCursorHeader = "X-Next-Cursor";

    /// <summary>The header that carries the correlation id of every request.</summary>
    public const string CorrelationHeader = CorrelationIds.Header;

    /// <summary>What the poller did on the wire.</summary>
    public PollStatistics Statistics => _poller.Statistics;

    /// <summary>Reads every page from <see cref="PollRequest.StartPosition"/> to the end of the feed.</summary>
    public IAsyncEnumerable<MuseumRecord> PollAsync(PollRequest request, CancellationToken cancellationToken = default) => _poller.PollAsync(request, cancellationToken);

    /// <summary>The URL of the page at <paramref name="position"/>: an absolute URL as it is, a cursor as a query parameter.</summary>
    internal static Uri PageUrl(PollRequest request, string? position) => Pager.For(request, []).PageUrl(position);
}
