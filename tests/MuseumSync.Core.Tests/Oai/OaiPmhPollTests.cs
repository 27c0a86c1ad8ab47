using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Paging;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Oai;

/// <summary>OAI-PMH ListRecords with resumptionToken, LIDO (the KENOM harvest in the shared fixtures) and Dublin Core, deletions, errors.</summary>
public sealed class OaiPmhPollTests : IDisposable
{
    private static readonly XNamespace Oai = "http://www.openarchives.org/OAI/2.0/";
    private static readonly XNamespace Lido = "http://www.lido-schema.org";
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static List<XElement> KenomRecords()
    {
        var path = Path.Combine(TestPaths.SharedDirectory!, "fixtures", "lido", "valid", "lido-examples", "kenom_oai_chunk20.xml");
        return XDocument.Load(path).Root!.Elements(Lido + "lido").ToList();
    }

    private static string Page(IEnumerable<XElement> records, string? token, long total, bool lastPageHasEmptyToken = true)
    {
        var list = new XElement(Oai + "ListRecords", records);
        if (token is not null) list.Add(new XElement(Oai + "resumptionToken", new XAttribute("completeListSize", total), token));
        else if (lastPageHasEmptyToken) list.Add(new XElement(Oai + "resumptionToken", new XAttribute("completeListSize", total)));
        return new XDocument(new XElement(Oai + "OAI-PMH",
            new XElement(Oai + "responseDate", "2025-05-01T00:00:00Z"),
            new XElement(Oai + "request", new XAttribute("verb", "ListRecords"), "https://example.org/oai"),
            list)).ToString();
    }

    private static XElement Record(string id, XElement metadata) =>
        new(Oai + "record",
            new XElement(Oai + "header", new XElement(Oai + "identifier", id), new XElement(Oai + "datestamp", "2024-03-01")),
            new XElement(Oai + "metadata", metadata));

    private static XElement Deleted(string id) =>
        new(Oai + "record", new XElement(Oai + "header", new XAttribute("status", "deleted"), new XElement(Oai + "identifier", id), new XElement(Oai + "datestamp", "2024-03-02")));

    [Fact]
    public async Task ListRecordsLido_ThreePagesWithResumptionToken_EveryRecordMappedAndDeletionsMarked()
    {
        var kenom = KenomRecords();
        var all = kenom.Select((l, i) => Record($"oai:kenom.de:{i}", l)).Append(Deleted("oai:kenom.de:gone")).ToList();
        var verbs = new List<string>();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            lock (verbs) verbs.Add(ctx.Request.QueryString.Value!);
            if (ctx.Request.Query["verb"] == "Identify")
            {
                await WriteJsonAsync(ctx, OaiRepositoryTests.Identify("YYYY-MM-DD", "persistent"), contentType: "text/xml");
                return;
            }
            var token = ctx.Request.Query["resumptionToken"].ToString();
            var start = token.Length == 0 ? 0 : int.Parse(token[1..], System.Globalization.CultureInfo.InvariantCulture);
            var page = all.Skip(start).Take(8).ToList();
            var next = start + 8 < all.Count ? $"t{start + 8}" : null;
            await WriteJsonAsync(ctx, Page(page, next, all.Count), contentType: "text/xml; charset=utf-8");
        });
        var request = new PollRequest
        {
            Uri = server.Url("oai"), Source = "kenom", Paging = PagingStyle.OaiPmh, MetadataPrefix = "lido",
            Since = new DateTimeOffset(2024, 2, 1, 12, 0, 0, TimeSpan.Zero), Resilience = FastResilience(),
        };

        var records = await PollAllAsync(Poller(_http, new InstantTime()), request);

        Assert.Equal(21, records.Count);
        Assert.Equal("?verb=Identify", verbs[0]);
        Assert.Equal("?verb=ListRecords&metadataPrefix=lido&from=2024-02-01", verbs[1]);
        Assert.Equal("?verb=ListRecords&resumptionToken=t8", verbs[2]);
        Assert.Equal([null, "t8", "t16", "t16"], new[] { records[0], records[8], records[16], records[20] }.Select(r => r.Position));
        var first = records[0];
        Assert.True(first.IsValid, string.Join("; ", first.Issues));
        Assert.Equal("oai:kenom.de:0", first.ObjectId);
        Assert.Equal("Geldschein / Notgeld, 50 Pfennig, 7.1921", first.Title);
        // Issue #17: the production's earliestDate and latestDate are the creation date range.
        Assert.Equal(("1921-07-01", "1921-07-31"), (first.CreationDate, first.CreationEndDate));
        Assert.StartsWith("https://www.kenom.de/iiif/image/record_DE-68_kenom_123644/", first.MediaUrl, StringComparison.Ordinal);
        Assert.StartsWith("<record", first.RawJson, StringComparison.Ordinal);
        var deletion = records[^1];
        Assert.True(deletion.IsDeleted);
        Assert.True(deletion.IsValid);
        Assert.Equal("oai:kenom.de:gone", deletion.ObjectId);
        Assert.True(deletion.EndOfFeed);
        Assert.Equal(20, records.Count(r => r.IsValid && !r.IsDeleted));
        // OAI-PMH is incremental: every record carries the watermark; the last page resumes from the start next time.
        Assert.All(records, r => Assert.NotNull(r.Watermark));
        Assert.Null(deletion.ResumePosition);
        Assert.Equal([false, false, false, false, false, false, false, true], records.Take(8).Select(r => r.EndOfPage));
    }

    [Fact]
    public async Task ListRecordsDublinCore_FieldsMappedAndFreeTextDatesLeftInTheRaw()
    {
        XNamespace dc = "http://purl.org/dc/elements/1.1/";
        XNamespace oaiDc = "http://www.openarchives.org/OAI/2.0/oai_dc/";
        XElement Dc(string title, params (string Name, string Value)[] extra) =>
            new(oaiDc + "dc", new XAttribute(XNamespace.Xmlns + "oai_dc", oaiDc), new XAttribute(XNamespace.Xmlns + "dc", dc),
                new XElement(dc + "title", title), extra.Select(e => new XElement(dc + e.Name, e.Value)));
        var records = new[]
        {
            Record("oai:m:1", Dc("Vase", ("date", "ca. 1900"), ("date", "1899-05-01"), ("rights", "http://rightsstatements.org/vocab/NoC-US/1.0/"), ("identifier", "https://img.example.org/1.jpg"))),
            Record("oai:m:2", Dc(string.Empty)),
        };
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await WriteJsonAsync(ctx, Page(records, null, 2, lastPageHasEmptyToken: false), contentType: "application/xml"));

        var result = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest { Uri = server.Url("oai"), Source = "m", Paging = PagingStyle.OaiPmh, Resilience = FastResilience() });

        // This server answers every verb with the list: Identify is asked, found not to be an Identify answer, and the harvest goes on.
        Assert.Equal("?verb=Identify", server.Requests[0].PathAndQuery[4..]);
        Assert.Equal("?verb=ListRecords&metadataPrefix=oai_dc", server.Requests[1].PathAndQuery[4..]);
        Assert.True(result[0].IsValid, string.Join("; ", result[0].Issues));
        Assert.Equal("1899-05-01", result[0].CreationDate);
        Assert.Equal("https://img.example.org/1.jpg", result[0].MediaUrl);
        Assert.Equal("http://rightsstatements.org/vocab/NoC-US/1.0/", result[0].RightsStatement);
        Assert.False(result[1].IsValid);
        Assert.Equal("dc:title", Assert.Single(result[1].Issues).Field);
    }

    [Fact]
    public async Task NoRecordsMatch_EmptyFeedNotAnError()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await WriteJsonAsync(ctx,
            $"""<OAI-PMH xmlns="{Oai.NamespaceName}"><responseDate>2025-05-01T00:00:00Z</responseDate><request verb="ListRecords">x</request><error code="noRecordsMatch">Nothing since then</error></OAI-PMH>""", contentType: "text/xml"));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest { Uri = server.Url("oai"), Source = "m", Paging = PagingStyle.OaiPmh, Resilience = FastResilience() });

        Assert.Empty(records);
    }

    [Fact]
    public async Task BadResumptionToken_PermanentErrorThatSaysToStartOver()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await WriteJsonAsync(ctx,
            $"""<OAI-PMH xmlns="{Oai.NamespaceName}"><responseDate>2025-05-01T00:00:00Z</responseDate><request verb="ListRecords">x</request><error code="badResumptionToken">expired</error></OAI-PMH>""", contentType: "text/xml"));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()),
            new PollRequest { Uri = server.Url("oai"), Source = "m", Paging = PagingStyle.OaiPmh, StartPosition = "old-token", Resilience = FastResilience() }));

        Assert.Equal("MuseumPollOaiError", ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Contains("-NoResume", ex.Message, StringComparison.Ordinal);
    }
}
