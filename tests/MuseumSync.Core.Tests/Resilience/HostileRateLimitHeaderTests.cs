using MuseumSync.Core.Tests.Polling;
using MuseumSync.Polling;
using MuseumSync.Resilience;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Resilience;

/// <summary>Non-finite and absurd rate-limit headers are ignored with a note, never a reason to lose a page (issue 13).</summary>
public sealed class HostileRateLimitHeaderTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    public static TheoryData<string, string> Absurd => new()
    {
        { "RateLimit", "limit=100, remaining=0, reset=NaN" },
        { "X-RateLimit-Reset", "1e300" },
        { "X-RateLimit-Reset", "Infinity" },
        { "X-RateLimit-Reset", "-Infinity" },
        { "X-RateLimit-Reset", "-5" },
        { "RateLimit-Reset", "99999999999999999999" },
        { "X-RateLimit-Remaining", "Infinity" },
        { "X-RateLimit-Limit", "1e300" },
        { "RateLimit", "\"default\";r=0;t=1e300" },
        { "RateLimit", "\"default\";r=NaN;t=5" },
        { "RateLimit-Policy", "\"default\";q=Infinity;w=60" },
    };

    [Theory]
    [MemberData(nameof(Absurd))]
    public void TryRead_AbsurdValue_IgnoredAndNamed(string name, string value)
    {
        using var r = new HttpResponseMessage();
        r.Headers.TryAddWithoutValidation(name, value);
        var notes = new List<string>();

        RateLimitHeaders.TryRead(r.Headers, s_now, out var info, notes.Add);

        Assert.Null(info.ResetAfter);
        Assert.True(info.Limit is null or 100);
        Assert.True(info.Remaining is null or 0);
        var note = Assert.Single(notes);
        Assert.Contains("ignored the header value", note, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_SaneNeighbours_StillRead()
    {
        using var r = new HttpResponseMessage();
        r.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "3");
        r.Headers.TryAddWithoutValidation("X-RateLimit-Reset", "1e300");
        r.Headers.TryAddWithoutValidation("RateLimit-Reset", "30");

        Assert.True(RateLimitHeaders.TryRead(r.Headers, s_now, out var info, null));

        Assert.Equal(new RateLimitInfo(null, 3, TimeSpan.FromSeconds(30)), info);
    }

    [Theory]
    [MemberData(nameof(Absurd))]
    public async Task PollAsync_AbsurdRateLimitHeaderWithQuotaSpent_PageReadNoteLoggedNoWaitOfYears(string name, string value)
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            ctx.Response.Headers["X-RateLimit-Remaining"] = n == 1 ? "0" : "5";
            ctx.Response.Headers[name] = value;
            if (n == 1) ctx.Response.Headers["X-Next-Cursor"] = "2";
            await TestApiServer.WriteLinesAsync(ctx, [Line(n.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        });
        var time = new InstantTime();
        var log = new List<string>();
        var request = new PollRequest { Uri = server.Url("objects"), Source = "met", PageSize = 10, Resilience = FastResilience() };

        var records = await PollAllAsync(Poller(_http, time, log), request);

        Assert.Equal(["1", "2"], Ids(records));
        Assert.Contains(log, m => m.Contains("ignored the header value", StringComparison.Ordinal) && m.Contains(server.Url("objects").AbsoluteUri, StringComparison.Ordinal));
        // The spent quota waits the default second for its reset, never the absurd value.
        Assert.All(time.WaitList, w => Assert.True(w <= TimeSpan.FromSeconds(1), $"waited {w}"));
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("NaN")]
    [InlineData("-5")]
    [InlineData("99999999999999")]
    public async Task PollAsync_UnusableRetryAfter_IgnoredWithNoteAndBackoffDecides(string retryAfter)
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Headers.RetryAfter = retryAfter;
                return;
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("1")]);
        });
        var time = new InstantTime();
        var log = new List<string>();
        var request = new PollRequest { Uri = server.Url("objects"), Source = "met", PageSize = 10, Resilience = FastResilience() };

        var records = await PollAllAsync(Poller(_http, time, log), request);

        Assert.Equal(["1"], Ids(records));
        Assert.Contains(log, m => m.Contains($"ignored the header value Retry-After '{retryAfter}'", StringComparison.Ordinal));
        var wait = Assert.Single(time.WaitList);
        Assert.True(wait < TimeSpan.FromSeconds(10), $"the backoff decides, not the header: {wait}");
    }
}
