using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>-Since and the watermark: the filter goes out on the first page; every record carries the next run's start (this run's start less the overlap).</summary>
public sealed class IncrementalTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task PollAsync_SinceParameter_SentAndWatermarkIsRunStartLessOverlap()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (ctx.Request.Query["cursor"].Count == 0) ctx.Response.Headers["X-Next-Cursor"] = "2";
            await TestApiServer.WriteLinesAsync(ctx, [Line("x" + ctx.Request.Query["cursor"])]);
        });
        var time = new InstantTime(new DateTimeOffset(2025, 5, 10, 8, 30, 0, TimeSpan.Zero));

        var records = await PollAllAsync(Poller(_http, time), new PollRequest
        {
            Uri = server.Url("objects"),
            Source = "met",
            SinceParameter = "metadataDate",
            SinceFormat = "yyyy-MM-dd",
            Since = new DateTimeOffset(2025, 5, 1, 23, 0, 0, TimeSpan.Zero),
            Overlap = TimeSpan.FromDays(1),
            Resilience = FastResilience(),
        });

        Assert.Contains("metadataDate=2025-05-01", server.Requests[0].PathAndQuery, StringComparison.Ordinal);
        Assert.All(records, r => Assert.Equal("2025-05-09T08:30:00Z", r.Watermark));
        Assert.True(records[^1].EndOfFeed);
        Assert.Null(records[^1].ResumePosition); // the next incremental run starts over, from the watermark
        Assert.Equal("2", records[0].ResumePosition);
    }

    [Fact]
    public async Task PollAsync_NotIncremental_NoWatermarkAndTheLastPageResumesOnItself()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await TestApiServer.WriteLinesAsync(ctx, [Line("1")]));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest { Uri = server.Url("objects"), Source = "s", StartPosition = "c7", Resilience = FastResilience() });

        Assert.Null(records[0].Watermark);
        Assert.Equal("c7", records[0].ResumePosition);
    }
}
