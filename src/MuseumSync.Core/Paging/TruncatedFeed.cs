using System.Globalization;
using MuseumSync.Polling;

namespace MuseumSync.Paging;

/// <summary>
/// A feed that ended while its own total says there is more (dlt-hub/dlt#4428: a cursor that runs out early; an empty
/// page before <c>total_pages</c>). Page numbers and offsets say where the feed stopped on their own; cursors and
/// resumption tokens only when this run read the feed from its start, so the records read are all there were.
/// </summary>
internal static class TruncatedFeed
{
    /// <summary>What fell short, for the warning; null when the feed is complete or nothing says otherwise.</summary>
    /// <param name="request">The poll.</param>
    /// <param name="startPosition">Where this run started (null: the first page).</param>
    /// <param name="position">The last page's position.</param>
    /// <param name="facts">The last page's facts (its record count set).</param>
    /// <param name="total">The record total, from the last page that gave one.</param>
    /// <param name="readThisRun">Records this run read, the last page's included.</param>
    /// <param name="where">The last page's URL, masked.</param>
    public static string? Describe(PollRequest request, string? startPosition, string? position, in PageFacts facts, long? total, long readThisRun, string where)
    {
        // A split query (a result window) has a total per id range, and RangeSplitPager reads each range to its end itself.
        if (request.SplitsByRange) return null;
        long reached;
        switch (request.Paging)
        {
            case PagingStyle.OaiPmh:
                // completeListSize counts what the repository holds, deleted headers and records of other sets included,
                // and the list may change during a harvest (OAI-PMH 2.0, 3.5): the records handed out may be fewer by design.
                return null;
            case PagingStyle.PageNumber:
                var page = long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : request.FirstPage;
                var pagesRead = page - request.FirstPage + 1;
                if (facts.TotalPages is { } pages && pagesRead < pages)
                {
                    return Message(where, $"page {page} held {facts.Count ?? 0} records and named no next page", $"{pages:N0} pages", request.Source);
                }
                reached = ((pagesRead - 1) * request.PageSize) + (facts.Count ?? 0);
                break;
            case PagingStyle.Offset:
                reached = (long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0) + (facts.Count ?? 0);
                break;
            default:
                if (startPosition is not null) return null; // a resumed cursor does not know how many records came before it
                reached = readThisRun;
                break;
        }
        return total is { } t && reached < t
            ? Message(where, $"it reached record {reached:N0}", $"{t:N0} records", request.Source)
            : null;
    }

    private static string Message(string where, string reached, string total, string source) => string.Create(CultureInfo.InvariantCulture,
        $"The feed of source '{source}' ended at {where}, where {reached}, but its own total says {total}: the source stopped early (a cursor or next link that ran out, an empty page, a result cap). The records read are stored, the watermark of an incremental run stays where it was, and the run is Incomplete; run again later, or ask the API's maintainers why the feed ends before its total.");
}
