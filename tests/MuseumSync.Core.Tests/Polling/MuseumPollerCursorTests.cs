using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using MuseumSync.Http;
using MuseumSync.Paging;
using MuseumSync.Polling;
using MuseumSync.Resilience;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>The poller against real Kestrel servers on 127.0.0.1.</summary>
public sealed class MuseumPollerCursorTests : IDisposable
{
    private static readonly TimeSpan s_testTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Three pages keyed by cursor ("" is the first page).</summary>
    private static readonly Dictionary<string, (string[] Ids, string? Next)> s_pages = new()
    {
        [""] = (["1", "2"], "c2"),
        ["c2"] = (["3", "4"], "c3"),
        ["c3"] = (["5"], null),
    };

    private readonly HttpClient _http = MuseumHttp.CreateClient(MuseumHttp.CreateHandler(), disposeHandler: true);

    public void Dispose() => _http.Dispose();

    private static string Line(string id) => $$"""{"ObjectID":"{{id}}","title":"Object {{id}}"}""";

    private static HttpResilienceOptions Fast(int retries = 6) => new()
    {
        MaxRetryAttempts = retries,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(20),
    };

    private static PollRequest Request(Uri uri, string? start = null, int pageSize = 2, int? maxPages = null, HttpResilienceOptions? resilience = null, int maxBodyRetries = 6)
        => new()
        {
            Uri = uri,
            Source = "met",
            StartPosition = start,
            PageSize = pageSize,
            MaxPages = maxPages,
            Resilience = resilience ?? Fast(),
            MaxBodyRetries = maxBodyRetries,
        };

    private static async Task ServeCursorPageAsync(HttpContext ctx)
    {
        var cursor = ctx.Request.Query["cursor"].ToString();
        if (!s_pages.TryGetValue(cursor, out var page))
        {
            ctx.Response.StatusCode = 400;
            return;
        }
        if (page.Next is not null) ctx.Response.Headers["X-Next-Cursor"] = page.Next;
        await TestApiServer.WriteLinesAsync(ctx, page.Ids.Select(Line));
    }

    private static Task ServeSinglePageAsync(HttpContext ctx) => TestApiServer.WriteLinesAsync(ctx, new[] { "1", "2", "3" }.Select(Line));

    private static async Task<List<MuseumRecord>> PollAllAsync(MuseumPoller poller, PollRequest request, Action<MuseumRecord>? onRecord = null, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(s_testTimeout);
        var list = new List<MuseumRecord>();
        await foreach (var r in poller.PollAsync(request, cts.Token))
        {
            list.Add(r);
            onRecord?.Invoke(r);
        }
        return list;
    }

    private static string[] Ids(IEnumerable<MuseumRecord> records) => records.Select(r => r.ObjectId!).ToArray();

    // (a)
    [Fact]
    public async Task PollAsync_HeaderCursorOverThreePages_EveryLineInOrderWithPositions()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeCursorPageAsync(ctx));
        var fetched = new DateTimeOffset(2025, 5, 1, 8, 0, 0, TimeSpan.Zero);
        var poller = new MuseumPoller(_http, new FakeTimeProvider(fetched));

        var records = await PollAllAsync(poller, Request(server.Url("objects?api_key=SECRET&dept=3")));

        Assert.Equal(["1", "2", "3", "4", "5"], Ids(records));
        Assert.All(records, r => Assert.True(r.IsValid));
        Assert.All(records, r => Assert.Equal("met", r.Source));
        Assert.All(records, r => Assert.Equal(fetched, r.FetchedAt));
        Assert.Equal([null, null, "c2", "c2", "c3"], records.Select(r => r.Position));
        Assert.Equal(["c2", "c2", "c3", "c3", "c3"], records.Select(r => r.ResumePosition));
        Assert.Equal([false, true, false, true, true], records.Select(r => r.EndOfPage));
        Assert.Equal([1L, 1, 2, 2, 3], records.Select(r => r.PageNumber));
        Assert.Equal([1, 2, 1, 2, 1], records.Select(r => r.LineNumber));

        var requests = server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal([null, "c2", "c3"], requests.Select(r => r.Cursor));
        Assert.All(requests, r => Assert.Equal("2", r.Limit));
        Assert.All(requests, r => Assert.Contains("dept=3", r.PathAndQuery, StringComparison.Ordinal));
        Assert.All(requests, r => Assert.Contains("application/x-ndjson", r.Accept, StringComparison.Ordinal));
        Assert.All(requests, r => Assert.True(Guid.TryParse(r.CorrelationId, out _), r.CorrelationId));
        Assert.Equal(3, requests.Select(r => r.CorrelationId).Distinct().Count());
        Assert.Equal(
            [requests[0].CorrelationId, requests[0].CorrelationId, requests[1].CorrelationId, requests[1].CorrelationId, requests[2].CorrelationId],
            records.Select(r => r.CorrelationId));

        Assert.All(records, r => Assert.DoesNotContain("SECRET", r.SourceUrl, StringComparison.Ordinal));
        Assert.All(records, r => Assert.Contains("api_key=***", r.SourceUrl, StringComparison.Ordinal));
        Assert.Contains("cursor=c2", records[2].SourceUrl, StringComparison.Ordinal);
    }

    // (b)
    [Fact]
    public async Task PollAsync_LinkRelNextOnly_FollowsAbsoluteNextUrls()
    {
        TestApiServer? self = null;
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = int.Parse(ctx.Request.Query["page"].FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
            if (page < 3)
            {
                ctx.Response.Headers.Link = $"<{self!.BaseUri}objects?page=1>; rel=\"first\", <{self.BaseUri}objects?page={page + 1}&api_key=SECRET>; rel=\"next\"";
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line($"{page}a"), Line($"{page}b")]);
        });
        self = server;
        // Followed as sent, stored without the secret the server put in its links (issue 13: no stored position carries a secret).
        var page2 = server.Url("objects?page=2").AbsoluteUri;
        var page3 = server.Url("objects?page=3").AbsoluteUri;

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects")));

        Assert.Equal(["1a", "1b", "2a", "2b", "3a", "3b"], Ids(records));
        Assert.Equal([null, null, page2, page2, page3, page3], records.Select(r => r.Position));
        Assert.Equal([page2, page2, page3, page3, page3, page3], records.Select(r => r.ResumePosition));
        Assert.Equal([false, true, false, true, false, true], records.Select(r => r.EndOfPage));
        Assert.Equal(["/objects?limit=2", "/objects?page=2&api_key=SECRET", "/objects?page=3&api_key=SECRET"], server.Requests.Select(r => r.PathAndQuery));
        Assert.All(server.Requests, r => Assert.NotNull(r.CorrelationId));
        Assert.All(records, r => Assert.DoesNotContain("SECRET", r.SourceUrl, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_RelativeLinkNext_ResolvedAgainstThePageUrl()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = int.Parse(ctx.Request.Query["page"].FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
            if (page < 2) ctx.Response.Headers.Link = "</v1/objects?page=2>; rel=\"next\"";
            await TestApiServer.WriteLinesAsync(ctx, [Line($"p{page}")]);
        });

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("v1/objects")));

        Assert.Equal(["p1", "p2"], Ids(records));
        Assert.Equal(server.Url("v1/objects?page=2").AbsoluteUri, records[1].Position);
    }

    // (c)
    [Fact]
    public async Task PollAsync_StartPosition_ResumesAtTheCursor()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeCursorPageAsync(ctx));

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects"), start: "c2"));

        Assert.Equal(["3", "4", "5"], Ids(records));
        Assert.Equal(["c2", "c3"], server.Requests.Select(r => r.Cursor));
        Assert.Equal("c2", records[0].Position);
        Assert.Equal([1L, 1, 2], records.Select(r => r.PageNumber));
    }

    [Fact]
    public async Task PollAsync_StartPositionIsAbsoluteUrl_RequestedAsIs()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => TestApiServer.WriteLinesAsync(ctx, [Line("9")]));
        var start = server.Url("elsewhere?page=7").AbsoluteUri;

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects"), start: start));

        Assert.Equal("9", Assert.Single(records).ObjectId);
        Assert.Equal("/elsewhere?page=7", Assert.Single(server.Requests).PathAndQuery);
        Assert.Equal(start, records[0].Position);
        Assert.Equal(start, records[0].ResumePosition);
    }

    // (d)
    [Fact]
    public async Task PollAsync_503WithRetryAfterZeroThen200_RecordsOnceTwoRequests()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Headers.RetryAfter = "0";
                return;
            }
            await ServeSinglePageAsync(ctx);
        });
        var log = new ConcurrentQueue<string>();

        var records = await PollAllAsync(new MuseumPoller(_http, verbose: log.Enqueue), Request(server.Url("objects")));

        Assert.Equal(["1", "2", "3"], Ids(records));
        Assert.Equal(2, server.RequestCount);
        Assert.Single(server.Requests.Select(r => r.CorrelationId).Distinct()); // a retry is the same page request
        Assert.Contains(log, m => m.Contains("HTTP 503", StringComparison.Ordinal) && m.Contains("waiting 0 ms", StringComparison.Ordinal));
    }

    // (e)
    [Fact]
    public async Task PollAsync_429WithRetryAfterDateInThePast_Retried()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.StatusCode = 429;
                ctx.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("R", CultureInfo.InvariantCulture);
                return;
            }
            await ServeSinglePageAsync(ctx);
        });

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects")));

        Assert.Equal(["1", "2", "3"], Ids(records));
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_RetryAfterDateFarAhead_CappedAtMaxDelay()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddHours(1).ToString("R", CultureInfo.InvariantCulture);
                return;
            }
            await ServeSinglePageAsync(ctx);
        });
        var log = new ConcurrentQueue<string>();

        var records = await PollAllAsync(new MuseumPoller(_http, verbose: log.Enqueue), Request(server.Url("objects")));

        Assert.Equal(3, records.Count);
        Assert.Contains(log, m => m.Contains("waiting 20 ms", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("30", 60, 30)]   // honoured
    [InlineData("3600", 10, 10)] // capped by MaxDelay
    public async Task PollAsync_RetryAfterSeconds_WaitsThatLongOnTheTimeProvider(string retryAfter, int maxDelaySeconds, int expectedSeconds)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var secondRequestAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Headers.RetryAfter = retryAfter;
                return;
            }
            secondRequestAt.TrySetResult(time.GetUtcNow());
            await ServeSinglePageAsync(ctx);
        });
        var retryLoggedAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new ConcurrentQueue<string>();
        var poller = new MuseumPoller(_http, time, m =>
        {
            log.Enqueue(m);
            if (m.StartsWith("retry", StringComparison.Ordinal)) retryLoggedAt.TrySetResult(time.GetUtcNow());
        });
        var request = Request(server.Url("objects"), resilience: new HttpResilienceOptions
        {
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromSeconds(maxDelaySeconds),
            AttemptTimeout = TimeSpan.FromDays(1),
        });

        var poll = PollAllAsync(poller, request);
        var retryAt = await retryLoggedAt.Task.WaitAsync(s_testTimeout);
        // Step fake time forward until the retry goes out; only then can the second request happen.
        while (!secondRequestAt.Task.IsCompleted && time.GetUtcNow() - retryAt < TimeSpan.FromSeconds(maxDelaySeconds * 3))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(secondRequestAt.Task, Task.Delay(2));
        }
        var records = await poll.WaitAsync(s_testTimeout);

        Assert.Equal(3, records.Count);
        Assert.Contains(log, m => m.Contains($"waiting {expectedSeconds * 1000} ms", StringComparison.Ordinal));
        var waited = await secondRequestAt.Task - retryAt;
        Assert.InRange(waited, TimeSpan.FromSeconds(expectedSeconds), TimeSpan.FromSeconds(expectedSeconds + 5));
    }

    // (f)
    [Fact]
    public async Task PollAsync_400_ThrowsPermanentErrorWithoutRetry()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 400;
            return Task.CompletedTask;
        });

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects?api_key=SECRET"), start: "stale")));

        Assert.Equal(400, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal("MuseumPollHttpError", ex.ErrorId);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(server.Requests[0].CorrelationId, ex.CorrelationId);
        Assert.Contains("400", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.CorrelationId!, ex.Message, StringComparison.Ordinal);
        Assert.Contains("api_key=***", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
        Assert.Contains("checkpoint", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task PollAsync_OtherClientErrors_NotRetried(int status)
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        });

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects"))));

        Assert.Equal(status, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_500Always_RetriedThenTransientError()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = 500;
            return Task.CompletedTask;
        });

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects"), resilience: Fast(retries: 2))));

        Assert.Equal(500, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Equal(3, server.RequestCount);
    }

    // (g)
    [Fact]
    public async Task PollAsync_BodyBreaksOffMidPage_PageReadAgainEveryLineOnce()
    {
        var firstOfPage2Seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var page2Requests = 0;
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (ctx.Request.Query["cursor"] != "c2")
            {
                ctx.Response.Headers["X-Next-Cursor"] = "c2";
                await TestApiServer.WriteLinesAsync(ctx, [Line("1"), Line("2")]);
                return;
            }
            string[] lines = [Line("3"), Line("4"), Line("5"), Line("6")];
            if (Interlocked.Increment(ref page2Requests) == 1)
            {
                await TestApiServer.WriteLinesAsync(ctx, lines[..2]);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                // Break off only once the client has consumed a record of this page, so the re-read must skip it.
                await firstOfPage2Seen.Task.WaitAsync(TimeSpan.FromSeconds(10), ctx.RequestAborted);
                ctx.Abort();
                return;
            }
            await TestApiServer.WriteLinesAsync(ctx, lines);
        });
        var log = new ConcurrentQueue<string>();

        var records = await PollAllAsync(new MuseumPoller(_http, verbose: log.Enqueue), Request(server.Url("objects")), r =>
        {
            if (r.ObjectId == "3") firstOfPage2Seen.TrySetResult();
        });

        Assert.Equal(["1", "2", "3", "4", "5", "6"], Ids(records));
        Assert.Equal([1, 2, 1, 2, 3, 4], records.Select(r => r.LineNumber));
        Assert.Equal([false, true, false, false, false, true], records.Select(r => r.EndOfPage));
        Assert.All(records.Skip(2), r => Assert.Equal("c2", r.Position));
        Assert.Equal(2, page2Requests);
        Assert.Equal(3, server.RequestCount);
        Assert.Equal(server.Requests[1].CorrelationId, server.Requests[2].CorrelationId);
        Assert.Contains(log, m => m.Contains("broke off", StringComparison.Ordinal));
    }

    /// <summary>Signals each time the poller has the response headers (it logs "GET … -> 200"), so a server aborts only after that.</summary>
    private static (SemaphoreSlim HeadersRead, Action<string> Verbose) HeadersSignal()
    {
        var headersRead = new SemaphoreSlim(0);
        return (headersRead, m =>
        {
            if (m.StartsWith("GET ", StringComparison.Ordinal)) headersRead.Release();
        });
    }

    [Fact]
    public async Task PollAsync_BodyBreaksOffMidLine_NoHalfLineReturned()
    {
        var (headersRead, verbose) = HeadersSignal();
        using var _ = headersRead;
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            string[] lines = [Line("1"), Line("2"), Line("3")];
            if (n == 1)
            {
                await ctx.Response.WriteAsync(lines[0] + "\n" + lines[1][..10], ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await headersRead.WaitAsync(TimeSpan.FromSeconds(10), ctx.RequestAborted);
                ctx.Abort();
                return;
            }
            await TestApiServer.WriteLinesAsync(ctx, lines);
        });

        var records = await PollAllAsync(new MuseumPoller(_http, verbose: verbose), Request(server.Url("objects")));

        Assert.Equal(["1", "2", "3"], Ids(records));
        Assert.All(records, r => Assert.True(r.IsValid));
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_BodyAlwaysBreaks_GivesUpAfterMaxBodyRetries()
    {
        var (headersRead, verbose) = HeadersSignal();
        using var _ = headersRead;
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            await ctx.Response.WriteAsync(Line("1") + "\n", ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            await headersRead.WaitAsync(TimeSpan.FromSeconds(10), ctx.RequestAborted);
            ctx.Abort();
        });

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(new MuseumPoller(_http, verbose: verbose), Request(server.Url("objects"), maxBodyRetries: 2)));

        Assert.Equal("MuseumPollBodyBroken", ex.ErrorId);
        Assert.True(ex.IsTransient);
        Assert.Equal(200, ex.StatusCode);
        Assert.Equal(3, server.RequestCount);
    }

    // (h)
    [Fact]
    public async Task PollAsync_200WithHtmlThenNdjson_RetriedThenSucceeds()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.ContentType = "text/html; charset=utf-8";
                await ctx.Response.WriteAsync("<html><body>Please wait…</body></html>", ctx.RequestAborted);
                return;
            }
            await ServeSinglePageAsync(ctx);
        });

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects")));

        Assert.Equal(["1", "2", "3"], Ids(records));
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_200WithHtmlAlways_TransientErrorNamesHtml()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/html";
            await ctx.Response.WriteAsync("<html></html>", ctx.RequestAborted);
        });

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects"), resilience: Fast(retries: 2))));

        Assert.True(ex.IsTransient);
        Assert.Equal(200, ex.StatusCode);
        Assert.Contains("HTML", ex.Message, StringComparison.Ordinal);
    }

    // (i)
    [Fact]
    public async Task PollAsync_MaxPages_StopsEarly()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeCursorPageAsync(ctx));

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects"), maxPages: 2));

        Assert.Equal(["1", "2", "3", "4"], Ids(records));
        Assert.Equal(2, server.RequestCount);
        Assert.True(records[^1].EndOfPage);
        Assert.Equal("c3", records[^1].ResumePosition); // the next run starts at page 3
    }

    // (j)
    [Fact]
    public async Task PollAsync_CancelledWhileServerDelaysHeaders_StopsPromptly()
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            requested.TrySetResult();
            await TestApiServer.HangAsync(ctx);
        });
        using var cts = new CancellationTokenSource();
        var poll = PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects")), cancellationToken: cts.Token);

        await requested.Task.WaitAsync(s_testTimeout);
        var cancelledAt = TimeProvider.System.GetTimestamp();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(TimeProvider.System.GetElapsedTime(cancelledAt) < TimeSpan.FromSeconds(2));
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_CancelledWhileBodyStalls_StopsPromptly()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            await TestApiServer.WriteLinesAsync(ctx, [Line("1"), Line("2")]);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            await TestApiServer.HangAsync(ctx);
        });
        using var cts = new CancellationTokenSource();
        var got = new List<string>();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects")), r =>
            {
                got.Add(r.ObjectId!);
                cts.Cancel();
            }, cts.Token).WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal(["1"], got);
        Assert.Equal(1, server.RequestCount); // a cancelled read is not a broken body: no re-read
    }

    [Fact]
    public async Task PollAsync_HeadersSlowerThanAttemptTimeout_RetriedThenUnreachable()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            await TestApiServer.HangAsync(ctx);
        });
        var resilience = Fast(retries: 1);
        resilience.AttemptTimeout = TimeSpan.FromMilliseconds(100);

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects"), resilience: resilience)));

        Assert.Equal("MuseumPollUnreachable", ex.ErrorId);
        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
        Assert.IsType<Polly.Timeout.TimeoutRejectedException>(ex.InnerException);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_BodyStallsLongerThanAttemptTimeout_PageReadAgainEachLineOnce()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            await TestApiServer.WriteLinesAsync(ctx, [Line("1")]);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            if (n == 1)
            {
                // The first answer stalls after one line; the client's idle timer gives up and reads the page again.
                await Task.Delay(TimeSpan.FromSeconds(5), ctx.RequestAborted);
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("2")]);
        });
        var resilience = Fast();
        resilience.AttemptTimeout = TimeSpan.FromMilliseconds(200);

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects"), resilience: resilience));

        Assert.Equal(["1", "2"], Ids(records));
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_NothingListening_TransientUnreachable()
    {
        int port;
        using (var probe = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(new MuseumPoller(_http), Request(new Uri($"http://127.0.0.1:{port}/objects"), resilience: Fast(retries: 1))));

        Assert.Equal("MuseumPollUnreachable", ex.ErrorId);
        Assert.True(ex.IsTransient);
        Assert.NotNull(ex.CorrelationId);
    }

    [Fact]
    public async Task PollAsync_InvalidLineMidPage_YieldedAsInvalidRecordAndPollingGoesOn()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) =>
            TestApiServer.WriteLinesAsync(ctx, [Line("1"), """{"ObjectID":"2","title":""}""", "{broken", "", Line("4")]));

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects")));

        Assert.Equal(4, records.Count);
        Assert.Equal([true, false, false, true], records.Select(r => r.IsValid));
        Assert.Equal("{broken", records[2].RawJson);
        Assert.Equal([1, 2, 3, 4], records.Select(r => r.LineNumber));
        Assert.True(records[3].EndOfPage);
    }

    [Fact]
    public async Task PollAsync_EmptyLastPage_NoRecordsNoError()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => Task.CompletedTask);

        var records = await PollAllAsync(new MuseumPoller(_http), Request(server.Url("objects")));

        Assert.Empty(records);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task PollAsync_InvalidRequest_ThrowsBeforeAnyRequest()
    {
        var poller = new MuseumPoller(_http);
        await Assert.ThrowsAsync<ArgumentException>(() => PollAllAsync(poller, Request(new Uri("/objects", UriKind.Relative))));
        await Assert.ThrowsAsync<ArgumentException>(() => PollAllAsync(poller, Request(new Uri("ftp://example.org/objects"))));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => PollAllAsync(poller, Request(new Uri("http://127.0.0.1/objects"), pageSize: 0)));
    }

    [Fact]
    public void PageUrl_Positions_MappedToUrls()
    {
        var request = new PollRequest { Uri = new Uri("https://api.example.org/objects?dept=3&cursor=old"), Source = "met", PageSize = 50 };

        Assert.Equal("https://api.example.org/objects?dept=3&limit=50", Pager.For(request, []).PageUrl(null).AbsoluteUri);
        Assert.Equal("https://api.example.org/objects?dept=3&cursor=c%2F2&limit=50", Pager.For(request, []).PageUrl("c/2").AbsoluteUri);
        Assert.Equal("https://other.example.org/p?page=2", Pager.For(request, []).PageUrl("https://other.example.org/p?page=2").AbsoluteUri);
        // A cursor that happens to parse as an absolute file URI on Unix is still a cursor.
        Assert.Equal("https://api.example.org/objects?dept=3&cursor=%2Fabc&limit=50", Pager.For(request, []).PageUrl("/abc").AbsoluteUri);

        var custom = new PollRequest { Uri = new Uri("https://api.example.org/objects"), Source = "met", PageSize = 7, CursorParameter = "after", LimitParameter = "per_page" };
        Assert.Equal("https://api.example.org/objects?after=x&per_page=7", Pager.For(custom, []).PageUrl("x").AbsoluteUri);
    }
}
