using System.Xml.Linq;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Oai;
using MuseumSync.Paging;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Oai;

/// <summary>
/// OAI-PMH as repositories really behave: Identify's granularity and deletedRecord (OAI-PMH 2.0 §4.2,
/// https://www.openarchives.org/OAI/openarchivesprotocol.html#Identify), expired resumptionTokens
/// (mloesch/sickle#19, bloomonkey/oai-harvest#30), servers that ignore from=, and records that leave a harvested set.
/// </summary>
public sealed class OaiRepositoryTests : IDisposable
{
    private static readonly XNamespace Oai = "http://www.openarchives.org/OAI/2.0/";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace OaiDc = "http://www.openarchives.org/OAI/2.0/oai_dc/";
    private static readonly DateTimeOffset s_since = new(2024, 2, 1, 12, 30, 15, TimeSpan.Zero);
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    /// <summary>An Identify answer as a repository writes it.</summary>
    internal static string Identify(string granularity, string deletedRecord) => new XDocument(new XElement(Oai + "OAI-PMH",
        new XElement(Oai + "responseDate", "2025-05-01T00:00:00Z"),
        new XElement(Oai + "request", new XAttribute("verb", "Identify"), "https://example.org/oai"),
        new XElement(Oai + "Identify",
            new XElement(Oai + "repositoryName", "Test"),
            new XElement(Oai + "baseURL", "https://example.org/oai"),
            new XElement(Oai + "protocolVersion", "2.0"),
            new XElement(Oai + "adminEmail", "oai@example.org"),
            new XElement(Oai + "earliestDatestamp", "2000-01-01"),
            new XElement(Oai + "deletedRecord", deletedRecord),
            new XElement(Oai + "granularity", granularity)))).ToString();

    private static string Page(IEnumerable<XElement> records, string? token, long total = 100) =>
        new XDocument(new XElement(Oai + "OAI-PMH",
            new XElement(Oai + "responseDate", "2025-05-01T00:00:00Z"),
            new XElement(Oai + "request", new XAttribute("verb", "ListRecords"), "https://example.org/oai"),
            new XElement(Oai + "ListRecords", records,
                new XElement(Oai + "resumptionToken", new XAttribute("completeListSize", total), token ?? string.Empty)))).ToString();

    private static string Error(string code) =>
        $"""<OAI-PMH xmlns="{Oai.NamespaceName}"><responseDate>2025-05-01T00:00:00Z</responseDate><request verb="ListRecords">x</request><error code="{code}">The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>""";

    private static XElement Record(string id, string datestamp = "2024-03-01", params string[] sets) =>
        new(Oai + "record",
            new XElement(Oai + "header", new XElement(Oai + "identifier", id), new XElement(Oai + "datestamp", datestamp), sets.Select(s => new XElement(Oai + "setSpec", s))),
            new XElement(Oai + "metadata", new XElement(OaiDc + "dc", new XAttribute(XNamespace.Xmlns + "oai_dc", OaiDc), new XAttribute(XNamespace.Xmlns + "dc", Dc),
                new XElement(Dc + "title", "Object " + id), new XElement(Dc + "rights", "http://creativecommons.org/publicdomain/zero/1.0/"))));

    private static XElement Deleted(string id) =>
        new(Oai + "record", new XElement(Oai + "header", new XAttribute("status", "deleted"), new XElement(Oai + "identifier", id), new XElement(Oai + "datestamp", "2024-03-02")));

    private static PollRequest Request(TestApiServer server, DateTimeOffset? since = null, string? start = null, string? set = null) => new()
    {
        Uri = server.Url("oai"), Source = "oai", Paging = PagingStyle.OaiPmh, Since = since, StartPosition = start, OaiSet = set, Resilience = FastResilience(),
    };

    private static Task<TestApiServer> Repository(string granularity, string deletedRecord, Func<string, string?, string> list) =>
        TestApiServer.StartAsync(async (ctx, _) =>
        {
            var body = ctx.Request.Query["verb"] == "Identify"
                ? Identify(granularity, deletedRecord)
                : list(ctx.Request.QueryString.Value!, ctx.Request.Query["resumptionToken"].FirstOrDefault());
            await WriteJsonAsync(ctx, body, contentType: "text/xml; charset=utf-8");
        });

    private static string[] ListRequests(TestApiServer server) =>
        server.Requests.Select(r => r.PathAndQuery[4..]).ToArray();

    [Fact]
    public async Task PollAsync_IdentifySecondsGranularity_FromWrittenToTheSecond()
    {
        await using var server = await Repository("YYYY-MM-DDThh:mm:ssZ", "persistent", (_, _) => Page([Record("a")], null));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server, s_since));

        Assert.Single(records);
        Assert.Equal(["?verb=Identify", "?verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01T12%3A30%3A15Z"], ListRequests(server));
    }

    [Fact]
    public async Task PollAsync_IdentifyDayGranularity_FromWrittenAsADay()
    {
        await using var server = await Repository("YYYY-MM-DD", "persistent", (_, _) => Page([Record("a")], null));

        await PollAllAsync(Poller(_http, new InstantTime()), Request(server, s_since));

        Assert.Equal("?verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01", ListRequests(server)[1]);
    }

    [Fact]
    public async Task PollAsync_DeletedRecordNo_DeletedHeaderNotAppliedAndSaidOnce()
    {
        await using var server = await Repository("YYYY-MM-DD", "no", (_, _) => Page([Record("a"), Deleted("b"), Deleted("c")], null));
        var log = new List<string>();
        var warnings = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log, warnings), Request(server));

        Assert.Equal(["a"], Ids(records));
        Assert.True(records[0].EndOfFeed);
        var warning = Assert.Single(warnings);
        Assert.Contains("deletedRecord 'no'", warning, StringComparison.Ordinal);
        Assert.Contains("(b,", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_DeletedRecordPersistent_DeletedHeaderApplied()
    {
        await using var server = await Repository("YYYY-MM-DD", "persistent", (_, _) => Page([Record("a"), Deleted("b")], null));
        var log = new List<string>();
        var warnings = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log, warnings), Request(server));

        Assert.Equal([false, true], records.Select(r => r.IsDeleted));
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task PollAsync_DeletedRecordTransient_WarnsThatIncrementalHarvestsMayMissDeletions()
    {
        await using var server = await Repository("YYYY-MM-DD", "transient", (_, _) => Page([Deleted("b")], null));
        var log = new List<string>();
        var warnings = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log, warnings), Request(server));

        Assert.True(Assert.Single(records).IsDeleted);
        Assert.Contains("transient", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_RecordLeftTheHarvestedSet_DeletedFromTheMirror()
    {
        // A record moved out of the set keeps coming in a set-selective incremental harvest with its new setSpec;
        // for the mirror of the set it is gone. A subset (coins:gold) is still inside the set.
        await using var server = await Repository("YYYY-MM-DD", "persistent", (_, _) =>
            Page([Record("stays", "2024-03-01", "coins"), Record("sub", "2024-03-01", "coins:gold"), Record("moved", "2024-03-01", "medals"), Record("unsaid")], null));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server, set: "coins"));

        Assert.Equal(["stays", "sub", "moved", "unsaid"], Ids(records));
        Assert.Equal([false, false, true, false], records.Select(r => r.IsDeleted));
        Assert.True(records[3].EndOfFeed);
    }

    [Fact]
    public async Task PollAsync_ResumedRunWithExpiredToken_ListStartsOverFromTheWatermark()
    {
        // sickle#19 / oai-harvest#30: the token stored by yesterday's interrupted run has expired.
        await using var server = await Repository("YYYY-MM-DD", "persistent", (_, token) => token switch
        {
            "old" => Error("badResumptionToken"),
            null => Page([Record("a"), Record("b")], "t2", 3),
            "t2" => Page([Record("c")], null, 3),
            _ => Error("badResumptionToken"),
        });
        var log = new List<string>();
        var warnings = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log, warnings), Request(server, s_since, start: "old"));

        Assert.Equal(["a", "b", "c"], Ids(records));
        Assert.True(records[^1].EndOfFeed);
        Assert.Equal(["?verb=Identify", "?verb=ListRecords&resumptionToken=old", "?verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01", "?verb=ListRecords&resumptionToken=t2"], ListRequests(server));
        Assert.Contains(warnings, m => m.Contains("badResumptionToken", StringComparison.Ordinal) && m.Contains("from=2024-02-01", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_TokensExpireEveryTime_StopsAfterTheRestartLimit()
    {
        await using var server = await Repository("YYYY-MM-DD", "persistent", (_, token) => token is null ? Page([Record("a")], "t") : Error("badResumptionToken"));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server)));

        Assert.Equal("MuseumPollOaiError", ex.ErrorId);
        Assert.Contains("badResumptionToken", ex.Message, StringComparison.Ordinal);
        // Identify, then the first page and its token once, then three restarts of both.
        Assert.Equal(1 + 2 + (3 * 2), server.Requests.Count);
    }

    [Fact]
    public async Task PollAsync_IncrementalHarvestReturnsOlderRecords_WarnsThatTheServerIgnoresFrom()
    {
        await using var server = await Repository("YYYY-MM-DD", "persistent", (_, _) => Page([Record("new", "2024-05-01"), Record("old", "2019-01-01"), Record("older", "2018-01-01")], null, 48_000));
        var log = new List<string>();
        var warnings = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log, warnings), Request(server, s_since));

        Assert.Equal(3, records.Count);
        var warning = Assert.Single(warnings);
        Assert.Contains("ignore from=", warning, StringComparison.Ordinal);
        Assert.Contains("old with datestamp 2019-01-01", warning, StringComparison.Ordinal);
        Assert.Contains("completeListSize 48000", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_TokenRightAfterARecord_Found()
    {
        // The token used to be passed over when the element before it was a record read with Skip: the harvest then
        // ended after its first page as if the list were complete.
        var scan = OaiPmhPage.Scan(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Page([Record("a")], "t", 2))));

        Assert.Equal("t", scan.ResumptionToken);
        Assert.Equal(2, scan.CompleteListSize);
        Assert.Equal(1, scan.Records);
    }

    [Fact]
    public void Read_IdentifyAnswer_GranularityAndPolicy()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Identify("YYYY-MM-DDThh:mm:ssZ", "transient")));

        var repository = OaiRepository.Read(stream);

        Assert.Equal(new OaiRepository(true, OaiDeletedRecord.Transient, "2000-01-01"), repository);
        Assert.Equal("2024-02-01T12:30:15Z", repository!.Format(s_since));
        Assert.Equal("2024-02-01", (repository with { SecondsGranularity = false }).Format(s_since));
    }
}
