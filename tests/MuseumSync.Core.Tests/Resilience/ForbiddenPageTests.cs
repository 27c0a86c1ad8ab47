using Microsoft.AspNetCore.Http;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Resilience;

/// <summary>A plain HTML "403 Forbidden" (nginx) is a refusal or a throttle: one cool-down, then an error naming both (issue 13).</summary>
public sealed class ForbiddenPageTests : IDisposable
{
    private const string NginxForbidden = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n";

    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static PollRequest Request(Uri uri)
    {
        var resilience = FastResilience();
        resilience.ThrottleCooldown = TimeSpan.FromSeconds(45);
        return new PollRequest { Uri = uri, Source = "met", PageSize = 10, Resilience = resilience };
    }

    private static async Task ForbiddenAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 403;
        ctx.Response.ContentType = "text/html";
        ctx.Response.Headers.Server = "nginx/1.24.0";
        await ctx.Response.WriteAsync(NginxForbidden);
    }

    [Fact]
    public async Task PollAsync_PlainNginx403HtmlAlways_OneCoolDownThenErrorNamingBothReadings()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n > 20) return; // the old poller cooled down and retried six times; nothing here runs that far
            await ForbiddenAsync(ctx);
        });
        var time = new InstantTime();
        var log = new List<string>();

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, time, log), Request(server.Url("objects?api_key=SECRET"))));

        Assert.Equal(2, server.RequestCount);
        Assert.Equal([TimeSpan.FromSeconds(45)], time.WaitList);
        Assert.Equal(403, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Contains("credentials", ex.Message, StringComparison.Ordinal);
        Assert.Contains("throttle", ex.Message, StringComparison.Ordinal);
        Assert.Contains(server.Url("objects").AbsoluteUri, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
        Assert.Contains(log, m => m.Contains("plain HTML 'Forbidden' page", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_PlainNginx403OnceThenData_OneCoolDownThenTheRecords()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                await ForbiddenAsync(ctx);
                return;
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("1"), Line("2")]);
        });
        var time = new InstantTime();

        var records = await PollAllAsync(Poller(_http, time), Request(server.Url("objects")));

        Assert.Equal(["1", "2"], Ids(records));
        Assert.Equal([TimeSpan.FromSeconds(45)], time.WaitList);
    }

    [Fact]
    public async Task PollAsync_FirewallThrottle403Always_StillCooledDownOnEveryRetry()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            ctx.Response.StatusCode = 403;
            ctx.Response.ContentType = "text/html";
            await ctx.Response.WriteAsync("<html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>");
        });
        var time = new InstantTime();
        var resilience = FastResilience(retries: 2);
        resilience.ThrottleCooldown = TimeSpan.FromSeconds(45);

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, time), new PollRequest { Uri = server.Url("objects"), Source = "met", Resilience = resilience }));

        Assert.Equal(3, server.RequestCount);
        Assert.Equal([TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(45)], time.WaitList);
        Assert.True(ex.IsTransient);
    }
}
