namespace MuseumSync.Resilience;

/// <summary>Reads <c>Retry-After</c> in both of its forms: delta-seconds and HTTP-date.</summary>
public static class RetryAfter
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
}
