namespace MuseumSync.Resilience;

/// <summary>Reads <c>Retry-After</c> in both of its forms: delta-seconds and HTTP-date.</summary>
internal static class RetryAfter
{
    /// <summary>The wait the response asks for, or null when it asks for none.</summary>
    public static TimeSpan? From(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var ra = response.Headers.RetryAfter;
        if (ra is null) return null;
        if (ra.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (ra.Date is { } date)
        {
            var d = date - now;
            return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        }
        return null;
    }

    /// <summary>
    /// The raw <c>Retry-After</c> value when the response sends one that is neither form (<c>NaN</c>, <c>1e300</c>, <c>-5</c>,
    /// a number beyond 2^31 seconds); null when there is none or it is readable. Such a value is ignored: the backoff decides.
    /// </summary>
    public static string? Unusable(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Headers.RetryAfter is not null || !response.Headers.NonValidated.TryGetValues("Retry-After", out var raw)) return null;
        var text = raw.ToString();
        return text.Length <= 40 ? text : text[..37] + "...";
    }
}
