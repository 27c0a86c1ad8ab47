namespace MuseumSync.Paging;

/// <summary>How a source pages. <see cref="Auto"/> follows whatever the answer offers.</summary>
public enum PagingStyle
{
    /// <summary>Follows <c>X-Next-Cursor</c>, then <c>Link: rel="next"</c>, then a next cursor or URL in the body (<c>pagination.next_url</c>, <c>info.next</c>, <c>next_cursor</c>, …); one page when none is there.</summary>
    Auto,

    /// <summary>The next cursor in the <c>X-Next-Cursor</c> header, sent back as <c>?cursor=</c>.</summary>
    HeaderCursor,

    /// <summary>RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c>.</summary>
    LinkHeader,

    /// <summary>A next cursor or absolute next URL in the JSON body, at <c>NextPath</c> (or a known name).</summary>
    BodyCursor,

    /// <summary><c>?page=N&amp;limit=L</c>, until a short or empty page, or the total (pages or records) the body reports.</summary>
    PageNumber,

    /// <summary><c>?offset=N&amp;limit=L</c>, until a short or empty page, or the total the body reports.</summary>
    Offset,

    /// <summary>OAI-PMH <c>ListRecords</c> with <c>resumptionToken</c> (any <c>metadataPrefix</c>, LIDO included).</summary>
    OaiPmh,

    /// <summary>
    /// IIIF Change Discovery API 1.0 (https://iiif.io/api/discovery/1.0/): an ActivityStreams <c>OrderedCollection</c> read
    /// backwards from <c>last</c> through <c>prev</c> pages down to the watermark; the newest activity per object applies
    /// (Create, Update, Add, Delete, Remove, Move, Refresh), and each created or updated object's manifest is fetched and stored.
    /// </summary>
    ChangeDiscovery,
}
