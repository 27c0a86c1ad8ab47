using System.Net;

namespace MuseumSync.Resilience;

/// <summary>Classifies answers: which statuses are worth another try, and which "answers" are really a firewall or CDN throttle.</summary>
internal static class ThrottleDetector
{
    /// <summary>408, 429, 500, 502, 503 and 504 are worth another try; other statuses need a fix.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;

    /// <summary>True when the body is HTML: never data in any format MuseumSync reads.</summary>
    public static bool IsHtml(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Content.Headers.ContentType?.MediaType is { } mt && mt.Contains("html", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A 200 (or any 2xx) or a 403 answered with an HTML page where data was expected: a web application firewall or CDN
    /// throttling the client (The Met's answers so for about a minute after bursts). It is cooled down and retried, never stored.
    /// </summary>
    public static bool IsThrottlePage(HttpResponseMessage response) =>
        IsHtml(response) && (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Forbidden);

    /// <summary>A failure that counts toward the circuit breaker: a 408 or 5xx, or a throttle page. A 429 only sets the pace.</summary>
    public static bool IsSourceFailure(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var s = (int)response.StatusCode;
        return s is 408 or >= 500 || IsThrottlePage(response);
    }
}
