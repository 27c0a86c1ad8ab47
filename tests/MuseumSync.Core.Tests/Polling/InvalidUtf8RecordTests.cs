using System.Text;
using MuseumSync.Paging;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>A line that is not valid UTF-8 keeps its bytes on its way to the dead letter, wherever it sits on the page.</summary>
public sealed class InvalidUtf8RecordTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task PollAsync_InvalidUtf8LineLastOnAPageWhoseCountDecidesTheNext_KeepsItsOriginalBytes()
    {
        var bad = Encoding.UTF8.GetBytes("{\"ObjectID\":\"u2\",\"title\":\"Caf").Append((byte)0xE9).Concat("\"}"u8.ToArray()).ToArray();
        var page1 = Encoding.UTF8.GetBytes(Line("u1") + "\n").Concat(bad).Concat("\n"u8.ToArray()).ToArray();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            ctx.Response.ContentType = "application/x-ndjson";
            if (ctx.Request.Query["page"] == "1") await ctx.Response.Body.WriteAsync(page1, ctx.RequestAborted);
        });
        var request = new PollRequest { Uri = server.Url("objects"), Source = "u", Paging = PagingStyle.PageNumber, PageSize = 2, Resilience = FastResilience() };

        var records = await PollAllAsync(Poller(_http, new InstantTime()), request);

        Assert.Equal(2, records.Count);
        Assert.True(records[1].EndOfPage);
        Assert.Equal("2", records[1].ResumePosition); // set once the page was read whole: the record was made again
        Assert.False(records[1].IsValid);
        Assert.Equal(bad, records[1].OriginalBytes);
    }
}
