using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MuseumSync.Auth;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Paging;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Paging;

/// <summary>Every paging style and format against real Kestrel servers: positions, resume positions, end marks.</summary>
public sealed class PagingStylesTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static string Obj(string id) => $$"""{"ObjectID":"{{id}}","title":"Object {{id}}"}""";

    private static string Items(IEnumerable<string> ids) => "[" + string.Join(",", ids.Select(Obj)) + "]";

    private static int Int(HttpContext ctx, string name, int fallback) =>
        int.TryParse(ctx.Request.Query[name].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    private static PollRequest Request(Uri uri, PagingStyle paging = PagingStyle.Auto, int pageSize = 2, string? start = null) =>
        new() { Uri = uri, Source = "s", PageSize = pageSize, Paging = paging, StartPosition = start, Resilience = FastResilience() };

    private async Task<List<MuseumRecord>> Poll(PollRequest request) => await PollAllAsync(Poller(_http, new InstantTime()), request);

    [Fact]
    public async Task BodyNextUrlBeforeData_AicShape_FollowedAndEveryRecordKnowsTheNextPage()
    {
        TestApiServer? self = null;
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = Int(ctx, "page", 1);
            var next = page < 3 ? $"\"{self!.BaseUri}artworks?page={page + 1}&limit=2\"" : "null";
            await WriteJsonAsync(ctx, $$"""{"pagination":{"total":6,"limit":2,"offset":{{(page - 1) * 2}},"total_pages":3,"current_page":{{page}},"next_url":{{next}} },"data":{{Items([$"{page}a", $"{page}b"])}},"info":{"version":"1.1"} }""");
        });
        self = server;

        var records = await Poll(Request(server.Url("artworks")));

        Assert.Equal(["1a", "1b", "2a", "2b", "3a", "3b"], Ids(records));
        var p2 = server.Url("artworks?page=2&limit=2").AbsoluteUri;
        var p3 = server.Url("artworks?page=3&limit=2").AbsoluteUri;
        Assert.Equal([p2, p2, p3, p3, p3, p3], records.Select(r => r.ResumePosition));
        Assert.Equal([null, null, p2, p2, p3, p3], records.Select(r => r.Position));
        Assert.Equal([false, true, false, true, false, true], records.Select(r => r.EndOfPage));
        Assert.Equal([false, false, false, false, false, true], records.Select(r => r.EndOfFeed));
    }

    [Fact]
    public async Task BodyCursorAfterData_BenchShape_ReadIncrementallyAndCursorKnownToEveryRecord()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var cursor = Int(ctx, "cursor", 0);
            var next = cursor < 4 ? $"\"{cursor + 2}\"" : "null";
            await WriteJsonAsync(ctx, $$"""{"data":{{Items([$"{cursor}", $"{cursor + 1}"])}},"pagination":{"next_cursor":{{next}},"next_url":null,"total":6} }""");
        });

        var records = await Poll(Request(server.Url("objects.json"), PagingStyle.BodyCursor));

        Assert.Equal(["0", "1", "2", "3", "4", "5"], Ids(records));
        Assert.Equal(["2", "2", "4", "4", "4", "4"], records.Select(r => r.ResumePosition));
        Assert.Equal([null, "2", "4"], server.Requests.Select(r => r.Cursor));
    }

    [Fact]
    public async Task InfoNext_HarvardShapeWithApiKeyInNextUrl_KeyNeverStoredInPositions()
    {
        TestApiServer? self = null;
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            Assert.Equal("K3Y", ctx.Request.Query["apikey"].ToString());
            var page = Int(ctx, "page", 1);
            var next = page < 2 ? $",\"next\":\"{self!.BaseUri}object?apikey=K3Y&page={page + 1}\"" : string.Empty;
            await WriteJsonAsync(ctx, $$"""{"info":{"totalrecordsperquery":2,"totalrecords":4,"pages":2,"page":{{page}}{{next}}},"records":{{Items([$"{page}a", $"{page}b"])}}}""");
        });
        self = server;
        var request = new PollRequest
        {
            Uri = server.Url("object"),
            Source = "harvard",
            PageSize = 2,
            Resilience = FastResilience(),
            Authenticator = new ApiKeyAuthenticator(Secret.FromPlainText("K3Y"), "apikey", ApiKeyLocation.Query),
        };

        var records = await Poll(request);

        Assert.Equal(["1a", "1b", "2a", "2b"], Ids(records));
        Assert.All(records, r => Assert.DoesNotContain("K3Y", (r.Position ?? string.Empty) + r.ResumePosition + r.SourceUrl, StringComparison.Ordinal));
        Assert.Equal(server.Url("object?page=2").AbsoluteUri, records[2].Position);
    }

    [Fact]
    public async Task TopLevelNextCursor_Followed()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var c = ctx.Request.Query["cursor"].ToString();
            await WriteJsonAsync(ctx, c == "" ? $$"""{"items":{{Items(["a"])}},"next_cursor":"n2"}""" : $$"""{"items":{{Items(["b"])}},"next_cursor":null}""");
        });

        var records = await Poll(Request(server.Url("x")));

        Assert.Equal(["a", "b"], Ids(records));
        Assert.True(records[1].EndOfFeed);
    }

    [Fact]
    public async Task PageNumberWithTotalPages_StopsAtTheTotal()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = Int(ctx, "page", 1);
            Assert.Equal("2", ctx.Request.Query["per_page"].ToString());
            await WriteJsonAsync(ctx, $$"""{"stat":"ok","page":{{page}},"pages":2,"objects":{{Items([$"{page}a", $"{page}b"])}}}""");
        });
        var request = new PollRequest { Uri = server.Url("rest"), Source = "s", PageSize = 2, Paging = PagingStyle.PageNumber, LimitParameter = "per_page", TotalPagesPath = "pages", Resilience = FastResilience() };

        var records = await Poll(request);

        Assert.Equal(["1a", "1b", "2a", "2b"], Ids(records));
        Assert.Equal(2, server.RequestCount);
        Assert.Equal(["2", "2", "2", "2"], records.Select(r => r.ResumePosition));
        Assert.True(records[^1].EndOfFeed);
    }

    [Fact]
    public async Task PageNumberNdjsonWithoutTotal_ShortPageIsTheLastAndResumesOnItself()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = Int(ctx, "page", 1);
            var ids = page < 3 ? new[] { $"{page}a", $"{page}b" } : new[] { $"{page}a" };
            await TestApiServer.WriteLinesAsync(ctx, ids.Select(Obj));
        });

        var records = await Poll(Request(server.Url("objects"), PagingStyle.PageNumber));

        Assert.Equal(["1a", "1b", "2a", "2b", "3a"], Ids(records));
        Assert.Equal(["2", "2", "3", "3", "3"], records.Select(r => r.ResumePosition));
        Assert.Equal([null, null, "2", "2", "3"], records.Select(r => r.Position));
        Assert.True(records[^1].EndOfFeed);
        Assert.Equal(3, server.RequestCount);
    }

    [Fact]
    public async Task OffsetWithTotalInNestedEnvelope_SmithsonianShape()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var start = Int(ctx, "start", 0);
            var rows = Enumerable.Range(start, Math.Min(2, 5 - start)).Select(i => i.ToString(CultureInfo.InvariantCulture));
            await WriteJsonAsync(ctx, $$"""{"status":200,"responseCode":1,"response":{"rows":{{Items(rows)}},"rowCount":5,"message":"content found"} }""");
        });
        var request = new PollRequest
        {
            Uri = server.Url("search?q=x"), Source = "si", PageSize = 2, Paging = PagingStyle.Offset, OffsetParameter = "start", LimitParameter = "rows",
            ItemsPath = "response.rows", TotalPath = "response.rowCount", Resilience = FastResilience(),
        };

        var records = await Poll(request);

        Assert.Equal(["0", "1", "2", "3", "4"], Ids(records));
        Assert.Equal(["2", "2", "4", "4", "4"], records.Select(r => r.ResumePosition));
        Assert.Equal(3, server.RequestCount);
        Assert.All(server.Requests, r => Assert.Contains("q=x", r.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TopLevelJsonArrayWithLinkNext_StreamedAcrossPages()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = Int(ctx, "page", 1);
            if (page < 2) ctx.Response.Headers.Link = "</objects?page=2>; rel=\"next\"";
            await WriteJsonAsync(ctx, Items([$"{page}a", $"{page}b"]));
        });

        var records = await Poll(Request(server.Url("objects"), PagingStyle.LinkHeader));

        Assert.Equal(["1a", "1b", "2a", "2b"], Ids(records));
    }

    [Fact]
    public async Task StartPosition_PageNumberResumesThere()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = Int(ctx, "page", 1);
            await WriteJsonAsync(ctx, $$"""{"pagination":{"total_pages":4},"data":{{Items([$"{page}a", $"{page}b"])}}}""");
        });

        var records = await Poll(Request(server.Url("artworks"), PagingStyle.PageNumber, start: "3"));

        Assert.Equal(["3a", "3b", "4a", "4b"], Ids(records));
        Assert.Equal("3", records[0].Position);
    }

    [Fact]
    public async Task EnvelopeBodyCutMidPage_PageReadAgainAndNothingHalfReturned()
    {
        var body = $$"""{"data":{{Items(["1", "2", "3", "4"])}},"pagination":{"next_cursor":null} }""";
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                await WriteHalfAndDropAsync(ctx, body, "application/json");
                return;
            }
            await WriteJsonAsync(ctx, body);
        });
        var poller = Poller(_http, new InstantTime());

        var records = await PollAllAsync(poller, Request(server.Url("objects.json")));

        Assert.Equal(["1", "2", "3", "4"], Ids(records));
        Assert.Equal(1, poller.Statistics.BodyBreaks);
    }

    [Fact]
    public async Task TopLevelArrayCutMidPage_ReadAgainSkippingWhatWasReturned()
    {
        var body = Items(Enumerable.Range(1, 200).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                await WriteHalfAndDropAsync(ctx, body, "application/json");
                return;
            }
            await WriteJsonAsync(ctx, body);
        });

        var records = await Poll(Request(server.Url("objects"), pageSize: 500));

        Assert.Equal(Enumerable.Range(1, 200).Select(i => i.ToString(CultureInfo.InvariantCulture)), Ids(records));
        Assert.Equal(Enumerable.Range(1, 200), records.Select(r => r.LineNumber));
    }

    [Fact]
    public async Task MalformedJsonArray_RestOfThePageIsOneDeadLetterAndTheRunGoesOn()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await WriteJsonAsync(ctx, "[" + Obj("1") + "," + Obj("2") + ",{\"ObjectID\": }, " + Obj("4") + "]"));

        var records = await Poll(Request(server.Url("objects")));

        Assert.Equal(3, records.Count);
        Assert.Equal([true, true, false], records.Select(r => r.IsValid));
        Assert.Contains("not valid", records[2].Issues[0].Message, StringComparison.Ordinal);
        Assert.True(records[2].EndOfPage);
        Assert.True(records[2].EndOfFeed);
    }

    [Fact]
    public async Task EnvelopeWithMalformedLinesAsStrings_EachIsAnInvalidRecordWithItsText()
    {
        var broken = """{"ObjectID":"MS-3","title":"Cut""";
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
            await WriteJsonAsync(ctx, $$"""{"data":[{{Obj("1")}},{{JsonSerializer.Serialize(broken)}}],"pagination":{"next_cursor":null} }"""));

        var records = await Poll(Request(server.Url("objects.json")));

        Assert.Equal([true, false], records.Select(r => r.IsValid));
        Assert.Equal(broken, records[1].RawJson);
    }

    [Fact]
    public async Task SingleObjectAnswer_IsOneRecord()
    {
        var met = await File.ReadAllTextAsync(Path.Combine(TestPaths.SharedDirectory!, "fixtures", "api", "met-collection-api", "object321412.json"));
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await WriteJsonAsync(ctx, met));
        var request = new PollRequest { Uri = server.Url("objects/321412"), Source = "met", FieldMap = MuseumSync.Profiles.SourceProfiles.Met.FieldMap, Resilience = FastResilience() };

        var record = Assert.Single(await Poll(request));

        Assert.Equal("321412", record.ObjectId);
        Assert.True(record.IsValid, string.Join("; ", record.Issues));
    }

    [Fact]
    public async Task NdjsonServedAsApplicationJson_Detected()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await WriteJsonAsync(ctx, Obj("1") + "\n" + Obj("2") + "\n"));

        var records = await Poll(Request(server.Url("objects")));

        Assert.Equal(["1", "2"], Ids(records));
    }

    [Fact]
    public async Task EnvelopeReadAcrossManyBufferRefills_EscapesAndUnicodeKept()
    {
        var titles = Enumerable.Range(0, 3000).Select(i => $"Tïtle \"{i}\" \\ \u00e9\u4e2d {new string('x', i % 97)}").ToArray();
        var data = string.Join(",", titles.Select((t, i) => JsonSerializer.Serialize(new { ObjectID = i.ToString(CultureInfo.InvariantCulture), title = t })));
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            ctx.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes($$"""{"data":[{{data}}],"pagination":{"next_cursor":null} }""");
            for (var i = 0; i < bytes.Length; i += 777)
            {
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(i, Math.Min(777, bytes.Length - i)));
                await ctx.Response.Body.FlushAsync();
            }
        });

        var records = await Poll(Request(server.Url("objects.json"), pageSize: 5000));

        Assert.Equal(titles, records.Select(r => r.Title));
        Assert.Equal(3000, records[^1].LineNumber);
    }
}
