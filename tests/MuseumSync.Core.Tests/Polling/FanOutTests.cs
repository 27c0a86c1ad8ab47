using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MuseumSync.Paging;
using MuseumSync.Polling;
using MuseumSync.Profiles;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>ID fan-out: an id list, then one GET per id at bounded concurrency, records in id-list order.</summary>
public sealed class FanOutTests : IDisposable
{
    private readonly HttpClient _http = Client();
    private int _inFlight;
    private int _peak;

    public void Dispose() => _http.Dispose();

    private static string Ids(int from, int count) => string.Join(",", Enumerable.Range(from, count).Select(i => $"\"MS-{i:D4}\""));

    /// <summary>The bench's shape: /ids?cursor=&amp;limit= answers {"ids":[…],"next_cursor":…}; /assets/{id} one record.</summary>
    private async Task ServeAsync(HttpContext ctx, int total, Func<string, int, Task<bool>>? item = null, int attempt = 0)
    {
        if (ctx.Request.Path == "/ids")
        {
            var cursor = int.TryParse(ctx.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
            var limit = int.Parse(ctx.Request.Query["limit"].ToString(), CultureInfo.InvariantCulture);
            var end = Math.Min(total, cursor + limit);
            var next = end < total ? $"\"{end}\"" : "null";
            await WriteJsonAsync(ctx, $$"""{"ids":[{{Ids(cursor + 1, end - cursor)}}],"next_cursor":{{next}}}""");
            return;
        }
        var id = Uri.UnescapeDataString(ctx.Request.Path.Value!["/assets/".Length..]);
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _peak, now);
        try
        {
            await Task.Delay(Random.Shared.Next(0, 15));
            if (item is not null && !await item(id, attempt)) return;
            await WriteJsonAsync(ctx, Line(id));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static PollRequest Request(TestApiServer server, int pageSize = 10, int throttle = 4, string? start = null) => new()
    {
        Uri = server.Url("ids"),
        ItemUri = server.Url("assets/").AbsoluteUri + "{id}",
        Source = "demo",
        PageSize = pageSize,
        ThrottleLimit = throttle,
        StartPosition = start,
        Resilience = FastResilience(),
    };

    [Fact]
    public async Task PollAsync_IdsWithNextCursor_EveryIdFetchedInListOrderWithinTheThrottleLimit()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeAsync(ctx, 45));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server, pageSize: 10, throttle: 4));

        Assert.Equal(Enumerable.Range(1, 45).Select(i => $"MS-{i:D4}"), PollTestKit.Ids(records));
        Assert.InRange(_peak, 2, 4);
        Assert.Equal(Enumerable.Range(0, 45).Select(i => i % 10 == 9 || i == 44), records.Select(r => r.EndOfPage));
        Assert.True(records[^1].EndOfFeed);
        Assert.Equal(1, records.Count(r => r.EndOfFeed));
        Assert.Equal([null, "10", "20", "30", "40"], records.Where(r => r.LineNumber == 1).Select(r => r.Position));
        Assert.Equal("10", records[0].ResumePosition);
        Assert.Equal("40", records[^1].ResumePosition); // the last list page resumes on itself
        Assert.Equal(45, records.Select(r => r.CorrelationId).Distinct().Count()); // one correlation id per item request
        Assert.All(records, r => Assert.Contains("/assets/MS-", r.SourceUrl, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_IdAnswers404_DeadLetterWithAClearIssueAndTheRunGoesOn()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeAsync(ctx, 5, async (id, _) =>
        {
            if (id != "MS-0003") return true;
            await WriteJsonAsync(ctx, "{\"error\":\"not found\"}", 404);
            return false;
        }));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server));

        Assert.Equal(5, records.Count);
        var missing = records[2];
        Assert.False(missing.IsValid);
        Assert.Equal("MS-0003", missing.ObjectId);
        Assert.Equal("http-404", Assert.Single(missing.Issues).Rule);
        Assert.Contains("404", missing.Issues[0].Message, StringComparison.Ordinal);
        Assert.Contains(missing.CorrelationId!, missing.Issues[0].Message, StringComparison.Ordinal);
        Assert.Equal("{\"id\":\"MS-0003\",\"status\":404}", missing.RawJson);
    }

    [Fact]
    public async Task PollAsync_ItemBodyDroppedMidway_FetchedAgainAndReturnedOnce()
    {
        var attempts = 0;
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeAsync(ctx, 6, async (id, _) =>
        {
            if (id != "MS-0004" || Interlocked.Increment(ref attempts) > 1) return true;
            await WriteHalfAndDropAsync(ctx, Line(id) + new string(' ', 4000), "application/json");
            return false;
        }));
        var poller = Poller(_http, new InstantTime());

        var records = await PollAllAsync(poller, Request(server));

        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"MS-{i:D4}"), PollTestKit.Ids(records));
        Assert.All(records, r => Assert.True(r.IsValid));
        Assert.Equal(2, attempts);
        Assert.Equal(1, poller.Statistics.BodyBreaks);
    }

    [Fact]
    public async Task PollAsync_MetShapeOneListForEverything_CheckpointedEveryPageSizeIdsAndResumable()
    {
        var department = await File.ReadAllTextAsync(Path.Combine(TestPaths.SharedDirectory!, "fixtures", "api", "met-collection-api", "department3.json"));
        var objectJson = await File.ReadAllTextAsync(Path.Combine(TestPaths.SharedDirectory!, "fixtures", "api", "met-collection-api", "object321412.json"));
        var allIds = JsonDocument.Parse(department).RootElement.GetProperty("objectIDs").EnumerateArray().Take(25).Select(e => e.GetInt32()).ToArray();
        var list = JsonSerializer.Serialize(new { total = allIds.Length, objectIDs = allIds });
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (ctx.Request.Path == "/public/collection/v1/objects")
            {
                await WriteJsonAsync(ctx, list);
                return;
            }
            var id = ctx.Request.Path.Value!.Split('/')[^1];
            await WriteJsonAsync(ctx, objectJson.Replace("321412", id, StringComparison.Ordinal));
        });
        var met = SourceProfiles.Met;
        PollRequest MetRequest(string? start) => new()
        {
            Uri = server.Url("public/collection/v1/objects"),
            ItemUri = server.Url("public/collection/v1/objects/").AbsoluteUri + "{id}",
            Source = "met",
            PageSize = 10,
            LimitParameter = met.LimitParameter,
            ItemsPath = met.ItemsPath,
            FieldMap = met.FieldMap,
            StartPosition = start,
            Resilience = FastResilience(),
        };

        var records = await PollAllAsync(Poller(_http, new InstantTime()), MetRequest(null));

        Assert.Equal(allIds.Select(i => i.ToString(CultureInfo.InvariantCulture)), PollTestKit.Ids(records));
        Assert.All(records, r => Assert.True(r.IsValid, string.Join("; ", r.Issues)));
        Assert.Equal("74.51.4312", records[0].AccessionNumber);
        Assert.Equal("https://creativecommons.org/publicdomain/zero/1.0/", records[0].RightsStatement);
        Assert.Equal([null, "#skip=10", "#skip=20"], records.Where(r => r.LineNumber == 1).Select(r => r.Position));
        Assert.Equal("#skip=10", records[9].ResumePosition);
        Assert.True(records[9].EndOfPage);
        Assert.Equal("/public/collection/v1/objects", server.Requests[0].PathAndQuery); // The Met takes no page size

        // A run killed after the first chunk resumes from its checkpoint: the list is read again, the first 10 ids skipped.
        var resumed = await PollAllAsync(Poller(_http, new InstantTime()), MetRequest(records[9].ResumePosition));
        Assert.Equal(allIds.Skip(10).Select(i => i.ToString(CultureInfo.InvariantCulture)), PollTestKit.Ids(resumed));
    }

    [Fact]
    public async Task PollAsync_DuplicateIdsInAChunk_FetchedOnce()
    {
        var fetched = 0;
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (ctx.Request.Path == "/ids")
            {
                await WriteJsonAsync(ctx, """{"ids":["a","b","a","c"],"next_cursor":null}""");
                return;
            }
            Interlocked.Increment(ref fetched);
            await WriteJsonAsync(ctx, Line(ctx.Request.Path.Value!["/assets/".Length..]));
        });

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server));

        Assert.Equal(["a", "b", "c"], PollTestKit.Ids(records));
        Assert.Equal(3, fetched);
        Assert.True(records[^1].EndOfPage);
    }

    [Fact]
    public async Task PollAsync_CancelledMidChunk_StopsPromptlyAndAbandonsTheRequestsInFlight()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (ctx.Request.Path == "/ids")
            {
                await WriteJsonAsync(ctx, $$"""{"ids":[{{Ids(1, 50)}}],"next_cursor":null}""");
                return;
            }
            if (ctx.Request.Path.Value!.EndsWith("MS-0001", StringComparison.Ordinal))
            {
                await WriteJsonAsync(ctx, Line("MS-0001"));
                return;
            }
            await TestApiServer.HangAsync(ctx);
        });
        using var cts = new CancellationTokenSource();
        var got = new List<string>();
        var started = TimeProvider.System.GetTimestamp();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var r in Poller(_http, new InstantTime()).PollAsync(Request(server, pageSize: 50), cts.Token))
            {
                got.Add(r.ObjectId!);
                await cts.CancelAsync();
            }
        });

        Assert.Equal(["MS-0001"], got);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void FanOutPosition_RoundTrips()
    {
        Assert.Equal((null, 0), FanOutPosition.Parse(null));
        Assert.Equal(("c9", 0), FanOutPosition.Parse("c9"));
        Assert.Equal(("c9", 500), FanOutPosition.Parse(FanOutPosition.Format("c9", 500)));
        Assert.Equal((null, 20), FanOutPosition.Parse(FanOutPosition.Format(null, 20)));
        Assert.Equal("c9", FanOutPosition.Format("c9", 0));
    }
}
