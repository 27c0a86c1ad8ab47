using System.Globalization;
using System.Net.Http.Headers;

namespace MuseumSync.Resilience;

/// <summary>
/// Reads rate-limit response headers in the forms museum APIs and API gateways send:
/// <c>X-RateLimit-Limit/-Remaining/-Reset</c> (the reset as epoch seconds or as seconds from now: a value above
/// one billion is an epoch time), the IETF draft's separate <c>RateLimit-Limit/-Remaining/-Reset</c> fields, its combined
/// <c>RateLimit: limit=100, remaining=50, reset=30</c> field, and the structured-field form
/// <c>RateLimit: "default";r=50;t=30</c> with <c>RateLimit-Policy: "default";q=100;w=60</c>.
/// </summary>
internal static class RateLimitHeaders
{
    /// <summary>Epoch seconds start here (2001-09-09); a smaller reset value is a number of seconds from now.</summary>
    private const double EpochThreshold = 1_000_000_000;

    /// <summary>Reads the headers; false when the response says nothing about a quota.</summary>
    public static bool TryRead(HttpResponseHeaders headers, DateTimeOffset now, out RateLimitInfo info) => TryRead(headers, now, out info, null);

    /// <summary>
    /// Reads the headers; false when the response says nothing usable about a quota. A value that is not a sane number
    /// (<c>NaN</c>, <c>Infinity</c>, negative, a count above 10^15, a reset more than 366 days
    /// ahead) is ignored, and <paramref name="ignored"/> is told which header said what.
    /// </summary>
    public static bool TryRead(HttpResponseHeaders headers, DateTimeOffset now, out RateLimitInfo info, Action<string>? ignored)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var numbers = new HeaderNumbers(now, ignored);
        long? limit = null, remaining = null;
        TimeSpan? reset = null;

        remaining = numbers.Count("X-RateLimit-Remaining", First(headers, "X-RateLimit-Remaining"));
        limit = numbers.Count("X-RateLimit-Limit", First(headers, "X-RateLimit-Limit"));
        reset = numbers.Reset("X-RateLimit-Reset", First(headers, "X-RateLimit-Reset"));

        remaining ??= numbers.Count("RateLimit-Remaining", First(headers, "RateLimit-Remaining"));
        limit ??= numbers.Count("RateLimit-Limit", First(headers, "RateLimit-Limit"));
        reset ??= numbers.Reset("RateLimit-Reset", First(headers, "RateLimit-Reset"));

        if (headers.TryGetValues("RateLimit", out var combined))
        {
            foreach (var value in combined)
            {
                ReadCombined(value, numbers, ref limit, ref remaining, ref reset);
            }
        }
        if (limit is null && headers.TryGetValues("RateLimit-Policy", out var policies))
        {
            foreach (var value in policies)
            {
                var q = numbers.Count("RateLimit-Policy q", Parameter(value, "q") ?? FirstBareNumber(value));
                if (q is { } quota)
                {
                    limit = limit is null ? quota : Math.Min(limit.Value, quota);
                }
            }
        }

        info = new RateLimitInfo(limit, remaining, reset);
        return remaining is not null || reset is not null || limit is not null;
    }

    /// <summary>A reset value: epoch seconds when it is above one billion, otherwise seconds from now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite, negative, or more than 366 days ahead.</exception>
    public static TimeSpan ResetFrom(double value, DateTimeOffset now) =>
        HeaderNumbers.ResetAfter(value, now, EpochThreshold)
        ?? throw new ArgumentOutOfRangeException(nameof(value), value, "A reset is a finite, non-negative number of seconds (or epoch seconds) at most 366 days ahead.");

    private static void ReadCombined(string value, HeaderNumbers numbers, ref long? limit, ref long? remaining, ref TimeSpan? reset)
    {
        // draft-07 and earlier: limit=100, remaining=50, reset=30
        if (numbers.Count("RateLimit remaining", Parameter(value, "remaining")) is { } rem) remaining = Min(remaining, rem);
        if (numbers.Count("RateLimit limit", Parameter(value, "limit")) is { } lim) limit ??= lim;
        if (numbers.Reset("RateLimit reset", Parameter(value, "reset")) is { } res) reset ??= res;
        // draft-08 and later (structured fields): "policy";r=50;t=30, one item per policy. The policy with the least left
        // decides; among several at that level, the latest reset.
        long? leastLeft = null;
        TimeSpan? itsReset = null;
        foreach (var item in value.Split(','))
        {
            if (numbers.Count("RateLimit r", Parameter(item, "r")) is not { } r) continue;
            var t = numbers.Reset("RateLimit t", Parameter(item, "t"));
            if (leastLeft is null || r < leastLeft)
            {
                leastLeft = r;
                itsReset = t;
            }
            else if (r == leastLeft && t > itsReset)
            {
                itsReset = t;
            }
        }
        if (leastLeft is { } least)
        {
            remaining = Min(remaining, least);
            reset = itsReset ?? reset;
        }
    }

    private static long? Min(long? a, long b) => a is null ? b : Math.Min(a.Value, b);

    /// <summary>The first number of the header's first value that has one (a list such as "100, 100;w=60" takes its first); null when absent.</summary>
    private static string? First(HttpResponseHeaders headers, string name)
    {
        if (!headers.TryGetValues(name, out var values)) return null;
        string? first = null;
        foreach (var v in values)
        {
            var text = v.AsSpan().Trim();
            var cut = text.IndexOfAny(',', ';');
            if (cut >= 0) text = text[..cut].Trim();
            if (text.IsEmpty) continue;
            first ??= text.ToString();
        }
        return first;
    }

    /// <summary>The number after <c>name=</c> in a parameter list separated by <c>,</c> or <c>;</c>.</summary>
    private static string? Parameter(string value, string name)
    {
        var span = value.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var end = span[i..].IndexOfAny(',', ';');
            var part = (end < 0 ? span[i..] : span.Slice(i, end)).Trim();
            var eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return part[(eq + 1)..].Trim().Trim('"').ToString();
            }
            if (end < 0) break;
            i += end + 1;
        }
        return null;
    }

    private static string? FirstBareNumber(string value)
    {
        var text = value.AsSpan().Trim();
        var cut = text.IndexOfAny(',', ';');
        if (cut >= 0) text = text[..cut].Trim();
        // A bare token such as "default" is a policy name, not a number.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? text.ToString() : null;
    }
}
