using Microsoft.AspNetCore.Http;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Polling;
using MuseumSync.Resilience;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Resilience;

/// <summary>Under an advertised quota the server counts zero violations: the poller waits for the reset before it has to say 429.</summary>
public sealed class QuotaTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static async Task ServePagesAsync(HttpContext ctx, int pages)
    {
        var page = int.Parse(ctx.Request.Query["cursor"].FirstOrDefault() ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        if (page < pages) ctx.Response.Headers["X-Next-Cursor"] = (page + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TestApiServer.WriteLinesAsync(ctx, [Line($"{page}a"), Line($"{page}b")]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PollAsync_TwentyPagesUnderFivePerSecond_ZeroViolationsAndNo429(bool ietf)
    {
        var time = new InstantTime();
        var quota = new QuotaServer(time, limit: 5, window: TimeSpan.FromSeconds(1), ietf);
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (await quota.AdmitAsync(ctx)) await ServePagesAsync(ctx, 20);
        });
        var poller = Poller(_http, time);

        var records = await PollAllAsync(poller, new PollRequest { Uri = server.Url("objects"), Source = "s", PageSize = 2, Resilience = FastResilience() });

        Assert.Equal(40, records.Count);
        Assert.Equal(0, quota.Violations);
        Assert.Equal(0, quota.TooMany);
        Assert.True(poller.Statistics.QuotaWaits >= 3, $"waited {poller.Statistics.QuotaWaits} times");
    }

    [Fact]
    public async Task PollAsync_FanOutEightInFlightUnderTenPerSecond_ZeroViolations()
    {
        var time = new InstantTime();
        var quota = new QuotaServer(time, limit: 10, window: TimeSpan.FromSeconds(1));
        var ids = Enumerable.Range(1, 60).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (!await quota.AdmitAsync(ctx)) return;
            if (ctx.Request.Path == "/ids")
            {
                await WriteJsonAsync(ctx, System.Text.Json.JsonSerializer.Serialize(new { ids, next_cursor = (string?)null }));
                return;
            }
            await Task.Delay(Random.Shared.Next(0, 5));
            await WriteJsonAsync(ctx, Line(ctx.Request.Path.Value!["/assets/".Length..]));
        });
        var poller = Poller(_http, time);

        var records = await PollAllAsync(poller, new PollRequest
        {
            Uri = server.Url("ids"),
            ItemUri = server.Url("assets/").AbsoluteUri + "{id}",
            Source = "s",
            PageSize = 100,
            ThrottleLimit = 8,
            Resilience = FastResilience(),
        });

        Assert.Equal(ids, Ids(records));
        Assert.Equal(0, quota.Violations);
        Assert.Equal(0, quota.TooMany);
    }

    [Fact]
    public async Task PollAsync_ClientBudgetWithoutHeaders_NeverMoreThanTheBudgetPerWindow()
    {
        var time = new InstantTime();
        var starts = new List<DateTimeOffset>();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            lock (starts) starts.Add(time.GetUtcNow());
            await ServePagesAsync(ctx, 12);
        });
        var poller = Poller(_http, time);

        var records = await PollAllAsync(poller, new PollRequest
        {
            Uri = server.Url("objects"),
            Source = "s",
            PageSize = 2,
            Resilience = FastResilience(),
            RateLimit = new RateLimitOptions { RequestLimit = 4, RequestWindow = TimeSpan.FromSeconds(10) },
        });

        Assert.Equal(24, records.Count);
        for (var i = 4; i < starts.Count; i++)
        {
            Assert.True(starts[i] - starts[i - 4] >= TimeSpan.FromSeconds(10), $"request {i} came {starts[i] - starts[i - 4]} after request {i - 4}");
        }
        Assert.True(poller.Statistics.BudgetWaits >= 2);
    }

    [Fact]
    public async Task PollAsync_RollingHourWithoutResetHeader_PacedAndNever429()
    {
        // api.data.gov (the Smithsonian's gateway) counts requests over a rolling hour and sends X-RateLimit-Limit and
        // -Remaining but no reset (https://api.data.gov/docs/developer-manual/#web-service-rate-limits). Spending the
        // quota and waiting one second for a reset that never comes draws 429s; pacing makes what is left last the hour.
        var time = new InstantTime();
        const int limit = 20;
        var window = TimeSpan.FromHours(1);
        var starts = new List<DateTimeOffset>();
        var tooMany = 0;
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            int remaining;
            bool over;
            lock (starts)
            {
                var now = time.GetUtcNow();
                starts.RemoveAll(s => now - s >= window);
                over = starts.Count >= limit;
                if (over) tooMany++;
                else starts.Add(now);
                remaining = limit - starts.Count;
            }
            ctx.Response.Headers["X-RateLimit-Limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ctx.Response.Headers["X-RateLimit-Remaining"] = remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (over)
            {
                ctx.Response.StatusCode = 429;
                return;
            }
            await ServePagesAsync(ctx, 50);
        });
        var poller = Poller(_http, time);

        var records = await PollAllAsync(poller, new PollRequest
        {
            Uri = server.Url("objects"),
            Source = "s",
            PageSize = 2,
            Resilience = FastResilience(),
            RateLimit = new RateLimitOptions { RollingWindow = window },
        });

        Assert.Equal(100, records.Count);
        Assert.Equal(0, tooMany);
        Assert.True(poller.Statistics.QuotaWaits >= 30, $"paced {poller.Statistics.QuotaWaits} times");
    }
}
