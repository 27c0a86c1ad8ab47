using System.Text;
using MuseumSync.Mapping;
using MuseumSync.Validation;

namespace MuseumSync.Core.Tests.Mapping;

/// <summary>JsonRecordMapper + RecordValidator, driven through RecordFactory as the poller drives them.</summary>
public class RecordFactoryTests
{
    private static readonly DateTimeOffset s_fetched = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly RecordOrigin s_origin = new("met", "cur-2", 2, 7, "https://api.example.org/objects?cursor=cur-2", "corr-1", s_fetched);

    private static MuseumRecord Create(string json, FieldMap? map = null, string? resume = "cur-3", bool endOfPage = false)
        => new RecordFactory(map ?? FieldMap.Generic).Create(Encoding.UTF8.GetBytes(json), s_origin, resume, endOfPage);

    private static ValidationIssue SingleIssue(MuseumRecord r, string rule)
    {
        Assert.False(r.IsValid);
        var issue = Assert.Single(r.Issues);
        Assert.Equal(rule, issue.Rule);
        return issue;
    }

    [Fact]
    public void Create_ValidRecord_MapsEveryField()
    {
        const string json = """
            {"ObjectID":" 42 ","accession_number":"1874.51.4312","title":"Cylinder seal","creation_date_iso":"1889-06-15T12:00:00Z",
             "rights_statement":"http://rightsstatements.org/vocab/InC/1.0/","embargo_date":"2030-12-31","access_tier":"restricted",
             "iiif_manifest_url":"https://iiif.example.org/42/manifest.json","media_url":"https://img.example.org/42.jpg"}
            """;

        var r = Create(json, endOfPage: true);

        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Empty(r.Issues);
        Assert.Equal("met", r.Source);
        Assert.Equal("42", r.ObjectId);
        Assert.Equal("1874.51.4312", r.AccessionNumber);
        Assert.Equal("Cylinder seal", r.Title);
        Assert.Equal("1889-06-15T12:00:00Z", r.CreationDate);
        Assert.Equal("http://rightsstatements.org/vocab/InC/1.0/", r.RightsStatement);
        Assert.Equal(new DateOnly(2030, 12, 31), r.EmbargoDate);
        Assert.Equal(AccessTier.Restricted, r.AccessTier);
        Assert.Equal("https://iiif.example.org/42/manifest.json", r.IiifManifestUrl);
        Assert.Equal("https://img.example.org/42.jpg", r.MediaUrl);
        Assert.Equal(json, r.RawJson);
        Assert.Equal("cur-2", r.Position);
        Assert.Equal("cur-3", r.ResumePosition);
        Assert.True(r.EndOfPage);
        Assert.Equal(2, r.PageNumber);
        Assert.Equal(7, r.LineNumber);
        Assert.Equal("https://api.example.org/objects?cursor=cur-2", r.SourceUrl);
        Assert.Equal("corr-1", r.CorrelationId);
        Assert.Equal(s_fetched, r.FetchedAt);
    }

    [Fact]
    public void Create_OnlyRequiredFields_IsValidWithNullOptionals()
    {
        var r = Create("""{"ObjectID":"1","title":"T"}""");

        Assert.True(r.IsValid);
        Assert.Null(r.AccessionNumber);
        Assert.Null(r.CreationDate);
        Assert.Null(r.EmbargoDate);
        Assert.Null(r.MediaUrl);
        Assert.False(r.EndOfPage);
    }

    [Fact]
    public void Create_MissingObjectId_RequiredIssueSaysMissing()
    {
        var issue = SingleIssue(Create("""{"title":"T"}"""), RecordValidator.RuleRequired);
        Assert.Equal("ObjectID", issue.Field);
        Assert.Contains("missing", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    public void Create_EmptyObjectId_RequiredIssueSaysEmpty(string value)
    {
        var r = Create($$"""{"ObjectID":{{value}},"title":"T"}""");
        var issue = SingleIssue(r, RecordValidator.RuleRequired);
        Assert.Equal("ObjectID", issue.Field);
        Assert.Contains("empty", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MissingTitle_RequiredIssueOnTitle()
    {
        var issue = SingleIssue(Create("""{"ObjectID":"1"}"""), RecordValidator.RuleRequired);
        Assert.Equal("title", issue.Field);
        Assert.Contains("missing", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_EmptyTitle_RequiredIssueOnTitle()
    {
        var issue = SingleIssue(Create("""{"ObjectID":"1","title":""}"""), RecordValidator.RuleRequired);
        Assert.Equal("title", issue.Field);
        Assert.Contains("empty", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2019-02-30")]
    [InlineData("circa 1850")]
    [InlineData("31/12/2025")]
    public void Create_BadCreationDate_IsoDateIssueQuotesTheValue(string date)
    {
        var r = Create($$"""{"ObjectID":"1","title":"T","creation_date_iso":"{{date}}"}""");
        var issue = SingleIssue(r, RecordValidator.RuleIsoDate);
        Assert.Equal("creation_date_iso", issue.Field);
        Assert.Contains(date, issue.Message, StringComparison.Ordinal);
        Assert.Equal(date, r.CreationDate);
    }

    // Issue #17: the end of a creation date range, mapped with -FieldMap (or a config file's FieldMap) like any field.
    private static readonly FieldMap s_withEnd = FieldMap.Generic.With([new("creationEndDate", "end_date")]);

    [Fact]
    public void Create_CreationEndDateMapped_KeptAndValidLikeTheBegin()
    {
        var r = Create("""{"ObjectID":"1","title":"T","creation_date_iso":"-0044-03-15","end_date":"-0044-12"}""", s_withEnd);
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal(("-0044-03-15", "-0044-12"), (r.CreationDate, r.CreationEndDate));
    }

    [Fact]
    public void Create_GenericMap_LeavesTheEndUnmapped_EvenForAPropertyNamedEmpty()
    {
        Assert.Equal(string.Empty, FieldMap.Generic.CreationEndDate);
        var r = Create("""{"ObjectID":"1","title":"T","":"not a date","creation_end_date_iso":"1900"}""");
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Null(r.CreationEndDate);
    }

    [Theory]
    [InlineData("2019-02-30")]
    [InlineData("circa 1850")]
    public void Create_BadCreationEndDate_IsoDateIssueQuotesTheValue(string date)
    {
        var r = Create($$"""{"ObjectID":"1","title":"T","end_date":"{{date}}"}""", s_withEnd);
        var issue = SingleIssue(r, RecordValidator.RuleIsoDate);
        Assert.Equal("end_date", issue.Field);
        Assert.Contains(date, issue.Message, StringComparison.Ordinal);
        Assert.Equal(date, r.CreationEndDate);
    }

    [Fact]
    public void Create_CreationRangeEndsBeforeItBegins_InvalidNamingBothFieldsAndValues()
    {
        var r = Create("""{"ObjectID":"1","title":"T","creation_date_iso":"1889-06-15","end_date":"1889-05"}""", s_withEnd);
        var issue = SingleIssue(r, RecordValidator.RuleDateRange);
        Assert.Equal("end_date", issue.Field);
        Assert.Equal("The creation date range ends before it begins: 'creation_date_iso' is '1889-06-15' and 'end_date' is '1889-05'. Fix the dates at the source, or map the begin and end the other way round with -FieldMap (CreationDate, CreationEndDate).", issue.Message);
        Assert.True(Create("""{"ObjectID":"1","title":"T","creation_date_iso":"1889-06-15","end_date":"1889-06"}""", s_withEnd).IsValid);
    }

    [Fact]
    public void With_UnknownField_ListsCreationEndDate()
    {
        var ex = Assert.Throws<ArgumentException>(() => FieldMap.Generic.With([new("EndDate", "x")]));
        Assert.Contains("CreationEndDate", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("never")]
    [InlineData("2030-02-30")]
    [InlineData("2030")]
    public void Create_BadEmbargoDate_IsoDateIssueAndNoEmbargo(string date)
    {
        var r = Create($$"""{"ObjectID":"1","title":"T","embargo_date":"{{date}}"}""");
        var issue = SingleIssue(r, RecordValidator.RuleIsoDate);
        Assert.Equal("embargo_date", issue.Field);
        Assert.Contains(date, issue.Message, StringComparison.Ordinal);
        Assert.Null(r.EmbargoDate);
    }

    [Fact]
    public void Create_EmbargoAsDateTime_TakesTheDatePart()
    {
        var r = Create("""{"ObjectID":"1","title":"T","embargo_date":"2030-06-01T00:00:00Z"}""");
        Assert.True(r.IsValid);
        Assert.Equal(new DateOnly(2030, 6, 1), r.EmbargoDate);
    }

    [Fact]
    public void Create_UnknownAccessTier_VocabularyIssue()
    {
        var r = Create("""{"ObjectID":"1","title":"T","access_tier":"secret"}""");
        var issue = SingleIssue(r, RecordValidator.RuleVocabulary);
        Assert.Equal("access_tier", issue.Field);
        Assert.Contains("'secret'", issue.Message, StringComparison.Ordinal);
        Assert.Equal(AccessTier.Public, r.AccessTier);
    }

    [Fact]
    public void Create_AccessTierAbsent_IsPublic()
    {
        var r = Create("""{"ObjectID":"1","title":"T"}""");
        Assert.True(r.IsValid);
        Assert.Equal(AccessTier.Public, r.AccessTier);
    }

    [Fact]
    public void Create_AccessTierNull_IsPublic()
    {
        var r = Create("""{"ObjectID":"1","title":"T","access_tier":null}""");
        Assert.True(r.IsValid);
        Assert.Equal(AccessTier.Public, r.AccessTier);
    }

    [Theory]
    [InlineData("Research", AccessTier.Research)]
    [InlineData("RESEARCH", AccessTier.Research)]
    [InlineData("research", AccessTier.Research)]
    [InlineData("Public", AccessTier.Public)]
    [InlineData("Restricted", AccessTier.Restricted)]
    public void Create_AccessTierAnyCase_Parsed(string text, AccessTier expected)
    {
        var r = Create($$"""{"ObjectID":"1","title":"T","access_tier":"{{text}}"}""");
        Assert.True(r.IsValid);
        Assert.Equal(expected, r.AccessTier);
    }

    [Fact]
    public void Create_NumericObjectId_MappedAsItsText()
    {
        var r = Create("""{"ObjectID":123,"title":"T"}""");
        Assert.True(r.IsValid);
        Assert.Equal("123", r.ObjectId);
    }

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("[1,2]")]
    public void Create_ObjectOrArrayWhereScalarExpected_TypeIssue(string value)
    {
        var r = Create($$"""{"ObjectID":"1","title":{{value}}}""");
        Assert.False(r.IsValid);
        var type = Assert.Single(r.Issues, i => i.Rule == RecordValidator.RuleType);
        Assert.Equal("title", type.Field);
        Assert.Contains("'title'", type.Message, StringComparison.Ordinal);
        Assert.Null(r.Title);
        // The wrong shape leaves no title behind, so the record also lacks one.
        Assert.Contains(r.Issues, i => i.Rule == RecordValidator.RuleRequired && i.Field == "title");
    }

    [Fact]
    public void Create_CutLine_JsonIssueWithBytePosition()
    {
        const string cut = """{"ObjectID":"1","title":"Cylinder se""";
        var r = Create(cut);
        var issue = SingleIssue(r, RecordValidator.RuleJson);
        Assert.Equal("(record)", issue.Field);
        Assert.Matches(@"byte \d+", issue.Message);
        Assert.Equal(cut, r.RawJson);
    }

    [Fact]
    public void Create_JsonArrayLine_JsonIssueSaysArray()
    {
        var issue = SingleIssue(Create("""[{"ObjectID":"1","title":"T"}]"""), RecordValidator.RuleJson);
        Assert.Equal("(record)", issue.Field);
        Assert.Contains("an array", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"ObjectID":"1","title":"T"}{"ObjectID":"2","title":"U"}""")]
    [InlineData("""{"ObjectID":"1","title":"T"} trailing""")]
    [InlineData("""{"ObjectID":"1","title":"T"},""")]
    public void Create_TrailingContentAfterObject_JsonIssue(string line)
    {
        var issue = SingleIssue(Create(line), RecordValidator.RuleJson);
        Assert.Equal("(record)", issue.Field);
        Assert.False(string.IsNullOrWhiteSpace(issue.Message));
    }

    [Fact]
    public void Create_TrailingWhitespace_IsValid()
    {
        Assert.True(Create("{\"ObjectID\":\"1\",\"title\":\"T\"}  \t").IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    public void Create_NotAnObject_JsonIssue(string line)
    {
        var issue = SingleIssue(Create(line), RecordValidator.RuleJson);
        Assert.Equal("(record)", issue.Field);
        Assert.Contains("JSON", issue.Message, StringComparison.Ordinal);
        Assert.Contains("Fix the source", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnknownAndNestedProperties_SkippedWithoutIssues()
    {
        const string json = """
            {"extra":{"title":"nested, not mine","ObjectID":"nested","deeper":[{"a":[1,2,{"b":null}]}]},
             "ObjectID":"7","tags":[{"term":"seal"}],"title":"Top-level title","n":1.5e3,"flag":true}
            """;
        var r = Create(json);
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal("7", r.ObjectId);
        Assert.Equal("Top-level title", r.Title);
    }

    [Fact]
    public void Create_EscapedPropertyNameAndValue_Unescaped()
    {
        var r = Create("""{"Object\u0049D":"1","title":"caf\u00e9 \"quoted\""}""");
        Assert.True(r.IsValid);
        Assert.Equal("1", r.ObjectId);
        Assert.Equal("café \"quoted\"", r.Title);
    }

    [Theory]
    [InlineData("media_url", "images/42.jpg")]
    [InlineData("media_url", "/images/42.jpg")]
    [InlineData("media_url", "ftp://img.example.org/42.jpg")]
    [InlineData("iiif_manifest_url", "manifest.json")]
    public void Create_NonHttpAbsoluteUrl_AbsoluteUrlIssue(string field, string url)
    {
        var r = Create($$"""{"ObjectID":"1","title":"T","{{field}}":"{{url}}"}""");
        var issue = SingleIssue(r, RecordValidator.RuleUrl);
        Assert.Equal(field, issue.Field);
        Assert.Contains(url, issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ManyProblems_EveryIssueNamesAFieldAndHasAMessage()
    {
        var r = Create("""{"ObjectID":"","title":{"x":1},"creation_date_iso":"2019-02-30","embargo_date":"never","access_tier":"secret","media_url":"x.jpg","iiif_manifest_url":"y"}""");

        Assert.False(r.IsValid);
        Assert.True(r.Issues.Count >= 7, string.Join("; ", r.Issues));
        foreach (var i in r.Issues)
        {
            Assert.False(string.IsNullOrWhiteSpace(i.Field));
            Assert.False(string.IsNullOrWhiteSpace(i.Rule));
            Assert.True(i.Message.Length > 20, i.Message);
            Assert.Contains(i.Field, i.ToString(), StringComparison.Ordinal);
        }
        var fields = r.Issues.Select(i => i.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "ObjectID", "title", "creation_date_iso", "embargo_date", "access_tier", "media_url", "iiif_manifest_url" }, fields);
    }

    [Fact]
    public void Create_DuplicateProperty_LastValueWins()
    {
        var r = Create("""{"ObjectID":{"x":1},"ObjectID":"2","title":"T"}""");
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal("2", r.ObjectId);
    }

    [Fact]
    public void Create_CustomFieldMap_ReadsMappedNames()
    {
        var map = new FieldMap { ObjectId = "id", Title = "name" };
        var r = Create("""{"id":5,"name":"Mapped","ObjectID":"ignored"}""", map);
        Assert.True(r.IsValid);
        Assert.Equal("5", r.ObjectId);
        Assert.Equal("Mapped", r.Title);

        var missing = Create("""{"ObjectID":"1","title":"T"}""", map);
        Assert.Equal(new[] { "id", "name" }, missing.Issues.Select(i => i.Field));
    }

    // JsonRecordMapper.Read catches only JsonException; Utf8JsonReader.GetString throws InvalidOperationException on bad UTF-8.
    [Fact]
    public void Create_InvalidUtf8InMappedString_JsonIssueNotException()
    {
        byte[] bytes = [.. "{\"ObjectID\":\"1\",\"title\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        var r = new RecordFactory(FieldMap.Generic).Create(bytes, s_origin, null, false);
        Assert.False(r.IsValid);
        Assert.Contains(r.Issues, i => i.Rule == RecordValidator.RuleJson);
    }

    [MetFixtureFact]
    public void Read_MetObjectFixture_MapsIdTitleAndAccessionNumber()
    {
        var path = MetFixtureFactAttribute.FixturePath!;
        var bytes = File.ReadAllBytes(path);
        var map = new FieldMap { ObjectId = "objectID", Title = "title", AccessionNumber = "accessionNumber" };

        var r = new RecordFactory(map).Create(bytes, s_origin, null, true);

        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal("321412", r.ObjectId);
        Assert.Equal("Cylinder seal and modern impression: seated figure holding the tail of a griffin", r.Title);
        Assert.Equal("74.51.4312", r.AccessionNumber);
        Assert.Equal(AccessTier.Public, r.AccessTier);

        var raw = new JsonRecordMapper(map).Read(bytes);
        Assert.Null(raw.JsonError);
        Assert.True(raw.WasNumber[(int)MappedField.ObjectId]);
    }
}

/// <summary>A fact that skips, saying why, when the shared Met fixture is not next to the repository.</summary>
public sealed class MetFixtureFactAttribute : FactAttribute
{
    public static string? FixturePath { get; } = Locate();

    public MetFixtureFactAttribute()
    {
        if (FixturePath is null)
        {
            Skip = $"The shared fixture fixtures/api/met-collection-api/object321412.json was not found in <repo root>/../shared (repo root: {TestPaths.RepoRoot ?? "MuseumSync.sln not found above " + AppContext.BaseDirectory}).";
        }
    }

    private static string? Locate()
    {
        var shared = TestPaths.SharedDirectory;
        if (shared is null) return null;
        var p = Path.Combine(shared, "fixtures", "api", "met-collection-api", "object321412.json");
        return File.Exists(p) ? p : null;
    }
}
