using System.Xml.Linq;
using MuseumSync.Lido;

namespace MuseumSync.Core.Tests.Lido;

public sealed class LidoWriterTests
{
    private static readonly XNamespace L = LidoNames.Namespace;

    internal static MuseumRecord Sample(string id = "1889.42", string title = "Harbour at Dawn, Étretat", string? created = "1889-06-15", string? createdEnd = null) => new()
    {
        Source = "demo",
        ObjectId = id,
        AccessionNumber = "ACC-" + id,
        Title = title,
        CreationDate = created,
        CreationEndDate = createdEnd,
        RightsStatement = "http://rightsstatements.org/vocab/InC/1.0/",
        EmbargoDate = new DateOnly(2031, 1, 1),
        AccessTier = AccessTier.Research,
        MediaUrl = $"https://media.sample-museum.example/iiif/3/{id}/full/max/0/default.jpg",
        IiifManifestUrl = $"https://iiif.sample-museum.example/manifests/{id}/manifest.json",
        RawJson = "{}",
        FetchedAt = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero),
    };

    [LidoFixtureFact]
    public void ToXml_OneRecord_PassesTheOfficialXsdAndEveryQualityRule()
    {
        var xml = LidoWriter.ToXml(Sample());
        var r = LidoTestData.Validator(LidoVersion.Lido11).ValidateXml(xml, "written.xml").Single();
        Assert.True(r.IsValid, LidoTestData.Describe(r) + Environment.NewLine + xml);
        Assert.Empty(r.Errors);
        Assert.Equal("demo/1889.42", r.RecordId);
    }

    [LidoFixtureFact]
    public void ToXml_ManyRecordsWithHardText_OneLidoWrapThatPassesEverything()
    {
        var records = new[]
        {
            Sample("1", "Натюрморт с самоваром", "1889"),
            Sample("2", "הגדה של פסח", "1889-06"),
            Sample("3", "Poster: 🎨 Art for All <&> \"quoted\"", "2020-01-02T03:04:05Z"),
            Sample("4", "Untitled \\ Composition No. 7", null),
        };
        var xml = LidoWriter.ToXml(records);
        var results = LidoTestData.Validator(LidoVersion.Lido11).ValidateXml(xml).ToList();
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.True(r.IsValid && r.Errors.Count == 0, LidoTestData.Describe(r)));
        Assert.Equal("Poster: 🎨 Art for All <&> \"quoted\"", XDocument.Parse(xml).Descendants(L + "titleSet").Skip(2).First().Element(L + "appellationValue")!.Value);
    }

    // Issue #17: a BCE day (-0044-03-15, as the LIDO date rule asks for it) was cut to "-0044-03-1" in earliestDate.
    [Theory]
    [InlineData("-0044-03-15", "-0044-03-15")]
    [InlineData("-1400", "-1400")]
    [InlineData("+12345-01-02T03:04:05Z", "+12345-01-02")]
    public void ToXml_SignedYears_EarliestDateKeepsTheWholeDate(string created, string expected)
    {
        var doc = XDocument.Parse(LidoWriter.ToXml(Sample(created: created)));
        Assert.Equal(expected, doc.Descendants(L + "earliestDate").Single().Value);
        Assert.Equal(expected, doc.Descendants(L + "latestDate").Single().Value);
    }

    // Issue #17: the end of the creation date range (the Met's objectEndDate) is LIDO's latestDate, with earliestDate
    // from the begin; both pass the official LIDO 1.1 XSD and the quality rules (latestDate not before earliestDate).
    [LidoFixtureTheory]
    [InlineData("-1400", "-1300", "-1400", "-1300", "-1400 – -1300")]
    [InlineData("1889-06-15", "1890-02-28T10:00:00Z", "1889-06-15", "1890-02-28", "1889-06-15 – 1890-02-28T10:00:00Z")]
    [InlineData(null, "1890", null, "1890", "– 1890")]
    [InlineData("1889", "1889", "1889", "1889", "1889")]
    public void ToXml_CreationRange_LatestDateFromTheEnd_PassesTheOfficialXsd(string? created, string end, string? earliest, string latest, string display)
    {
        var xml = LidoWriter.ToXml(Sample(created: created, createdEnd: end));
        var r = LidoTestData.Validator(LidoVersion.Lido11).ValidateXml(xml, "written.xml").Single();
        Assert.True(r.IsValid && r.Errors.Count == 0, LidoTestData.Describe(r) + Environment.NewLine + xml);

        var eventDate = XDocument.Parse(xml).Descendants(L + "eventDate").Single();
        Assert.Equal(display, eventDate.Element(L + "displayDate")!.Value);
        Assert.Equal(earliest, eventDate.Descendants(L + "earliestDate").SingleOrDefault()?.Value);
        Assert.Equal(latest, eventDate.Descendants(L + "latestDate").Single().Value);
    }

    [Fact]
    public void ToXml_Record_MapsEveryFieldAsDocumented()
    {
        var doc = XDocument.Parse(LidoWriter.ToXml(Sample()));
        var lido = doc.Root!;
        Assert.Equal(L + "lido", lido.Name);
        Assert.Equal("demo/1889.42", lido.Element(L + "lidoRecID")!.Value);
        Assert.Equal("Object", lido.Descendants(L + "objectWorkType").Single().Element(L + "term")!.Value);
        Assert.Equal("Harbour at Dawn, Étretat", lido.Descendants(L + "titleSet").Single().Element(L + "appellationValue")!.Value);
        Assert.Equal("ACC-1889.42", lido.Descendants(L + "workID").Single().Value);
        Assert.Equal("demo", lido.Descendants(L + "repositoryName").Single().Value);
        var eventDate = lido.Descendants(L + "eventDate").Single();
        Assert.Equal("1889-06-15", eventDate.Element(L + "displayDate")!.Value);
        Assert.Equal("1889-06-15", eventDate.Descendants(L + "earliestDate").Single().Value);
        Assert.Equal(LidoNames.EventProduction, lido.Descendants(L + "eventType").Single().Element(L + "conceptID")!.Value);
        Assert.Equal("http://rightsstatements.org/vocab/InC/1.0/", lido.Descendants(L + "rightsWorkSet").Single().Descendants(L + "conceptID").Single().Value);
        Assert.Equal("1889.42", lido.Descendants(L + "recordID").Single().Value);
        Assert.Equal("demo", lido.Descendants(L + "recordSource").Single().Value);
        Assert.Equal("2025-03-01T10:00:00Z", lido.Descendants(L + "recordMetadataDate").Single().Value);
        var links = lido.Descendants(L + "linkResource").ToList();
        Assert.Equal("https://media.sample-museum.example/iiif/3/1889.42/full/max/0/default.jpg", links[0].Value);
        Assert.Equal("image/jpeg", links[0].Attribute(L + "formatResource")!.Value);
        Assert.Equal("https://iiif.sample-museum.example/manifests/1889.42/manifest.json", links[1].Value);
        Assert.Equal("http://rightsstatements.org/vocab/InC/1.0/", lido.Descendants(L + "rightsResource").Single().Descendants(L + "conceptID").Single().Value);
        Assert.Equal("und", lido.Element(L + "descriptiveMetadata")!.Attribute(XNamespace.Xml + "lang")!.Value);
    }

    [Fact]
    public void Write_RecordWithoutIdOrTitle_RefusedWithTheReason()
    {
        Assert.Contains("has no object id", LidoWriter.CannotWrite(Sample().WithoutId())!, StringComparison.Ordinal);
        var ex = Assert.Throws<ArgumentException>(() => LidoWriter.ToXml(new MuseumRecord { Source = "demo", ObjectId = "7", RawJson = "{}" }));
        Assert.Contains("Record '7' of source 'demo' has no title", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WorkTypeAndLanguage_WrittenAndValidated()
    {
        var xml = LidoWriter.ToXml(Sample(), new LidoWriterOptions { WorkType = "Gemälde", WorkTypeLanguage = "de", Language = "de" });
        var doc = XDocument.Parse(xml);
        Assert.Equal("Gemälde", doc.Descendants(L + "objectWorkType").Single().Value);
        Assert.Throws<ArgumentException>(() => LidoWriter.ToXml(Sample(), new LidoWriterOptions { Language = "deutsch" }));
    }
}

internal static class MuseumRecordTestExtensions
{
    public static MuseumRecord WithoutId(this MuseumRecord r) => new() { Source = r.Source, Title = r.Title, RawJson = r.RawJson };
}
