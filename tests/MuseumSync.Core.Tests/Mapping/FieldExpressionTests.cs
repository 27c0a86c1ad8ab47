using System.Text;
using MuseumSync.Mapping;

namespace MuseumSync.Core.Tests.Mapping;

public class FieldExpressionTests
{
    private static readonly RecordOrigin s_origin = new("s", null, 1, 1, null, null, default);

    private static MuseumRecord Map(string json, Dictionary<string, string?> overrides) =>
        new RecordFactory(FieldMap.Generic.With(overrides)).Create(Encoding.UTF8.GetBytes(json), s_origin, null, false);

    [Fact]
    public void Paths_NestedObjectsAndArrays_Read()
    {
        var r = Map("""{"id":7,"meta":{"titles":[{"v":"A"},{"v":"B"}]},"images":[{"b":{"url":"https://i.example.org/b.jpg"}}],"other":{"deep":[1,2,3]}}""",
            new() { ["ObjectId"] = "id", ["Title"] = "meta.titles[1].v", ["MediaUrl"] = "images[0].b.url" });
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal(("7", "B", "https://i.example.org/b.jpg"), (r.ObjectId, r.Title, r.MediaUrl));
    }

    [Fact]
    public void FirstOf_TakesTheFirstNonEmpty()
    {
        var r = Map("""{"id":"1","accession_number":"","invno":"1901-39-3282","title":"T"}""", new() { ["ObjectId"] = "id", ["AccessionNumber"] = "accession_number | invno" });
        Assert.Equal("1901-39-3282", r.AccessionNumber);
    }

    [Theory]
    [InlineData("1865", "1865")]
    [InlineData("-1400", "-1400")] // the Met's objectBeginDate for "ca. 14th century B.C." (fixtures/api/met-collection-api/object321412.json)
    [InlineData("-44", "-0044")]
    [InlineData("12345", "+12345")]
    [InlineData("1e10", null)]
    [InlineData("0", null)]
    [InlineData("\"1812\"", "1812")]
    [InlineData("812", "0812")]
    public void Year_IsoYearOrNothing(string value, string? expected)
    {
        var r = Map($$"""{"id":"1","title":"T","begin":{{value}}}""", new() { ["ObjectId"] = "id", ["CreationDate"] = "year(begin)" });
        Assert.Equal(expected, r.CreationDate);
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
    }

    [Fact]
    public void Template_FilledFromPaths_AndNothingWhenAValueIsMissing()
    {
        var map = new Dictionary<string, string?> { ["ObjectId"] = "id", ["MediaUrl"] = "https://www.artic.edu/iiif/2/{image_id}/full/843,/0/default.jpg" };
        Assert.Equal("https://www.artic.edu/iiif/2/abc/full/843,/0/default.jpg", Map("""{"id":4,"title":"T","image_id":"abc"}""", map).MediaUrl);
        Assert.Null(Map("""{"id":4,"title":"T","image_id":null}""", map).MediaUrl);
    }

    [Fact]
    public void Choice_OnTruthiness()
    {
        var map = new Dictionary<string, string?> { ["ObjectId"] = "id", ["RightsStatement"] = "pd ? 'https://creativecommons.org/publicdomain/zero/1.0/' : 'http://rightsstatements.org/vocab/InC/1.0/'" };
        Assert.Equal("https://creativecommons.org/publicdomain/zero/1.0/", Map("""{"id":1,"title":"T","pd":true}""", map).RightsStatement);
        Assert.Equal("http://rightsstatements.org/vocab/InC/1.0/", Map("""{"id":1,"title":"T","pd":false}""", map).RightsStatement);
    }

    [Fact]
    public void NameWithColon_IsAPathNotAChoice()
    {
        var r = Map("""{"tms:id":"227901","title":"T"}""", new() { ["ObjectId"] = "tms:id" });
        Assert.Equal("227901", r.ObjectId);
    }

    [Fact]
    public void Unmapped_FieldIgnored()
    {
        var r = Map("""{"ObjectID":"1","title":"T","access_tier":"secret"}""", new() { ["AccessTier"] = "" });
        Assert.True(r.IsValid);
    }

    [Fact]
    public void WrongShapeAndErrors_ReportedLikeTheFastMapper()
    {
        var r = Map("""{"id":"1","title":{"en":"T"}}""", new() { ["ObjectId"] = "id | ObjectID" });
        Assert.Contains(r.Issues, i => i.Rule == "type");
        var broken = Map("""{"id":"1","title":""", new() { ["ObjectId"] = "id | ObjectID" });
        Assert.Equal("json", Assert.Single(broken.Issues).Rule);
    }

    [Fact]
    public void With_UnknownFieldOrBadExpression_SaysWhatIsAllowed()
    {
        var unknown = Assert.Throws<ArgumentException>(() => FieldMap.Generic.With([new("Colour", "c")]));
        Assert.Contains("ObjectId", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => FieldMap.Generic.With([new("Title", "upper(title)")]));
    }
}
