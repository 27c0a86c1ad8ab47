using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Paging;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Oai;

/// <summary>An OAI-PMH or LIDO record larger than MaxRecordBytes is read past without being held and dead-lettered with its start and size.</summary>
public sealed class OaiOversizeRecordTests : IDisposable
{
    private const int Cap = 100 * 1024;
    private static readonly XNamespace Oai = "http://www.openarchives.org/OAI/2.0/";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace OaiDc = "http://www.openarchives.org/OAI/2.0/oai_dc/";
    private static readonly XNamespace Lido = "http://www.lido-schema.org";
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static XElement Record(string id, string description) =>
        new(Oai + "record",
            new XElement(Oai + "header", new XElement(Oai + "identifier", id), new XElement(Oai + "datestamp", "2024-03-01")),
            new XElement(Oai + "metadata", new XElement(OaiDc + "dc",
                new XAttribute(XNamespace.Xmlns + "dc", Dc.NamespaceName),
                new XElement(Dc + "title", "Object " + id),
                new XElement(Dc + "identifier", id),
                new XElement(Dc + "description", description))));

    private static string Page(params XElement[] records) => new XDocument(new XElement(Oai + "OAI-PMH",
        new XElement(Oai + "responseDate", "2025-05-01T00:00:00Z"),
        new XElement(Oai + "ListRecords", records, new XElement(Oai + "resumptionToken")))).ToString(SaveOptions.DisableFormatting);

    private static PollRequest Request(Uri uri, PagingStyle paging) => new()
    {
        Uri = uri,
        Source = "oai",
        Paging = paging,
        Format = RecordFormat.Xml,
        Resilience = FastResilience(),
        Limits = new PageLimitOptions { MaxRecordBytes = Cap },
    };

    private static void AssertOversize(MuseumRecord r, string id, long atLeast, string startsWith)
    {
        Assert.False(r.IsValid);
        Assert.Equal(id, r.ObjectId);
        Assert.Equal("record-size", Assert.Single(r.Issues).Rule);
        using var payload = JsonDocument.Parse(r.RawJson);
        Assert.InRange(payload.RootElement.GetProperty("bytes").GetInt64(), atLeast, atLeast + 2048);
        var prefix = payload.RootElement.GetProperty("prefix").GetString()!;
        Assert.Equal(PageLimitOptions.RecordPrefixBytes, prefix.Length);
        Assert.StartsWith(startsWith, prefix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_OaiRecordOverTheCap_DeadLetteredWithItsStartAndSizeAndTheOthersRead()
    {
        var huge = new string('h', 3 * 1024 * 1024) + " & <escaped>";
        var page = Page(Record("oai:x:1", "small"), Record("oai:x:2", huge), Record("oai:x:3", "small"));
        await using var server = await TestApiServer.StartAsync((ctx, _) => WriteJsonAsync(ctx, page, contentType: "text/xml"));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("oai"), PagingStyle.OaiPmh));

        Assert.Equal(["oai:x:1", "oai:x:2", "oai:x:3"], Ids(records));
        Assert.True(records[0].IsValid && records[2].IsValid, string.Join("; ", records[0].Issues.Concat(records[2].Issues).Select(i => i.Message)));
        AssertOversize(records[1], "oai:x:2", Encoding.UTF8.GetByteCount(huge), "<record");
        Assert.True(records[2].EndOfPage && records[2].EndOfFeed);
    }

    [Fact]
    public async Task PollAsync_OaiRecordOverTheCapLastOnThePage_StaysItsDeadLetter()
    {
        var huge = new string('h', 300 * 1024);
        var page = Page(Record("oai:x:1", "small"), Record("oai:x:2", huge));
        await using var server = await TestApiServer.StartAsync((ctx, _) => WriteJsonAsync(ctx, page, contentType: "text/xml"));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("oai"), PagingStyle.OaiPmh));

        Assert.Equal(2, records.Count);
        AssertOversize(records[1], "oai:x:2", huge.Length, "<record");
    }

    [Fact]
    public async Task PollAsync_LidoDocumentWithARecordOverTheCap_DeadLettersThatRecordOnly()
    {
        static XElement LidoRecord(string id, string text) => new(Lido + "lido",
            new XElement(Lido + "lidoRecID", new XAttribute(Lido + "type", "local"), id),
            new XElement(Lido + "descriptiveMetadata", new XElement(Lido + "objectIdentificationWrap",
                new XElement(Lido + "titleWrap", new XElement(Lido + "titleSet", new XElement(Lido + "appellationValue", "Object " + id))),
                new XElement(Lido + "objectDescriptionWrap", new XElement(Lido + "objectDescriptionSet", new XElement(Lido + "descriptiveNoteValue", text))))));
        var huge = new string('h', 2 * 1024 * 1024);
        var doc = new XDocument(new XElement(Lido + "lidoWrap", new XAttribute(XNamespace.Xmlns + "lido", Lido.NamespaceName),
            LidoRecord("L1", "small"), LidoRecord("L2", huge), LidoRecord("L3", "small"))).ToString(SaveOptions.DisableFormatting);
        await using var server = await TestApiServer.StartAsync((ctx, _) => WriteJsonAsync(ctx, doc, contentType: "application/xml"));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("lido.xml"), PagingStyle.Auto));

        Assert.Equal(3, records.Count);
        Assert.Equal("L1", records[0].ObjectId);
        Assert.Equal("L3", records[2].ObjectId);
        AssertOversize(records[1], "L2", huge.Length, "<lido:lido");
    }

    [Fact]
    public async Task PollAsync_PageOverTheCapButEveryRecordUnder_ReadsEveryRecordAsBefore()
    {
        var records = Enumerable.Range(1, 40).Select(i => Record($"oai:x:{i}", new string('d', 5000))).ToArray();
        var page = Page(records);
        Assert.True(page.Length > Cap);
        await using var server = await TestApiServer.StartAsync((ctx, _) => WriteJsonAsync(ctx, page, contentType: "text/xml"));

        var read = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("oai"), PagingStyle.OaiPmh));

        Assert.Equal(40, read.Count);
        Assert.All(read, r => Assert.DoesNotContain(r.Issues, i => i.Rule == "record-size"));
        // Suspects (the page is larger than the cap) are read through the bounded copy: same record, same fields.
        Assert.All(read, r => Assert.Equal("Object " + r.ObjectId, r.Title));
    }
}
