using System.Globalization;
using System.Text.Json;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Paging;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Paging;

/// <summary>
/// Result-window caps: the Art Institute of Chicago's search answers 403 {"error":"Invalid number of results"} past 1,000
/// results (art-institute-of-chicago/api-data#5); the Rijksmuseum's old API stopped at page × size 10,000. The query is
/// split into id ranges until each part fits.
/// </summary>
public sealed class RangeSplitPagerTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    /// <summary>AIC's refusal past its window, as its API answers it (art-institute-of-chicago/api-data#5).</summary>
    private const string AicRefusal = """{"status":403,"error":"Invalid number of results","detail":"You have requested too many results. Please refine your parameters."}""";

    /// <summary>A search over ids 1..<paramref name="count"/> (every third missing) that refuses like AIC past <paramref name="window"/> results.</summary>
    private static Task<TestApiServer> CappedSearch(int count, int window, List<string> refusals, bool pageNumbers, string refusal = AicRefusal) =>
        TestApiServer.StartAsync(async (ctx, _) =>
        {
            var q = ctx.Request.Query;
            long Get(string name, long fallback) => long.TryParse(q[name].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;
            var limit = Get("limit", 10);
            var offset = pageNumbers ? (Get("page", 1) - 1) * limit : Get("offset", 0);
            var ids = Enumerable.Range(1, count).Where(i => i % 3 != 0)
                .Where(i => i >= Get("query[range][id][gte]", 0) && i <= Get("query[range][id][lte]", long.MaxValue)).ToList();
            if (offset + limit > window)
            {
                lock (refusals) refusals.Add(ctx.Request.QueryString.Value!);
                await WriteJsonAsync(ctx, refusal, 403);
                return;
            }
            var data = ids.Skip((int)offset).Take((int)limit).Select(i => new { ObjectID = i.ToString(CultureInfo.InvariantCulture), title = "Artwork " + i });
            await WriteJsonAsync(ctx, JsonSerializer.Serialize(new { pagination = new { total = ids.Count }, data }));
        });

    private static PollRequest Request(TestApiServer server, PagingStyle paging, long? window) => new()
    {
        Uri = server.Url("api/v1/artworks/search"),
        Source = "aic",
        Paging = paging,
        PageSize = 10,
        ItemsPath = "data",
        TotalPath = "pagination.total",
        ResultWindow = window,
        RangeFromParameter = "query[range][id][gte]",
        RangeToParameter = "query[range][id][lte]",
        RangeStart = 0,
        RangeEnd = 319,
        Resilience = FastResilience(retries: 0),
    };

    [Theory]
    [InlineData(PagingStyle.PageNumber)]
    [InlineData(PagingStyle.Offset)]
    public async Task PollAsync_MoreResultsThanTheWindow_SplitIntoIdRangesAndEveryRecordRead(PagingStyle paging)
    {
        var refusals = new List<string>();
        await using var server = await CappedSearch(300, 40, refusals, paging == PagingStyle.PageNumber);
        var log = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log), Request(server, paging, 40));

        var expected = Enumerable.Range(1, 300).Where(i => i % 3 != 0).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Equal(expected, Ids(records).ToHashSet());
        Assert.Empty(refusals);
        Assert.Contains(log, m => m.StartsWith("result window: the ids 0-319 (query[range][id][gte]/query[range][id][lte]) holds 200 records, more than the 40", StringComparison.Ordinal) && m.EndsWith("split into 0-159 and 160-319", StringComparison.Ordinal));
        Assert.True(records[^1].EndOfFeed);
        Assert.Equal(1, records.Count(r => r.EndOfFeed));
    }

    [Fact]
    public async Task PollAsync_WithoutTheWindow_TheServerRefusesPastIt()
    {
        // What the split prevents: the same server refuses the plain query (no window, no id range to split by) at its 5th page.
        var refusals = new List<string>();
        await using var server = await CappedSearch(300, 40, refusals, pageNumbers: true);
        var plain = new PollRequest
        {
            Uri = server.Url("api/v1/artworks/search"), Source = "aic", Paging = PagingStyle.PageNumber, PageSize = 10, ItemsPath = "data", TotalPath = "pagination.total",
            Resilience = FastResilience(retries: 0),
        };

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), plain));

        Assert.Equal(403, ex.StatusCode);
        Assert.Single(refusals);
    }

    /// <summary>
    /// Issue #17: the cap learned from the server's own answer. This server declares its window nowhere but in the body of
    /// its 403 ("Invalid number of results", as AIC answers, art-institute-of-chicago/api-data#5); no window is configured,
    /// or a larger one than the server's. The refusal splits the query like a declared window does, and every record is read.
    /// </summary>
    [Theory]
    [InlineData(PagingStyle.PageNumber, null)]
    [InlineData(PagingStyle.Offset, null)]
    [InlineData(PagingStyle.PageNumber, 100L)]
    public async Task PollAsync_WindowSaidOnlyInThe403Body_SplitIntoIdRangesAndEveryRecordRead(PagingStyle paging, long? declared)
    {
        var refusals = new List<string>();
        await using var server = await CappedSearch(300, 40, refusals, paging == PagingStyle.PageNumber);
        var log = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log), Request(server, paging, declared));

        var expected = Enumerable.Range(1, 300).Where(i => i % 3 != 0).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Equal(expected, Ids(records).ToHashSet());
        Assert.Single(refusals); // once learned, the window splits by the totals the pages report, as a declared one does
        // Without a declared window the whole range is the one refused; a declared 100 first splits 0-319 by its total (200).
        var refusedRange = declared is null ? "0-319" : "0-79";
        Assert.Contains(log, m => m.StartsWith($"result window: the ids {refusedRange} (query[range][id][gte]/query[range][id][lte]) reaches past it (the server refused result 41 on: {{\"status\":403,\"error\":\"Invalid number of results\"", StringComparison.Ordinal)
            && m.Contains("more than the 40 results one query may reach; split into ", StringComparison.Ordinal));
        Assert.True(records[^1].EndOfFeed);
        Assert.Equal(1, records.Count(r => r.EndOfFeed));
        Assert.All(records, r => Assert.True(r.IsValid));
    }

    [Fact]
    public async Task PollAsync_Another403_IsStillARefusalOfAccess()
    {
        var refusals = new List<string>();
        await using var server = await CappedSearch(300, 40, refusals, pageNumbers: true, """{"status":403,"error":"Invalid API key"}""");

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server, PagingStyle.PageNumber, null)));

        Assert.Equal(403, ex.StatusCode);
        Assert.Equal("MuseumPollHttpError", ex.ErrorId);
        Assert.Contains("check the credentials", ex.Message, StringComparison.Ordinal);
        Assert.Single(refusals);
    }

    [Fact]
    public async Task PollAsync_FirstPageOfARangeRefused_SaysToLowerThePageSize()
    {
        var refusals = new List<string>();
        await using var server = await CappedSearch(300, 5, refusals, pageNumbers: true);

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server, PagingStyle.PageNumber, null)));

        Assert.Equal(403, ex.StatusCode);
        Assert.Contains("Lower -PageSize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ids 0-319", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_ResumedFromASplitPosition_GoesOnWithThePendingRanges()
    {
        var refusals = new List<string>();
        await using var server = await CappedSearch(300, 40, refusals, pageNumbers: true);

        var records = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest
        {
            Uri = server.Url("api/v1/artworks/search"), Source = "aic", Paging = PagingStyle.PageNumber, PageSize = 10, ItemsPath = "data", TotalPath = "pagination.total",
            ResultWindow = 40, RangeFromParameter = "query[range][id][gte]", RangeToParameter = "query[range][id][lte]", RangeEnd = 1023,
            StartPosition = "r:256:287:2:288-299", Resilience = FastResilience(retries: 0),
        });

        // The range 256-287 from its page 2 (its first 10 records were committed), then the pending 288-299.
        var ids = Ids(records).Select(i => int.Parse(i, CultureInfo.InvariantCulture)).ToList();
        Assert.All(ids, i => Assert.InRange(i, 256, 299));
        Assert.Equal(Enumerable.Range(288, 12).Where(i => i % 3 != 0), ids.Where(i => i >= 288));
        Assert.Equal(Enumerable.Range(256, 32).Where(i => i % 3 != 0).Skip(10), ids.Where(i => i < 288));
        Assert.Empty(refusals);
    }

    [Fact]
    public void Validate_WindowWithoutRange_SaysWhatIsMissing()
    {
        var request = new PollRequest { Uri = new Uri("https://api.example.org/search"), Source = "s", Paging = PagingStyle.Offset, PageSize = 10, ResultWindow = 100 };

        var ex = Assert.Throws<ArgumentException>(request.Validate);

        Assert.Contains("RangeFromParameter", ex.Message, StringComparison.Ordinal);
    }
}
