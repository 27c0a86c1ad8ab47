using System.Xml.Linq;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Paging;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Oai;

/// <summary>
/// The upper bound of a date window on the wire (issue #15): OAI-PMH <c>until=</c> in the repository's granularity (inclusive
/// there, so the bound is written as the last second, or the last day, before it), a REST API's until parameter, and a
/// repository that ignores <c>until=</c>.
/// </summary>
public sealed class OaiUntilTests : IDisposable
{
    private static readonly XNamespace Oai = "http://www.openarchives.org/OAI/2.0/";
    private static readonly XNamespace OaiDc = "http://www.openarchives.org/OAI/2.0/oai_dc/";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static XElement Record(string id, string datestamp) =>
        new(Oai + "record",
            new XElement(Oai + "header", new XElement(Oai + "identifier", id), new XElement(Oai + "datestamp", datestamp)),
            new XElement(Oai + "metadata", new XElement(OaiDc + "dc", new XAttribute(XNamespace.Xmlns + "oai_dc", OaiDc), new XAttribute(XNamespace.Xmlns + "dc", Dc),
                new XElement(Dc + "title", "Object " + id), new XElement(Dc + "rights", "http://rightsstatements.org/vocab/NoC-US/1.0/"))));

    private static string Page(IEnumerable<XElement> records) => new XDocument(new XElement(Oai + "OAI-PMH",
        new XElement(Oai + "responseDate", "2025-05-01T00:00:00Z"),
        new XElement(Oai + "request", new XAttribute("verb", "ListRecords"), "https://example.org/oai"),
        new XElement(Oai + "ListRecords", records))).ToString();

    private async Task<(List<MuseumRecord> Records, List<string> Queries, List<string> Warnings, PollStatistics Stats)> HarvestAsync(string granularity, DateTimeOffset since, DateTimeOffset until, params XElement[] records)
    {
        var queries = new List<string>();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            lock (queries) queries.Add(ctx.Request.QueryString.Value!);
            var identify = ctx.Request.Query["verb"] == "Identify";
            await WriteJsonAsync(ctx, identify ? OaiRepositoryTests.Identify(granularity, "persistent") : Page(records), contentType: "text/xml");
        });
        var warnings = new List<string>();
        var poller = Poller(_http, new InstantTime(), warnings: warnings);
        var request = new PollRequest { Uri = server.Url("oai"), Source = "oai", Paging = PagingStyle.OaiPmh, Since = since, Until = until, Resilience = FastResilience() };
        var result = await PollAllAsync(poller, request);
        return (result, queries, warnings, poller.Statistics);
    }

    [Fact]
    public async Task ListRecords_SecondsGranularity_UntilIsTheLastSecondBeforeTheBound()
    {
        var (_, queries, warnings, _) = await HarvestAsync("YYYY-MM-DDThh:mm:ssZ",
            new DateTimeOffset(2024, 3, 1, 10, 30, 0, TimeSpan.Zero), new DateTimeOffset(2024, 3, 8, 0, 0, 0, TimeSpan.Zero), Record("a", "2024-03-07T23:59:59Z"));

        Assert.Equal("?verb=ListRecords&metadataPrefix=oai_dc&from=2024-03-01T10%3A30%3A00Z&until=2024-03-07T23%3A59%3A59Z", queries[1]);
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(0, "2024-03-07")] // a window ending at midnight: the day before it, so the next window's from= does not repeat a day
    [InlineData(10, "2024-03-08")] // a bound inside a day: that day, which the next window's from= names too
    public async Task ListRecords_DayGranularity_UntilIsTheLastDayThatBeginsBeforeTheBound(int hour, string expected)
    {
        var (_, queries, _, _) = await HarvestAsync("YYYY-MM-DD",
            new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 3, 8, hour, 0, 0, TimeSpan.Zero), Record("a", "2024-03-02"));

        Assert.Equal($"?verb=ListRecords&metadataPrefix=oai_dc&from=2024-03-01&until={expected}", queries[1]);
    }

    [Fact]
    public async Task ListRecords_RepositoryIgnoresUntil_EveryRecordKeptAndOneWarningSaysSo()
    {
        var (records, _, warnings, stats) = await HarvestAsync("YYYY-MM-DD",
            new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 3, 8, 0, 0, 0, TimeSpan.Zero),
            Record("in", "2024-03-05"), Record("late1", "2024-03-09"), Record("late2", "2024-04-01"));

        Assert.Equal(["in", "late1", "late2"], Ids(records)); // nothing is dropped: the records are upserted
        var warning = Assert.Single(warnings);
        Assert.Contains("until=2024-03-07", warning, StringComparison.Ordinal);
        Assert.Contains("late1 with datestamp 2024-03-09", warning, StringComparison.Ordinal);
        Assert.Contains("ignored until=", warning, StringComparison.Ordinal);
        Assert.True(stats.UntilIgnored);
    }

    [Fact]
    public async Task ListRecords_NoUpperBound_SendsNoUntil()
    {
        var queries = new List<string>();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            lock (queries) queries.Add(ctx.Request.QueryString.Value!);
            await WriteJsonAsync(ctx, ctx.Request.Query["verb"] == "Identify" ? OaiRepositoryTests.Identify("YYYY-MM-DD", "persistent") : Page([Record("a", "2024-03-02")]), contentType: "text/xml");
        });
        var request = new PollRequest { Uri = server.Url("oai"), Source = "oai", Paging = PagingStyle.OaiPmh, Since = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), Resilience = FastResilience() };

        await PollAllAsync(Poller(_http, new InstantTime()), request);

        Assert.Equal("?verb=ListRecords&metadataPrefix=oai_dc&from=2024-03-01", queries[1]);
    }

    [Fact]
    public async Task RestFeed_UntilParameter_SentBesideTheSinceParameter()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await WriteJsonAsync(ctx, "{\"data\":[" + Line("1") + "]}"));
        var request = new PollRequest
        {
            Uri = server.Url("objects"), Source = "rest", Paging = PagingStyle.BodyCursor, SinceParameter = "modified_since", UntilParameter = "modified_before",
            Since = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2024, 3, 8, 12, 0, 0, TimeSpan.Zero), Resilience = FastResilience(),
        };

        await PollAllAsync(Poller(_http, new InstantTime()), request);

        Assert.EndsWith("modified_since=2024-03-01T00%3A00%3A00Z&modified_before=2024-03-08T12%3A00%3A00Z", server.Requests[0].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UntilNotAfterSince_SaysBoth()
    {
        var t = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var request = new PollRequest { Uri = new Uri("http://127.0.0.1:9/oai"), Source = "oai", Paging = PagingStyle.OaiPmh, Since = t, Until = t };

        var ex = Assert.Throws<ArgumentException>(request.Validate);

        Assert.Contains("2024-03-01T00:00:00Z is not after the lower bound 2024-03-01T00:00:00Z", ex.Message, StringComparison.Ordinal);
    }
}
