namespace MuseumSync.Paging;

/// <summary>What one answer said about paging: headers, values found in the body, how many records the page held.</summary>
internal struct PageFacts
{
    /// <summary><c>X-Next-Cursor</c>.</summary>
    public string? HeaderCursor;

    /// <summary>The absolute <c>Link: rel="next"</c> target.</summary>
    public string? LinkNext;

    /// <summary>The next cursor, URL or resumptionToken found in the body.</summary>
    public string? BodyNext;

    /// <summary>Total records, from the body or <c>X-Total-Count</c>.</summary>
    public long? Total;

    /// <summary>Total pages, from the body.</summary>
    public long? TotalPages;

    /// <summary>Records on this page; null while they are still being read (then a full page is assumed).</summary>
    public int? Count;
}
