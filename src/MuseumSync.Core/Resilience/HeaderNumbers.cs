using System.Globalization;

namespace MuseumSync.Resilience;

/// <summary>
/// The numbers of rate-limit headers, kept only when they are sane: a count is a finite number from 0 to 10^15, a reset
/// a finite, non-negative number of seconds (or epoch seconds) at most <see cref="MaxReset"/> ahead. Anything else
/// (<c>NaN</c>, <c>Infinity</c>, <c>1e300</c>, <c>-5</c>, text) is ignored and named to the caller's log, so a broken
/// or hostile header never ends a run and never sets a wait of years.
/// </summary>
internal readonly struct HeaderNumbers
{
    /// <summary>The largest count taken from a header.</summary>
    public const double MaxCount = 1e15;

    /// <summary>The furthest reset taken from a header: a yearly quota window. The value is 366 days.</summary>
    public static readonly TimeSpan MaxReset = TimeSpan.FromDays(366);

    private readonly DateTimeOffset _now;
    private readonly Action<string>? _ignored;

    public HeaderNumbers(DateTimeOffset now, Action<string>? ignored)
    {
        _now = now;
        _ignored = ignored;
    }

    /// <summary>A count of requests (limit, remaining, quota); null when absent or not sane.</summary>
    public long? Count(string name, string? text)
    {
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0 && v <= MaxCount) return (long)v;
        Ignore(name, text, "a count of requests from 0 to 10^15");
        return null;
    }

    /// <summary>A reset as the time from now; null when absent or not sane.</summary>
    public TimeSpan? Reset(string name, string? text, double epochThreshold = 1_000_000_000)
    {
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && ResetAfter(v, _now, epochThreshold) is { } reset) return reset;
        Ignore(name, text, "a non-negative number of seconds (or epoch seconds) at most 366 days ahead");
        return null;
    }

    /// <summary>The time until a reset given as seconds from now, or as epoch seconds at or above <paramref name="epochThreshold"/>; null when not sane. An epoch time already past is zero.</summary>
    public static TimeSpan? ResetAfter(double value, DateTimeOffset now, double epochThreshold)
    {
        if (!double.IsFinite(value) || value < 0) return null;
        if (value < epochThreshold) return value <= MaxReset.TotalSeconds ? TimeSpan.FromSeconds(value) : null;
        var ahead = value - now.ToUnixTimeMilliseconds() / 1000.0;
        if (ahead > MaxReset.TotalSeconds) return null;
        return ahead <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(ahead);
    }

    private void Ignore(string name, string text, string expected) =>
        _ignored?.Invoke($"rate limit: ignored the header value {name} '{Shorten(text)}': it is not {expected}; pacing goes on without it");

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
