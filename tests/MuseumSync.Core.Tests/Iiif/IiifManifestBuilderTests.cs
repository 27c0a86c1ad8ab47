using System.Text.Json;
using MuseumSync.Core.Tests.Lido;
using MuseumSync.Iiif;

namespace MuseumSync.Core.Tests.Iiif;

public sealed class IiifManifestBuilderTests
{
    private static readonly IiifValidator s_validator = new();

    private static MuseumRecord Record(string id = "7", string? media = "https://media.sample-museum.example/iiif/3/7/full/max/0/default.jpg", string? rights = "https://creativecommons.org/publicdomain/zero/1.0/", string raw = "{}") => new()
    {
        Source = "demo",
        ObjectId = id,
        AccessionNumber = "1889.7",
        Title = "Натюрморт с самоваром \"🎨\"",
        CreationDate = "1889-06",
        RightsStatement = rights,
        MediaUrl = media,
        IiifManifestUrl = $"https://iiif.sample-museum.example/manifests/{id}/manifest.json",
        RawJson = raw,
    };

    [Fact]
    public void Build_RecordWithIiifImage_ValidManifestWithServiceRightsAndMetadata()
    {
        var m = new IiifManifestBuilder().Build(Record());

        var r = s_validator.Validate(m.Json);
        Assert.True(r.IsValid, string.Join(Environment.NewLine, r.Errors));
        using var doc = JsonDocument.Parse(m.Json);
        var root = doc.RootElement;
        Assert.Equal("https://iiif.sample-museum.example/manifests/7/manifest.json", root.GetProperty("id").GetString());
        Assert.Equal("Натюрморт с самоваром \"🎨\"", root.GetProperty("label").GetProperty("none")[0].GetString());
        Assert.Equal("http://creativecommons.org/publicdomain/zero/1.0/", root.GetProperty("rights").GetString());
        Assert.Equal("Attribution", root.GetProperty("requiredStatement").GetProperty("label").GetProperty("en")[0].GetString());
        var metadata = root.GetProperty("metadata").EnumerateArray().ToDictionary(e => e.GetProperty("label").GetProperty("en")[0].GetString()!, e => e.GetProperty("value").GetProperty("none")[0].GetString());
        Assert.Equal("7", metadata["Object ID"]);
        Assert.Equal("1889.7", metadata["Accession number"]);
        Assert.Equal("1889-06", metadata["Date"]);
        var canvas = Assert.Single(root.GetProperty("items").EnumerateArray());
        Assert.Equal("https://iiif.sample-museum.example/manifests/7/canvas/1", canvas.GetProperty("id").GetString());
        var body = canvas.GetProperty("items")[0].GetProperty("items")[0].GetProperty("body");
        Assert.Equal("image/jpeg", body.GetProperty("format").GetString());
        var service = Assert.Single(body.GetProperty("service").EnumerateArray());
        Assert.Equal("https://media.sample-museum.example/iiif/3/7", service.GetProperty("id").GetString());
        Assert.Equal("ImageService3", service.GetProperty("type").GetString());
        Assert.True(m.HasImageService);
        Assert.Equal(1, m.CanvasCount);
        Assert.Equal(m.Json, m.ToString());
    }

    // Issue #17: a creation date range shows as "begin – end" where the manifest shows the date.
    [Fact]
    public void Build_CreationRange_DateMetadataShowsBeginToEnd()
    {
        var record = Record();
        var ranged = new MuseumRecord
        {
            Source = record.Source, ObjectId = record.ObjectId, Title = record.Title, CreationDate = "-1400", CreationEndDate = "-1300",
            RightsStatement = record.RightsStatement, MediaUrl = record.MediaUrl, IiifManifestUrl = record.IiifManifestUrl, RawJson = record.RawJson,
        };

        var m = new IiifManifestBuilder().Build(ranged);

        Assert.True(s_validator.Validate(m.Json).IsValid);
        using var doc = JsonDocument.Parse(m.Json);
        var metadata = doc.RootElement.GetProperty("metadata").EnumerateArray().ToDictionary(e => e.GetProperty("label").GetProperty("en")[0].GetString()!, e => e.GetProperty("value").GetProperty("none")[0].GetString());
        Assert.Equal("-1400 – -1300", metadata["Date"]);
    }

    [Fact]
    public void Build_PlainImageAndAdditionalImages_OneCanvasPerImageNoService()
    {
        var raw = """{"additionalImages": ["https://images.example/7-b.png", "not a url", "https://images.example/7-c.tif"]}""";
        var m = new IiifManifestBuilder().Build(Record(media: "https://images.example/7-a.jpg", raw: raw));
        Assert.True(s_validator.Validate(m.Json).IsValid);
        Assert.Equal(3, m.CanvasCount);
        Assert.False(m.HasImageService);
        using var doc = JsonDocument.Parse(m.Json);
        Assert.False(doc.RootElement.TryGetProperty("thumbnail", out _));
        Assert.Equal(["image/jpeg", "image/png", "image/tiff"], doc.RootElement.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("items")[0].GetProperty("items")[0].GetProperty("body").GetProperty("format").GetString()));
    }

    [Theory]
    [InlineData("http://rightsstatements.org/vocab/InC/1.0/", "http://rightsstatements.org/vocab/InC/1.0/")]
    [InlineData("https://creativecommons.org/licenses/by-sa/4.0/deed.de", "http://creativecommons.org/licenses/by-sa/4.0/")]
    [InlineData("http://www.europeana.eu/rights/rr-f/", null)]
    [InlineData(null, null)]
    public void Build_RightsStatements_HttpFormOrMetadata(string? rights, string? expected)
    {
        var m = new IiifManifestBuilder().Build(Record(rights: rights));
        Assert.True(s_validator.Validate(m.Json).IsValid, m.Json);
        using var doc = JsonDocument.Parse(m.Json);
        Assert.Equal(expected, doc.RootElement.TryGetProperty("rights", out var r) ? r.GetString() : null);
        if (rights is not null && expected is null)
        {
            Assert.Contains(doc.RootElement.GetProperty("metadata").EnumerateArray(), e => e.GetProperty("value").GetProperty("none")[0].GetString() == rights);
        }
    }

    [Fact]
    public void Build_BaseUri_NamesTheManifestAndItsCanvases()
    {
        var m = new IiifManifestBuilder(new IiifManifestOptions { BaseUri = new Uri("https://iiif.example.org/m"), CanvasWidth = 640, CanvasHeight = 480 }).Build(Record(id: "A B/7"));
        Assert.Equal("https://iiif.example.org/m/demo/A%20B%2F7/manifest.json", m.Id);
        Assert.Contains("\"width\": 640", m.Json, StringComparison.Ordinal);
        Assert.True(s_validator.Validate(m.Json).IsValid);
    }

    [Fact]
    public void CannotBuild_NoMediaNoIdOrInvalid_Reasons()
    {
        var builder = new IiifManifestBuilder();
        Assert.Contains("has no media URL", builder.CannotBuild(Record(media: null)), StringComparison.Ordinal);
        Assert.Contains("has no media URL", builder.CannotBuild(Record(media: "images/7.jpg")), StringComparison.Ordinal);
        var noManifestUrl = new MuseumRecord { Source = "demo", ObjectId = "9", Title = "t", MediaUrl = "https://x.org/a.jpg", RawJson = "{}" };
        Assert.Contains("give -BaseUri", builder.CannotBuild(noManifestUrl), StringComparison.Ordinal);
        var invalid = new MuseumRecord { Source = "demo", ObjectId = "9", RawJson = "x", Issues = [new ValidationIssue("title", "required", "'title' is missing")] };
        Assert.Contains("is invalid", builder.CannotBuild(invalid), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => builder.Build(Record(media: null)));
    }

    [Theory]
    [InlineData("https://iiif.example.org/iiif/3/abc/full/max/0/default.jpg", "https://iiif.example.org/iiif/3/abc", 3)]
    [InlineData("https://iiif.example.org/iiif/2/abc/full/full/0/default.jpg", "https://iiif.example.org/iiif/2/abc", 2)]
    [InlineData("https://images.example.org/prefix/abc/0,0,500,500/!200,200/90/gray.png", "https://images.example.org/prefix/abc", 3)]
    [InlineData("https://images.example.org/iiif/abc/info.json", "https://images.example.org/iiif/abc", 3)]
    [InlineData("https://iiif.example.org/iiif/2/abc/full/pct:50/0/default.jpg?x=1", "https://iiif.example.org/iiif/2/abc", 2)]
    public void ImageApiUrl_IiifUrls_ServiceAndVersion(string url, string service, int version)
    {
        Assert.True(IiifImageApiUrl.TryParse(url, out var s, out var v));
        Assert.Equal((service, version), (s, v));
    }

    [Theory]
    [InlineData("https://images.example.org/photos/abc.jpg")]
    [InlineData("https://images.example.org/full/max/0/default.jpg")]
    [InlineData("not a url")]
    public void ImageApiUrl_OtherUrls_NotRecognized(string url) => Assert.False(IiifImageApiUrl.TryParse(url, out _, out _));

    [IiifFixtureFact]
    public void Build_ManySampleLikeRecords_EveryManifestPassesOurValidatorAndTheOfficialSchema()
    {
        var rights = new[] { "http://rightsstatements.org/vocab/InC/1.0/", "https://creativecommons.org/publicdomain/mark/1.0/", "https://creativecommons.org/licenses/by-nc-sa/4.0/", "http://rightsstatements.org/vocab/UND/1.0/", "local:rights" };
        var media = new[] { "https://media.sample-museum.example/iiif/3/{0}/full/max/0/default.jpg", "https://img.example/iiif/2/{0}/full/full/0/default.jpg", "https://img.example/{0}.png" };
        var builder = new IiifManifestBuilder();
        for (var i = 0; i < 60; i++)
        {
            var m = builder.Build(Record(id: i.ToString(System.Globalization.CultureInfo.InvariantCulture), media: string.Format(System.Globalization.CultureInfo.InvariantCulture, media[i % media.Length], i), rights: rights[i % rights.Length]));
            Assert.True(s_validator.Validate(m.Json).IsValid, m.Json);
            Assert.True(OfficialIiifSchema.IsValid(m.Json), OfficialIiifSchema.Errors(m.Json) + Environment.NewLine + m.Json);
        }
    }
}
