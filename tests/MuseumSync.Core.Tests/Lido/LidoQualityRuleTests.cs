using MuseumSync.Lido;
using MuseumSync.Lido.Quality;

namespace MuseumSync.Core.Tests.Lido;

public sealed class LidoQualityRuleTests
{
    private static LidoValidationResult Check(string xml, params string[] rules) => LidoTestData.RulesOnly(rules).ValidateXml(xml, "test.xml").Single();

    [Fact]
    public void Rules_CompleteRecord_NoFindings()
    {
        var r = Check(LidoTestData.Record());
        Assert.True(r.IsValid);
        Assert.Empty(r.Errors);
        Assert.Equal("DE-MUS-000000/1", r.RecordId);
    }

    [Fact]
    public void Catalogue_EveryRule_HasIdSeverityAndDescription()
    {
        Assert.Equal(
            ["record-id", "record-source", "title", "work-type", "legal-body", "rights-uri", "date", "metadata-date", "link-url", "uri-identifier", "language", "empty-value"],
            LidoQualityRules.All.Select(r => r.Id));
        Assert.All(LidoQualityRules.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Description)));
        Assert.Equal(LidoSeverity.Error, LidoQualityRules.Find("TITLE")!.DefaultSeverity);
        Assert.Null(LidoQualityRules.Find("no-such-rule"));
    }

    [Fact]
    public void Options_UnknownRuleId_ThrowsListingTheRules()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LidoValidator(new LidoValidationOptions { Rules = ["titel"] }));
        Assert.Contains("'titel' is not a LIDO quality rule", ex.Message, StringComparison.Ordinal);
        Assert.Contains("title", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordId_Empty_ErrorAtTheRecord()
    {
        var r = Check(LidoTestData.Record(id: "  "), "record-id");
        var e = Assert.Single(r.Errors);
        Assert.Equal(("record-id", LidoSeverity.Error, "/lido:lido", 2), (e.Rule, e.Severity, e.XPath, e.Line));
        Assert.Null(r.RecordId);
    }

    [Fact]
    public void RecordSource_Unnamed_ErrorAtTheRecordSource()
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("<lido:legalBodyName><lido:appellationValue>Sample Museum</lido:appellationValue></lido:legalBodyName>\n      </lido:recordSource>", "<lido:legalBodyWeblink>https://museum.example</lido:legalBodyWeblink>\n      </lido:recordSource>", StringComparison.Ordinal));
        var e = Assert.Single(Check(xml, "record-source").Errors);
        Assert.EndsWith("/lido:recordWrap[1]/lido:recordSource[1]", e.XPath, StringComparison.Ordinal);
        Assert.Contains("names no institution", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordSource_Missing_ErrorAtTheRecord()
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("<lido:recordSource>", "<lido:recordSourceX>", StringComparison.Ordinal).Replace("</lido:recordSource>", "</lido:recordSourceX>", StringComparison.Ordinal));
        Assert.Contains("has no lido:recordSource", Assert.Single(Check(xml, "record-source").Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Title_NoneAndEmpty_ReportedOnce()
    {
        var empty = LidoTestData.Record(replace: x => x.Replace(">Harbour at Dawn<", "> <", StringComparison.Ordinal));
        var e = Assert.Single(Check(empty, "title").Errors);
        Assert.EndsWith("/lido:titleWrap[1]/lido:titleSet[1]", e.XPath, StringComparison.Ordinal);

        var none = LidoTestData.Record(replace: x => x.Replace("titleWrap", "titleWrapX", StringComparison.Ordinal));
        Assert.Contains("has no title", Assert.Single(Check(none, "title").Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkType_NoTermOrConcept_Error()
    {
        var xml = LidoTestData.Record(replace: x => x
            .Replace("<lido:conceptID lido:type=\"http://terminology.lido-schema.org/lido00099\">http://vocab.getty.edu/aat/300033618</lido:conceptID>", string.Empty, StringComparison.Ordinal)
            .Replace("<lido:term xml:lang=\"en\">painting</lido:term>", "<lido:term xml:lang=\"en\"></lido:term>", StringComparison.Ordinal));
        Assert.Contains("no work type", Assert.Single(Check(xml, "work-type").Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkType_Lido11SkosConcept_Accepted()
    {
        var xml = LidoTestData.Record(replace: x => x
            .Replace("<lido:conceptID lido:type=\"http://terminology.lido-schema.org/lido00099\">http://vocab.getty.edu/aat/300033618</lido:conceptID>", "<skos:Concept xmlns:skos=\"http://www.w3.org/2004/02/skos/core#\" xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" rdf:about=\"http://vocab.getty.edu/aat/300033618\"/>", StringComparison.Ordinal)
            .Replace("<lido:term xml:lang=\"en\">painting</lido:term>", string.Empty, StringComparison.Ordinal));
        Assert.Empty(Check(xml, "work-type").Errors);
    }

    [Fact]
    public void LegalBody_RepositoryWithoutName_Error()
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("<lido:legalBodyName><lido:appellationValue>Sample Museum</lido:appellationValue></lido:legalBodyName>\n          </lido:repositoryName>", "</lido:repositoryName>", StringComparison.Ordinal));
        var e = Assert.Single(Check(xml, "legal-body").Errors);
        Assert.Contains("lido:repositoryName names no one", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://rightsstatements.org/vocab/InC/1.0/", null)]
    [InlineData("https://creativecommons.org/licenses/by-sa/4.0/deed.de", null)]
    [InlineData("http://www.europeana.eu/rights/rr-f/", "is not a rightsstatements.org or Creative Commons URI")]
    [InlineData("Urheberrecht", "only as text ('Urheberrecht')")]
    public void RightsUri_RecordRights_KnownUrisPassOthersWarn(string rights, string? expected)
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("<lido:conceptID lido:type=\"http://terminology.lido-schema.org/lido00099\">http://creativecommons.org/publicdomain/zero/1.0/</lido:conceptID>",
            rights.StartsWith("http", StringComparison.Ordinal) ? $"<lido:conceptID lido:type=\"http://terminology.lido-schema.org/lido00099\">{rights}</lido:conceptID>" : $"<lido:term>{rights}</lido:term>", StringComparison.Ordinal));
        var r = Check(xml, "rights-uri");
        if (expected is null)
        {
            Assert.Empty(r.Errors);
            return;
        }
        var e = Assert.Single(r.Errors);
        Assert.Equal(LidoSeverity.Warning, e.Severity);
        Assert.True(r.IsValid);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("/lido:recordRights[1]", e.XPath, StringComparison.Ordinal);
    }

    [Fact]
    public void RightsUri_SetWithoutRightsType_WarnsAndCanBeMadeAnError()
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("<lido:rightsType><lido:conceptID lido:type=\"http://terminology.lido-schema.org/lido00099\">http://creativecommons.org/publicdomain/mark/1.0/</lido:conceptID></lido:rightsType>", "<lido:creditLine>gemeinfrei</lido:creditLine>", StringComparison.Ordinal));
        var e = Assert.Single(Check(xml, "rights-uri").Errors);
        Assert.Contains("lido:rightsWorkSet names no rights", e.Message, StringComparison.Ordinal);

        var strict = new LidoValidator(new LidoValidationOptions { ValidateSchema = false, Severities = new Dictionary<string, LidoSeverity> { ["rights-uri"] = LidoSeverity.Error } });
        Assert.False(strict.ValidateXml(xml).Single().IsValid);
    }

    [Theory]
    [InlineData("1889", "1890-02-28", null)]
    [InlineData("-0044", "-0044-03-15", null)]
    [InlineData("12000", "12000", null)]
    [InlineData("1889-06-15T12:00:00Z", "1889-06-15", null)]
    [InlineData("circa 1850", "1850", "'circa 1850' is not a date")]
    [InlineData("1889", "2019-02-30", "'2019-02-30' is not a date")]
    [InlineData("1900", "1850", "is before lido:earliestDate")]
    public void Date_EarliestAndLatest_ParseAndAreOrdered(string earliest, string latest, string? expected)
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("<lido:earliestDate>1889</lido:earliestDate><lido:latestDate>1890-02-28</lido:latestDate>", $"<lido:earliestDate>{earliest}</lido:earliestDate><lido:latestDate>{latest}</lido:latestDate>", StringComparison.Ordinal));
        var r = Check(xml, "date");
        if (expected is null)
        {
            Assert.Empty(r.Errors);
            return;
        }
        var e = Assert.Single(r.Errors);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal(LidoSeverity.Error, e.Severity);
    }

    [Fact]
    public void MetadataDate_SpaceInsteadOfT_Warning()
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("</lido:recordRights>", "</lido:recordRights><lido:recordInfoSet><lido:recordMetadataDate>2019-10-01 14:08:23</lido:recordMetadataDate></lido:recordInfoSet>", StringComparison.Ordinal));
        var e = Assert.Single(Check(xml, "metadata-date").Errors);
        Assert.Equal(LidoSeverity.Warning, e.Severity);
    }

    [Theory]
    [InlineData("https://media.example/a b.jpg", "contains spaces")]
    [InlineData("I11.jpg", "is not an absolute http(s) URL")]
    [InlineData("ftp://media.example/a.jpg", "is not an absolute http(s) URL")]
    [InlineData("https://media.example/bild-ö.jpg", "contains 'ö'")]
    [InlineData("https://media.example/bild-%C3%B6.jpg", null)]
    public void LinkUrl_ResourceLinks_AbsoluteHttpUrlsOnly(string link, string? expected)
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("https://media.sample-museum.example/iiif/3/1/full/max/0/default.jpg", link, StringComparison.Ordinal));
        var r = Check(xml, "link-url");
        if (expected is null)
        {
            Assert.Empty(r.Errors);
            return;
        }
        var e = Assert.Single(r.Errors);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("/lido:resourceRepresentation[1]/lido:linkResource[1]", e.XPath, StringComparison.Ordinal);
    }

    [Fact]
    public void UriIdentifier_LocalCodeTypedAsUri_Warning()
    {
        var xml = LidoTestData.Record(replace: x => x.Replace(">http://vocab.getty.edu/aat/300033618<", ">AAT 300033618<", StringComparison.Ordinal));
        var e = Assert.Single(Check(xml, "uri-identifier").Errors);
        Assert.Contains("'AAT 300033618'", e.Message, StringComparison.Ordinal);
        Assert.Equal(LidoSeverity.Warning, e.Severity);
    }

    [Theory]
    [InlineData("de", true)]
    [InlineData("deu", true)]
    [InlineData("ger", true)]
    [InlineData("EN", true)]
    [InlineData("en-GB", true)]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("sr-Latn-RS", true)]
    [InlineData("de-CH-1996", true)]
    [InlineData("es-419", true)]
    [InlineData("mul", true)]
    [InlineData("und", true)]
    [InlineData("qaa", true)]
    [InlineData("x-local", true)]
    [InlineData("deutsch", false)]
    [InlineData("xx", false)]
    [InlineData("en_GB", false)]
    [InlineData("en-", false)]
    [InlineData("e1", false)]
    [InlineData("en-GB-x", false)]
    public void LanguageTag_IsValid_RealIso639CodesInWellFormedTags(string tag, bool valid)
    {
        Assert.Equal(valid, LanguageTag.IsValid(tag, out var problem));
        Assert.Equal(valid, problem is null);
    }

    [Fact]
    public void Language_InvalidTag_ErrorOnTheElement()
    {
        var xml = LidoTestData.Record(replace: x => x.Replace("<lido:term xml:lang=\"en\">painting</lido:term>", "<lido:term xml:lang=\"englisch\">painting</lido:term>", StringComparison.Ordinal));
        var e = Assert.Single(Check(xml, "language").Errors);
        Assert.Equal("xml:lang 'englisch' on lido:term is not a language code; use an ISO 639 code such as 'de' or 'deu'.", e.Message);
        Assert.EndsWith("/lido:objectWorkType[1]/lido:term[1]", e.XPath, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyValue_BlankTermAndPlaceholderSpace_Warnings()
    {
        var xml = LidoTestData.Record(replace: x => x.Replace(">painting<", ">   <", StringComparison.Ordinal).Replace("<lido:workID lido:type=\"inventory number\">1889.1</lido:workID>", "<lido:workID lido:type=\"inventory number\"/>", StringComparison.Ordinal));
        var findings = Check(xml, "empty-value").Errors;
        Assert.Equal(2, findings.Count);
        Assert.All(findings, e => Assert.Equal(LidoSeverity.Warning, e.Severity));
        Assert.Contains(findings, e => e.XPath.EndsWith("/lido:workID[1]", StringComparison.Ordinal));
    }

    [Fact]
    public void MaxIssuesPerRecord_ManyFindings_CappedAndCounted()
    {
        var terms = string.Concat(Enumerable.Repeat("<lido:term xml:lang=\"zz\">x</lido:term>", 50));
        var xml = LidoTestData.Record(replace: x => x.Replace("<lido:term xml:lang=\"en\">painting</lido:term>", terms, StringComparison.Ordinal));
        var validator = new LidoValidator(new LidoValidationOptions { ValidateSchema = false, Rules = ["language"], MaxIssuesPerRecord = 10 });
        var r = validator.ValidateXml(xml).Single();
        Assert.Equal(10, r.Errors.Count);
        Assert.Equal(40, r.SuppressedCount);
    }
}
