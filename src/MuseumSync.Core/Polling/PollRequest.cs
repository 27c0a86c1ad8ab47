using MuseumSync.Mapping;
using MuseumSync.Resilience;

namespace MuseumSync.Polling;

/// <summary>What to poll and how: the endpoint, where to start, the page size and the field mapping.</summary>
public sealed class PollRequest
{
    /// <summary>The collection endpoint, for example <c>https://api.example.org/objects</c>.</summary>
    public required Uri Uri { get; init; }

    /// <summary>The source name records are stored under.</summary>
    public required string Source { get; init; }

    /// <summary>Where to start: a cursor or an absolute next-page URL from a checkpoint; null for the first page.</summary>
    public string? StartPosition { get; init; }

    /// <summary>The <c>limit</c> sent with each page request. The default is 500.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>The query parameter that carries the cursor. The default is <c>cursor</c>.</summary>
    public string CursorParameter { get; init; } = "cursor";

    /// <summary>The query parameter that carries the page size. The default is <c>limit</c>.</summary>
    public string LimitParameter { get; init; } = "limit";

    /// <summary>Stop after this many pages; null for no limit.</summary>
    public int? MaxPages { get; init; }

    /// <summary>The field mapping. The default is the generic REST profile.</summary>
    public FieldMap FieldMap { get; init; } = FieldMap.Generic;

    /// <summary>Retry and timeout settings.</summary>
    public HttpResilienceOptions Resilience { get; init; } = new();

    /// <summary>How often a page whose body broke off mid-stream is read again from its cursor. The default is 6.</summary>
    public int MaxBodyRetries { get; init; } = 6;

    /// <summary>Throws when the request is not usable.</summary>
    public void Validate()
    {
        if (!Uri.IsAbsoluteUri || (Uri.Scheme != System.Uri.UriSchemeHttp && Uri.Scheme != System.Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{Uri}' is not an absolute http(s) URL; pass the full endpoint, for example https://api.example.org/objects.", nameof(Uri));
        }
        if (string.IsNullOrWhiteSpace(Source)) throw new ArgumentException("A source name is required (-Source).", nameof(Source));
        if (PageSize is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "Use a page size from 1 to 100,000.");
        Resilience.Validate();
    }
}
