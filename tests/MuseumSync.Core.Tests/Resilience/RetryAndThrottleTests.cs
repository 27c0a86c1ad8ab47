using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Polling;
using MuseumSync.Resilience;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Resilience;

/// <summary>Retries, Retry-After, throttle pages and the circuit breaker, against real Kestrel servers, on a virtual clock.</summary>
public sealed class RetryAndThrottleTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static PollRequest Request(Uri uri, HttpResilienceOptions? resilience = null) =>
        new() { Uri = uri, Source = "met", PageSize = 10, Resilience = resilience ?? FastResilience() };

    private static Task OnePageAsync(HttpContext ctx) => TestApiServer.WriteLinesAsync(ctx, [Line("1"), Line("2")]);

    [Fact]
    public async Task PollAsync_429WithRetryAfterSeconds_WaitsExactlyThatLong()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers.RetryAfter = "7";
                return;
            }
            await OnePageAsync(ctx);
        });
        var time = new InstantTime();

        var records = await PollAllAsync(Poller(_http, time), Request(server.Url("objects")));

        Assert.Equal(["1", "2"], Ids(records));
        Assert.Equal([TimeSpan.FromSeconds(7)], time.WaitList);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_429WithRetryAfterHttpDate_WaitsUntilThatDate()
    {
        var time = new InstantTime();
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers.RetryAfter = time.GetUtcNow().AddSeconds(42).ToString("R", CultureInfo.InvariantCulture);
                return;
            }
            await OnePageAsync(ctx);
        });
        var stats = new List<string>();

        var poller = Poller(_http, time, stats);
        var records = await PollAllAsync(poller, Request(server.Url("objects")));

        Assert.Equal(2, records.Count);
        Assert.Equal([TimeSpan.FromSeconds(42)], time.WaitList);
        Assert.Equal(1, poller.Statistics.TooManyRequests);
        Assert.Equal(1, poller.Statistics.Retries);
    }

    [Fact]
    public async Task PollAsync_RetryAfterBeyondMaxDelay_CappedAtMaxDelay()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Headers.RetryAfter = "86400";
                return;
            }
            await OnePageAsync(ctx);
        });
        var time = new InstantTime();
        var resilience = FastResilience();
        resilience.MaxDelay = TimeSpan.FromSeconds(30);

        await PollAllAsync(Poller(_http, time), Request(server.Url("objects"), resilience));

        Assert.Equal([TimeSpan.FromSeconds(30)], time.WaitList);
    }

    [Fact]
    public async Task PollAsync_503Burst_RetriedWithGrowingJitteredBackoffThenSucceeds()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n <= 4)
            {
                ctx.Response.StatusCode = n % 2 == 0 ? 502 : 503;
                return;
            }
            await OnePageAsync(ctx);
        });
        var time = new InstantTime();
        var resilience = FastResilience();
        resilience.CircuitBreaker.Enabled = false;

        var records = await PollAllAsync(Poller(_http, time), Request(server.Url("objects"), resilience));

        Assert.Equal(2, records.Count);
        Assert.Equal(5, server.RequestCount);
        var waits = time.WaitList;
        Assert.Equal(4, waits.Count);
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(60)));
        // The same random source gives the same waits: the backoff is exact and testable.
        var again = new InstantTime();
        await using var server2 = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n <= 4)
            {
                ctx.Response.StatusCode = 503;
                return;
            }
            await OnePageAsync(ctx);
        });
        await PollAllAsync(Poller(_http, again), Request(server2.Url("objects"), resilience));
        Assert.Equal(waits, again.WaitList);
        Assert.True(waits[^1] > waits[0], "the backoff grows");
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task PollAsync_ClientErrors_NotRetried(int status)
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            return ctx.Response.WriteAsync("{\"error\":\"no\"}");
        });
        var time = new InstantTime();

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, time), Request(server.Url("objects?api_key=SECRET"))));

        Assert.Equal(status, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, server.RequestCount);
        Assert.Empty(time.WaitList);
        Assert.Contains(ex.CorrelationId!, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.Url ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_WafHtml403_CoolsDownThenRetriesAndStoresNothingOfIt()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n <= 2)
            {
                ctx.Response.StatusCode = 403;
                ctx.Response.ContentType = "text/html; charset=utf-8";
                await ctx.Response.WriteAsync("<html><body>Request unsuccessful. Incapsula incident ID: 1-2</body></html>");
                return;
            }
            await OnePageAsync(ctx);
        });
        var time = new InstantTime();
        var log = new List<string>();
        var resilience = FastResilience();
        resilience.ThrottleCooldown = TimeSpan.FromSeconds(45);
        var poller = Poller(_http, time, log);

        var records = await PollAllAsync(poller, Request(server.Url("objects"), resilience));

        Assert.Equal(["1", "2"], Ids(records));
        Assert.Equal([TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(45)], time.WaitList);
        Assert.Equal(2, poller.Statistics.ThrottlePages);
        Assert.Contains(log, m => m.Contains("HTML throttle page", StringComparison.Ordinal) && m.Contains("correlation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_200HtmlWhereJsonExpected_IsAThrottleNotData()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.ContentType = "text/html";
                await ctx.Response.WriteAsync("<html><body>Please wait while we check your browser…</body></html>");
                return;
            }
            await OnePageAsync(ctx);
        });
        var time = new InstantTime();

        var records = await PollAllAsync(Poller(_http, time), Request(server.Url("objects")));

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.DoesNotContain("html", r.RawJson, StringComparison.OrdinalIgnoreCase));
        Assert.Equal([TimeSpan.FromSeconds(60)], time.WaitList);
    }

    [Fact]
    public async Task PollAsync_RunOfFailures_CircuitOpensPausesForTheBreakThenHalfOpens()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n <= 5)
            {
                ctx.Response.StatusCode = 500;
                return;
            }
            await OnePageAsync(ctx);
        });
        var time = new InstantTime();
        var log = new List<string>();
        var resilience = FastResilience(retries: 8);
        var poller = Poller(_http, time, log);

        var records = await PollAllAsync(poller, Request(server.Url("objects"), resilience));

        Assert.Equal(2, records.Count);
        Assert.Equal(6, server.RequestCount); // 5 failures, then the trial request after the break
        Assert.Equal(1, poller.Statistics.CircuitBreaks);
        Assert.Contains(time.WaitList, w => w >= TimeSpan.FromSeconds(55)); // the rest of the 60 s break after the backoff before it
        Assert.Contains(log, m => m.StartsWith("circuit opened", StringComparison.Ordinal) && m.Contains("pausing 60 s", StringComparison.Ordinal));
        Assert.Contains(log, m => m.StartsWith("circuit half-open", StringComparison.Ordinal));
        Assert.Contains(log, m => m.StartsWith("circuit closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_EveryRequest_CarriesACorrelationIdThatLogLinesName()
    {
        var ids = new ConcurrentQueue<string>();
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            ids.Enqueue(ctx.Request.Headers["X-Correlation-ID"].ToString());
            if (n == 1)
            {
                ctx.Response.StatusCode = 503;
                return;
            }
            await OnePageAsync(ctx);
        });
        var log = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log), Request(server.Url("objects")));

        Assert.Equal(2, ids.Count);
        Assert.Single(ids.Distinct()); // a retry is the same logical request
        Assert.All(records, r => Assert.Equal(ids.First(), r.CorrelationId));
        Assert.All(log, m => Assert.Contains(ids.First(), m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_RunTimeout_StopsWithMuseumPollTimeout()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await TestApiServer.HangAsync(ctx));
        var resilience = FastResilience();
        resilience.RunTimeout = TimeSpan.FromMilliseconds(300);

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("objects"), resilience)));

        Assert.Equal("MuseumPollTimeout", ex.ErrorId);
        Assert.True(ex.IsTransient);
    }
}
