using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>
/// A fixed-window quota like the bench's mock API, on a given clock: every answer carries X-RateLimit-Limit,
/// -Remaining (after this request) and -Reset (seconds until the window resets, rounded up); over the limit it answers
/// 429 with Retry-After. A violation is a request that arrives in a window after an answer carrying Remaining: 0 was sent.
/// </summary>
internal sealed class QuotaServer
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _window = -1;
    private int _count;
    private bool _exhaustedSent;

    public QuotaServer(TimeProvider time, int limit, TimeSpan window, bool ietf = false)
    {
        _time = time;
        Limit = limit;
        Window = window;
        Ietf = ietf;
        _start = time.GetUtcNow().UtcTicks;
    }

    public int Limit { get; }

    public TimeSpan Window { get; }

    public bool Ietf { get; }

    public int Violations { get; private set; }

    public int TooMany { get; private set; }

    /// <summary>Applies the quota; false when it answered 429 (the handler must not write more).</summary>
    public async Task<bool> AdmitAsync(HttpContext ctx)
    {
        int remaining;
        double reset;
        bool limited;
        lock (_lock)
        {
            var now = _time.GetUtcNow().UtcTicks;
            var w = (now - _start) / Window.Ticks;
            if (w != _window)
            {
                _window = w;
                _count = 0;
                _exhaustedSent = false;
            }
            if (_exhaustedSent) Violations++;
            _count++;
            remaining = Math.Max(0, Limit - _count);
            var left = _start + ((w + 1) * Window.Ticks) - now;
            reset = Math.Max(1, Math.Ceiling(TimeSpan.FromTicks(left).TotalSeconds));
            limited = _count > Limit;
            if (remaining == 0) _exhaustedSent = true;
            if (limited) TooMany++;
        }
        var h = ctx.Response.Headers;
        if (Ietf)
        {
            h["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"\"default\";q={Limit};w={(int)Window.TotalSeconds}");
            h["RateLimit"] = string.Create(CultureInfo.InvariantCulture, $"\"default\";r={remaining};t={reset}");
        }
        else
        {
            h["X-RateLimit-Limit"] = Limit.ToString(CultureInfo.InvariantCulture);
            h["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            h["X-RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
        }
        if (!limited) return true;
        ctx.Response.StatusCode = 429;
        h.RetryAfter = reset.ToString(CultureInfo.InvariantCulture);
        await ctx.Response.WriteAsync("{\"error\":\"rate limit exceeded\"}", ctx.RequestAborted);
        return false;
    }
}
