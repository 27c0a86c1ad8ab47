using MuseumSync.Core.Tests.Polling;
using MuseumSync.Paging;
using MuseumSync.Polling;

namespace MuseumSync.Core.Tests.Paging;

/// <summary>
/// Issue #17, truncated pagination: a feed whose cursor ends while its own total says there is more
/// (dlt-hub/dlt#4428, "pagination stops early although total says more") must not end as a silent success.
/// </summary>
public sealed class TruncatedFeedTests
{
    private static string Page(int from, int to, int total, string? next) =>
        $$"""{"total":{{total}},"next_cursor":{{(next is null ? "null" : "\"" + next + "\"")}},"data":[{{string.Join(",", Enumerable.Range(from, to - from + 1).Select(i => PollTestKit.Line(i.ToString(System.Globalization.CultureInfo.InvariantCulture))))}}]}""";

    private static async Task<(List<MuseumRecord> Records, PollStatistics Stats)> PollAsync(Func<Microsoft.AspNetCore.Http.HttpContext, Task> answer, PollRequest request)
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => answer(ctx));
        using var http = PollTestKit.Client();
        var poller = PollTestKit.Poller(http, new InstantTime());
        var records = await PollTestKit.PollAllAsync(poller, new PollRequest
        {
            Uri = server.Url("objects"), Source = "s", Paging = request.Paging, NextPath = request.NextPath, ItemsPath = "data",
            TotalPagesPath = request.TotalPagesPath, PageSize = request.PageSize, Since = request.Since, SinceParameter = request.SinceParameter,
            MaxPages = 10, Resilience = PollTestKit.FastResilience(),
        });
        return (records, poller.Statistics);
    }

    [Fact]
    public async Task Cursor_EndsBeforeItsTotal_IncompleteAndTheWatermarkDoesNotMove()
    {
        var (records, stats) = await PollAsync(
            ctx => PollTestKit.WriteJsonAsync(ctx, ctx.Request.Query["cursor"].Count == 0 ? Page(1, 2, 5, "c2") : Page(3, 3, 5, null)),
            new PollRequest { Uri = new Uri("http://x"), Source = "s", Paging = PagingStyle.BodyCursor, NextPath = "next_cursor", Since = DateTimeOffset.UnixEpoch, SinceParameter = "since" });

        Assert.Equal(3, records.Count);
        Assert.NotNull(stats.Incomplete);
        Assert.Contains("5 records", stats.Incomplete, StringComparison.Ordinal);
        Assert.Contains("record 3", stats.Incomplete, StringComparison.Ordinal);
        Assert.False(records[^1].EndOfFeed); // the watermark of this incremental run is not stored
        Assert.True(records[^1].EndOfPage);
    }

    [Fact]
    public async Task Cursor_EndsAtItsTotal_Complete()
    {
        var (records, stats) = await PollAsync(
            ctx => PollTestKit.WriteJsonAsync(ctx, ctx.Request.Query["cursor"].Count == 0 ? Page(1, 2, 3, "c2") : Page(3, 3, 3, null)),
            new PollRequest { Uri = new Uri("http://x"), Source = "s", Paging = PagingStyle.BodyCursor, NextPath = "next_cursor" });

        Assert.Equal(3, records.Count);
        Assert.Null(stats.Incomplete);
        Assert.True(records[^1].EndOfFeed);
    }

    [Fact]
    public async Task PageNumber_EmptyPageBeforeTotalPages_Incomplete()
    {
        var (records, stats) = await PollAsync(
            ctx => PollTestKit.WriteJsonAsync(ctx, ctx.Request.Query["page"] == "1"
                ? """{"pagination":{"total_pages":4},"data":[{"ObjectID":"1","title":"A"},{"ObjectID":"2","title":"B"}]}"""
                : """{"pagination":{"total_pages":4},"data":[]}"""),
            new PollRequest { Uri = new Uri("http://x"), Source = "s", Paging = PagingStyle.PageNumber, PageSize = 2, TotalPagesPath = "pagination.total_pages" });

        Assert.Equal(2, records.Count);
        Assert.NotNull(stats.Incomplete);
        Assert.Contains("4 pages", stats.Incomplete, StringComparison.Ordinal);
        Assert.Contains("page 2", stats.Incomplete, StringComparison.Ordinal);
    }
}
