using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>Issue 13: an id list is data from the source; the ids "." and ".." must not climb out of the item path.</summary>
public sealed class FanOutDotSegmentTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task PollAsync_DotSegmentIds_DeadLetteredAndNeverRequested()
    {
        var paths = new ConcurrentQueue<string>();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            paths.Enqueue(ctx.Request.Path.Value!);
            if (ctx.Request.Path == "/api/ids")
            {
                await WriteJsonAsync(ctx, """{"ids":[".", "..", "A1", "../ids", "%2e%2e"],"next_cursor":null}""");
                return;
            }
            // The id as sent, decoded once (Kestrel's Path would decode %25 already).
            var raw = ctx.Features.Get<IHttpRequestFeature>()!.RawTarget;
            await WriteJsonAsync(ctx, Line(Uri.UnescapeDataString(raw["/api/assets/".Length..])));
        });

        var records = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest
        {
            Uri = server.Url("api/ids"),
            ItemUri = server.Url("api/assets/").AbsoluteUri + "{id}",
            Source = "demo",
            Resilience = FastResilience(),
        });

        Assert.Equal([".", "..", "A1", "../ids", "%2e%2e"], records.Select(r => r.ObjectId));
        Assert.Equal([false, false, true, true, true], records.Select(r => r.IsValid));
        Assert.All(records.Take(2), r => Assert.Contains("dot segment", r.Issues[0].Message, StringComparison.Ordinal));
        Assert.All(paths.Where(p => p != "/api/ids"), p => Assert.StartsWith("/api/assets/", p, StringComparison.Ordinal));
        Assert.Equal(4, paths.Count);
    }
}
