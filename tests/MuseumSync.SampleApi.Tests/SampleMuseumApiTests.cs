using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace MuseumSync.SampleApi.Tests;

public sealed class SampleMuseumApiTests
{
    private static Task<SampleMuseumApi> StartSmallAsync(int records = 57, TimeSpan latency = default) =>
        SampleMuseumApi.StartAsync(new SampleApiOptions
        {
            RecordCount = records,
            Seed = 11,
            DefaultPageSize = 10,
            MaxPageSize = 50,
            PageLatency = latency,
        });

    private static async Task<List<string>> ReadLinesAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Length == 0 || body.EndsWith('\n'), "every line must end with \\n");
        return body.Length == 0 ? [] : [.. body[..^1].Split('\n')];
    }

    [Fact]
    public async Task StartAsync_PortZero_BindsLoopbackWithTrailingSlash()
    {
        await using var api = await StartSmallAsync();

        Assert.Equal("127.0.0.1", api.BaseAddress.Host);
        Assert.NotEqual(0, api.BaseAddress.Port);
        Assert.EndsWith("/", api.BaseAddress.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(new Uri(api.BaseAddress, "objects"), api.ObjectsUri);
        Assert.Equal(57, api.Collection.Lines.Count);
    }

    [Fact]
    public async Task GetHealth_Running_ReturnsOk()
    {
        await using var api = await StartSmallAsync();
        using var client = new HttpClient();

        var body = await client.GetStringAsync(new Uri(api.BaseAddress, "health"));

        Assert.Equal("ok", body);
    }

    [Fact]
    public async Task GetObjects_PagingThroughAllPages_CollectsExactlyLinesInOrder()
    {
        await using var api = await StartSmallAsync(records: 57);
        using var client = new HttpClient();
        var collected = new List<string>();
        var next = new Uri(api.ObjectsUri + "?limit=10");
        var pages = 0;

        while (true)
        {
            using var response = await client.GetAsync(next);
            pages++;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
            Assert.Equal("57", Assert.Single(response.Headers.GetValues("X-Total-Count")));
            collected.AddRange(await ReadLinesAsync(response));

            var hasCursor = response.Headers.TryGetValues("X-Next-Cursor", out var cursors);
            var hasLink = response.Headers.TryGetValues("Link", out var links);
            Assert.Equal(hasCursor, hasLink);
            if (!hasCursor)
            {
                break;
            }

            var cursor = Assert.Single(cursors!);
            var link = Assert.Single(links!);
            var expectedTarget = $"{api.ObjectsUri}?cursor={cursor}&limit=10";
            Assert.Equal($"<{expectedTarget}>; rel=\"next\"", link);
            next = new Uri(expectedTarget);
            Assert.True(pages < 20, "paging did not terminate");
        }

        Assert.Equal(6, pages);
        Assert.Equal(api.Collection.Lines, collected);
    }

    [Fact]
    public async Task GetObjects_NoLimit_UsesDefaultPageSize()
    {
        await using var api = await StartSmallAsync();
        using var client = new HttpClient();

        using var response = await client.GetAsync(api.ObjectsUri);

        Assert.Equal(api.Collection.Lines.Take(10), await ReadLinesAsync(response));
        Assert.Contains("&limit=10>", Assert.Single(response.Headers.GetValues("Link")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetObjects_ExactLastPage_HasNoNextCursorOrLink()
    {
        await using var api = await StartSmallAsync(records: 20);
        using var client = new HttpClient();

        using var first = await client.GetAsync(new Uri(api.ObjectsUri + "?limit=10"));
        var cursor = Assert.Single(first.Headers.GetValues("X-Next-Cursor"));
        using var last = await client.GetAsync(new Uri($"{api.ObjectsUri}?cursor={cursor}&limit=10"));

        Assert.Equal(api.Collection.Lines.Skip(10), await ReadLinesAsync(last));
        Assert.False(last.Headers.Contains("X-Next-Cursor"));
        Assert.False(last.Headers.Contains("Link"));
    }

    [Fact]
    public async Task GetObjects_CursorPastEnd_ReturnsEmptyPageWithoutNext()
    {
        await using var api = await StartSmallAsync(records: 20);
        using var client = new HttpClient();
        var pastEnd = SampleCursor.Encode(25, 11);

        using var response = await client.GetAsync(new Uri($"{api.ObjectsUri}?cursor={pastEnd}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await ReadLinesAsync(response));
        Assert.False(response.Headers.Contains("X-Next-Cursor"));
        Assert.False(response.Headers.Contains("Link"));
    }

    [Fact]
    public async Task GetObjects_TamperedCursor_Returns400()
    {
        await using var api = await StartSmallAsync();
        using var client = new HttpClient();
        using var first = await client.GetAsync(api.ObjectsUri);
        var cursor = Assert.Single(first.Headers.GetValues("X-Next-Cursor"));
        var decoded = Encoding.ASCII.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(cursor));
        var tampered = System.Buffers.Text.Base64Url.EncodeToString(Encoding.ASCII.GetBytes(decoded.Replace("o:10:", "o:20:", StringComparison.Ordinal)));
        var otherSeed = SampleCursor.Encode(10, 12);

        foreach (var bad in new[] { tampered, otherSeed, "not-a-cursor", cursor + "A" })
        {
            using var response = await client.GetAsync(new Uri($"{api.ObjectsUri}?cursor={bad}"));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("invalid cursor", error.RootElement.GetProperty("error").GetString());
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    [InlineData("-5")]
    [InlineData("ten")]
    public async Task GetObjects_LimitOutOfRange_Returns400(string limit)
    {
        await using var api = await StartSmallAsync();
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri($"{api.ObjectsUri}?limit={limit}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid limit", error.RootElement.GetProperty("error").GetString());
        Assert.Equal(0, api.PagesServed);
    }

    [Fact]
    public async Task Counters_AfterPagingAndErrors_CountCompletedPagesOnly()
    {
        await using var api = await StartSmallAsync(records: 25);
        using var client = new HttpClient();

        using (await client.GetAsync(new Uri(api.BaseAddress, "health")))
        {
        }

        using (await client.GetAsync(new Uri(api.ObjectsUri + "?limit=0")))
        {
        }

        var next = new Uri(api.ObjectsUri + "?limit=10");
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(next);
            await response.Content.ReadAsStringAsync();
            if (response.Headers.TryGetValues("X-Next-Cursor", out var cursors))
            {
                next = new Uri($"{api.ObjectsUri}?cursor={cursors.Single()}&limit=10");
            }
        }

        Assert.Equal(3, api.PagesServed);
        Assert.Equal(25, api.RecordsServed);
        Assert.Equal(5, api.Requests);
    }

    [Fact]
    public async Task GetObjects_WithPageLatency_DelaysEachPage()
    {
        await using var api = await StartSmallAsync(latency: TimeSpan.FromMilliseconds(150));
        using var client = new HttpClient();
        var stopwatch = Stopwatch.StartNew();

        using var response = await client.GetAsync(api.ObjectsUri);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(140), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task GetObjects_LargePage_StreamsAllLines()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 3000, MaxPageSize = 5000 });
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri(api.ObjectsUri + "?limit=5000"));

        Assert.Equal(api.Collection.Lines, await ReadLinesAsync(response));
        Assert.Equal(1, api.PagesServed);
        Assert.Equal(3000, api.RecordsServed);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => SampleMuseumApi.StartAsync(new SampleApiOptions { DefaultPageSize = 10, MaxPageSize = 5 }));
    }
}
