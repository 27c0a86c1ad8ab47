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
public static class RateLimitHeaders
{
    /// <summary>Epoch seconds start here (2001-09-09); a smaller reset value is a number of seconds from now.</summary>
    private const double EpochThreshold = 1_000_000_000;

    /// <summary>Reads the headers; false when the response says nothing about a quota.</summary>
    public static bool TryRead(HttpResponseHeaders headers, DateTimeOffset now, out RateLimitInfo info)
    {
        ArgumentNullException.ThrowIfNull(headers);
        long? limit = null, remaining = null;
        TimeSpan? reset = null;

        if (TryNumber(headers, "X-RateLimit-Remaining", out var r)) remaining = (long)r;
        if (TryNumber(headers, "X-RateLimit-Limit", out var l)) limit = (long)l;
        if (TryNumber(headers, "X-RateLimit-Reset", out var x)) reset = ResetFrom(x, now);

        if (remaining is null && TryNumber(headers, "RateLimit-Remaining", out r)) remaining = (long)r;
        if (limit is null && TryNumber(headers, "RateLimit-Limit", out l)) limit = (long)l;
        if (reset is null && TryNumber(headers, "RateLimit-Reset", out x)) reset = ResetFrom(x, now);

        if (headers.TryGetValues("RateLimit", out var combined))
        {
            foreach (var value in combined)
            {
                ReadCombined(value, now, ref limit, ref remaining, ref reset);
            }
        }
        if (limit is null && headers.TryGetValues("RateLimit-Policy", out var policies))
        {
            foreach (var value in policies)
            {
                var q = Parameter(value, "q") ?? FirstBareNumber(value);
                if (q is { } quota)
                {
                    limit = limit is null ? (long)quota : Math.Min(limit.Value, (long)quota);
                }
            }
        }

        info = new RateLimitInfo(limit, remaining, reset);
        return remaining is not null || reset is not null || limit is not null;
    }

    /// <summary>A reset value: epoch seconds when it is above one billion, otherwise seconds from now.</summary>
    public static TimeSpan ResetFrom(double value, DateTimeOffset now)
    {
        var span = value >= EpochThreshold ? DateTimeOffset.FromUnixTimeMilliseconds((long)(value * 1000)) - now : TimeSpan.FromSeconds(value);
        return span < TimeSpan.Zero ? TimeSpan.Zero : span;
    }

    private static void ReadCombined(string value, DateTimeOffset now, ref long? limit, ref long? remaining, ref TimeSpan? reset)
    {
        // draft-07 and earlier: limit=100, remaining=50, reset=30
        if (Parameter(value, "remaining") is { } rem) remaining = Min(remaining, (long)rem);
        if (Parameter(value, "limit") is { } lim) limit ??= (long)lim;
        if (Parameter(value, "reset") is { } res) reset ??= ResetFrom(res, now);
        // draft-08 and later (structured fields): "policy";r=50;t=30, one item per policy. The policy with the least left
        // decides; among several at that level, the latest reset.
        long? leastLeft = null;
        TimeSpan? itsReset = null;
        foreach (var item in value.Split(','))
        {
            if (Parameter(item, "r") is not { } r) continue;
            var t = Parameter(item, "t") is { } seconds ? ResetFrom(seconds, now) : (TimeSpan?)null;
            if (leastLeft is null || (long)r < leastLeft)
            {
                leastLeft = (long)r;
                itsReset = t;
            }
            else if ((long)r == leastLeft && t > itsReset)
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

    private static bool TryNumber(HttpResponseHeaders headers, string name, out double value)
    {
        value = 0;
        if (!headers.TryGetValues(name, out var values)) return false;
        foreach (var v in values)
        {
            // A list ("100, 100;w=60") takes its first number.
            var text = v.AsSpan().Trim();
            var cut = text.IndexOfAny(',', ';');
            if (cut >= 0) text = text[..cut].Trim();
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value >= 0) return true;
        }
        return false;
    }

    /// <summary>The number after <c>name=</c> in a parameter list separated by <c>,</c> or <c>;</c>.</summary>
    private static double? Parameter(string value, string name)
    {
        var span = value.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var end = span[i..].IndexOfAny(',', ';');
            var part = (end < 0 ? span[i..] : span.Slice(i, end)).Trim();
            var eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase) &&
                double.TryParse(part[(eq + 1)..].Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            {
                return d;
            }
            if (end < 0) break;
            i += end + 1;
        }
        return null;
    }

    private static double? FirstBareNumber(string value)
    {
        var text = value.AsSpan().Trim();
        var cut = text.IndexOfAny(',', ';');
        if (cut >= 0) text = text[..cut].Trim();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }
}
