using System.Net;

namespace MuseumSync.Http;

/// <summary>
/// What MuseumSync needs to follow a redirect itself (the pooled handler does not: .NET would forward every header but
/// <c>Authorization</c> to any host): which answers redirect, where to, and with which method.
/// </summary>
internal static class Redirects
{
    /// <summary>301, 302, 303, 307 and 308.</summary>
    public static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    /// <summary>The redirect target resolved against <paramref name="from"/>; null when the answer has no usable <c>Location</c>.</summary>
    public static Uri? Target(HttpResponseMessage response, Uri from)
    {
        ArgumentNullException.ThrowIfNull(response);
        var location = response.Headers.Location;
        if (location is null) return null;
        if (!location.IsAbsoluteUri && !Uri.TryCreate(from, location, out location)) return null;
        return location;
    }

    /// <summary>
    /// The method of the redirected request (RFC 9110 §15.4): 303 turns anything but HEAD into GET; 301 and 302 turn POST
    /// into GET, as every client does; 307 and 308 keep the method and the body.
    /// </summary>
    public static HttpMethod NextMethod(HttpMethod method, HttpStatusCode status) => (int)status switch
    {
        303 when method != HttpMethod.Head => HttpMethod.Get,
        301 or 302 when method == HttpMethod.Post => HttpMethod.Get,
        _ => method,
    };
}
