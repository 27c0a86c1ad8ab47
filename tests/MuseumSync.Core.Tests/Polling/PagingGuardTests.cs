using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>Runs that end: a cursor that cycles, a page that names itself, endless empty pages (issue 13).</summary>
public sealed class PagingGuardTests : IDisposable
{
    /// <summary>The old poller looped until the server gave up; every server here gives up well after the guard's limit.</summary>
    private const int ServerGivesUpAfter = 60;

    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static PollRequest Request(Uri uri, int maxEmptyPages = 20) => new()
    {
        Uri = uri,
        Source = "loop",
        PageSize = 2,
        MaxEmptyPages = maxEmptyPages,
        Resilience = FastResilience(retries: 0),
    };

    private static async Task<(List<MuseumRecord> Records, MuseumPollException Error)> PollUntilErrorAsync(MuseumPoller poller, PollRequest request)
    {
        var records = new List<MuseumRecord>();
        using var cts = new CancellationTokenSource(TestTimeout);
        var error = await Assert.ThrowsAsync<MuseumPollException>(async () =>
        {
            await foreach (var r in poller.PollAsync(request, cts.Token)) records.Add(r);
        });
        return (records, error);
    }

    private static Task GiveUpAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 410;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PollAsync_CursorCyclesBackToAPageAlreadyRead_StopsWithPagingLoopAfterEachPageOnce()
    {
        // first page -> a -> b -> a -> b ...
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n > ServerGivesUpAfter)
            {
                await GiveUpAsync(ctx);
                return;
            }
            var cursor = ctx.Request.Query["cursor"].ToString();
            var (ids, next) = cursor switch
            {
                "" => (new[] { "1", "2" }, "a"),
                "a" => (new[] { "3", "4" }, "b"),
                _ => (new[] { "5", "6" }, "a"),
            };
            ctx.Response.Headers["X-Next-Cursor"] = next;
            await TestApiServer.WriteLinesAsync(ctx, ids.Select(id => Line(id)));
        });

        var (records, ex) = await PollUntilErrorAsync(Poller(_http, new InstantTime()), Request(server.Url("objects")));

        Assert.Equal("MuseumPollPagingLoop", ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Equal(3, server.RequestCount);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], Ids(records));
        Assert.True(records[^1].EndOfPage);
        Assert.Contains(server.Url("objects?cursor=b&limit=2").AbsoluteUri, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Reset-SyncCheckpoint -Source loop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_NextUrlLeadsBackToTheFirstPage_StopsWithPagingLoop()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n > ServerGivesUpAfter)
            {
                await GiveUpAsync(ctx);
                return;
            }
            var second = ctx.Request.Query["cursor"] == "2";
            // The second page's next link is the first page's own URL.
            ctx.Response.Headers["Link"] = second ? "</objects?limit=2>; rel=\"next\"" : "</objects?cursor=2&limit=2>; rel=\"next\"";
            await TestApiServer.WriteLinesAsync(ctx, [Line(second ? "2" : "1")]);
        });

        var (records, ex) = await PollUntilErrorAsync(Poller(_http, new InstantTime()), Request(server.Url("objects")));

        Assert.Equal("MuseumPollPagingLoop", ex.ErrorId);
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(["1", "2"], Ids(records));
    }

    [Fact]
    public async Task PollAsync_PageNamesItselfAsNext_StopsWithPagingLoopNotSilently()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            ctx.Response.Headers["X-Next-Cursor"] = "same";
            await TestApiServer.WriteLinesAsync(ctx, [Line(n.ToString(CultureInfo.InvariantCulture))]);
        });

        var (records, ex) = await PollUntilErrorAsync(Poller(_http, new InstantTime()), Request(server.Url("objects")));

        Assert.Equal("MuseumPollPagingLoop", ex.ErrorId);
        Assert.Contains("names itself", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task PollAsync_EndlessEmptyPagesWithFreshCursors_StopsWithNoProgressAtTheLimit()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n > ServerGivesUpAfter) return; // the old poller ended here, as if the feed were done
            ctx.Response.Headers["X-Next-Cursor"] = "c" + n.ToString(CultureInfo.InvariantCulture);
            if (n == 1) await TestApiServer.WriteLinesAsync(ctx, [Line("1"), Line("2")]);
        });

        var (records, ex) = await PollUntilErrorAsync(Poller(_http, new InstantTime()), Request(server.Url("objects"), maxEmptyPages: 5));

        Assert.Equal("MuseumPollNoProgress", ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Equal(6, server.RequestCount); // one page of records, then five empty ones
        Assert.Equal(["1", "2"], Ids(records));
        Assert.Contains("5 empty pages in a row", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-MaxEmptyPages", ex.Message, StringComparison.Ordinal);
        Assert.Contains(server.Url("objects?cursor=c5&limit=2").AbsoluteUri, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_EmptyPagesBelowTheLimit_ReadOnToTheEnd()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n < 4) ctx.Response.Headers["X-Next-Cursor"] = "c" + n.ToString(CultureInfo.InvariantCulture);
            if (n is 1 or 4) await TestApiServer.WriteLinesAsync(ctx, [Line(n.ToString(CultureInfo.InvariantCulture))]);
        });

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("objects"), maxEmptyPages: 3));

        Assert.Equal(["1", "4"], Ids(records));
        Assert.Equal(4, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_IdListCursorCycles_StopsWithPagingLoop()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n > ServerGivesUpAfter)
            {
                await GiveUpAsync(ctx);
                return;
            }
            if (ctx.Request.Path == "/ids")
            {
                var second = ctx.Request.Query["cursor"] == "b";
                await WriteJsonAsync(ctx, JsonSerializer.Serialize(new { ids = second ? new[] { "2" } : ["1"], next_cursor = second ? "a" : "b" }));
                return;
            }
            await WriteJsonAsync(ctx, Line(ctx.Request.Path.Value!["/items/".Length..]));
        });
        var request = new PollRequest
        {
            Uri = server.Url("ids"),
            ItemUri = server.Url("items/").AbsoluteUri + "{id}",
            Source = "loop",
            PageSize = 5,
            Resilience = FastResilience(retries: 0),
        };

        var (records, ex) = await PollUntilErrorAsync(Poller(_http, new InstantTime()), request);

        Assert.Equal("MuseumPollPagingLoop", ex.ErrorId);
        Assert.Equal(["1", "2", "1"], Ids(records)); // first page, b, then a (a fresh cursor) before the repeat of b
        Assert.Equal(6, server.RequestCount);
    }

    [Fact]
    public void Validate_MaxEmptyPages_DefaultTwentyAndOutOfRangeRefused()
    {
        Assert.Equal(20, new PollRequest { Uri = new Uri("https://api.example.org/objects"), Source = "s" }.MaxEmptyPages);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PollRequest { Uri = new Uri("https://api.example.org/objects"), Source = "s", MaxEmptyPages = 0 }.Validate());
    }
}
