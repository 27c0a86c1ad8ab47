using System.Text;
using MuseumSync.Mapping;
using MuseumSync.Polling;
using MuseumSync.Profiles;

namespace MuseumSync.Core.Tests.Profiles;

/// <summary>Each profile's field map against the real API answers in ../shared/fixtures/api/.</summary>
public class ProfileFixtureTests
{
    private static readonly RecordOrigin s_origin = new("s", null, 1, 1, null, null, default);

    private static string Fixture(params string[] parts) => Path.Combine([TestPaths.SharedDirectory!, "fixtures", "api", .. parts]);

    private static MuseumRecord Map(SourceProfile profile, byte[] json) => new RecordFactory(profile.FieldMap).Create(json, s_origin, null, false);

    [Fact]
    public void Met_Object321412()
    {
        var r = Map(SourceProfiles.Met, File.ReadAllBytes(Fixture("met-collection-api", "object321412.json")));
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal("321412", r.ObjectId);
        Assert.Equal("74.51.4312", r.AccessionNumber);
        Assert.Equal("Cylinder seal and modern impression: seated figure holding the tail of a griffin", r.Title);
        Assert.Equal("-1400", r.CreationDate); // objectBeginDate -1400 ("ca. 14th century B.C."): a year before the common era, issue #17
        Assert.Equal("-1300", r.CreationEndDate); // objectEndDate -1300: the end of that range, issue #17
        Assert.Equal("https://creativecommons.org/publicdomain/zero/1.0/", r.RightsStatement);
        Assert.Equal("https://images.metmuseum.org/CRDImages/an/original/ss74_51_4312.jpg", r.MediaUrl);
    }

    [Fact]
    public async Task Met_Department3_IsAnIdListTheFanOutRecognises()
    {
        await using var stream = File.OpenRead(Fixture("met-collection-api", "department3.json"));
        var scan = await MuseumSync.Json.JsonPageScan.ScanAsync(stream, null, [], default);
        Assert.Equal("objectIDs", scan.ItemsPath);
        Assert.Equal(6222, scan.ItemCount);
    }

    [Fact]
    public void ArtInstituteOfChicago_Artwork4FromTheDataDump()
    {
        var r = Map(SourceProfiles.ArtInstituteOfChicago, File.ReadAllBytes(Fixture("art-institute-of-chicago", "api-data", "json", "artworks", "4.json")));
        Assert.True(r.IsValid, string.Join("; ", r.Issues));
        Assert.Equal("4", r.ObjectId);
        Assert.Equal("1880.1", r.AccessionNumber);
        Assert.Equal("Priest and Boy", r.Title);
        Assert.Equal("1865", r.CreationDate);
        Assert.Equal("1880", r.CreationEndDate); // date_end
        Assert.Equal("https://creativecommons.org/publicdomain/zero/1.0/", r.RightsStatement);
        Assert.Equal("https://www.artic.edu/iiif/2/1753b638-d4fb-8e45-3db9-92dde7f053da/full/843,/0/default.jpg", r.MediaUrl);
        Assert.Equal("https://api.artic.edu/api/v1/artworks/4/manifest.json", r.IiifManifestUrl);
    }

    [Fact]
    public async Task ArtInstituteOfChicago_PagedListFixture_ReadThroughAPollAndPagingFactsFound()
    {
        var body = await File.ReadAllTextAsync(Fixture("art-institute-of-chicago", "HealthCheckResponseDataMock.json"));
        await using var server = await MuseumSync.Core.Tests.Polling.TestApiServer.StartAsync((ctx, _) => MuseumSync.Core.Tests.Polling.PollTestKit.WriteJsonAsync(ctx, body));
        var aic = SourceProfiles.ArtInstituteOfChicago;
        using var http = MuseumSync.Core.Tests.Polling.PollTestKit.Client();
        var records = await MuseumSync.Core.Tests.Polling.PollTestKit.PollAllAsync(
            MuseumSync.Core.Tests.Polling.PollTestKit.Poller(http, new MuseumSync.Core.Tests.Polling.InstantTime()),
            new PollRequest { Uri = server.Url("api/v1/artworks"), Source = "aic", Paging = aic.Paging, PageSize = 5, ItemsPath = aic.ItemsPath, TotalPagesPath = aic.TotalPagesPath, TotalPath = aic.TotalPath, FieldMap = aic.FieldMap, MaxPages = 1, Resilience = MuseumSync.Core.Tests.Polling.PollTestKit.FastResilience() });

        Assert.Equal(5, records.Count);
        Assert.Equal("Blue and Green Music", records[0].Title);
        // The fixture asked only for title, artist_display and thumbnail: no id, so each is dead-lettered with a clear reason.
        Assert.All(records, r => Assert.Contains(r.Issues, i => i.Field == "id" && i.Rule == "required"));
        Assert.Equal("2", records[^1].ResumePosition); // total_pages 22952: page 2 is next
        Assert.False(records[^1].EndOfFeed);
    }

    [Fact]
    public void CooperHewitt_BothSchemaGenerations()
    {
        var older = Map(SourceProfiles.CooperHewitt, File.ReadAllBytes(Fixture("cooper-hewitt", "objects", "10000.json")));
        Assert.True(older.IsValid, string.Join("; ", older.Issues));
        Assert.Equal(("10000", "1901-39-3282", "Ceres is told of the Rape of Proserpina", "1812"), (older.ObjectId, older.AccessionNumber, older.Title, older.CreationDate));
        Assert.Equal("1812", older.CreationEndDate); // date_end
        Assert.Equal("https://d2lp2xklsr2xgg.cloudfront.net/media/350/chw1369.JPG", older.MediaUrl);

        var newer = Map(SourceProfiles.CooperHewitt, File.ReadAllBytes(Fixture("cooper-hewitt", "objects", "18704235.json")));
        Assert.True(newer.IsValid, string.Join("; ", newer.Issues));
        Assert.Equal(("18704235", "2008-30-1-a/k", "2002"), (newer.ObjectId, newer.AccessionNumber, newer.CreationDate));
        Assert.Equal("2002", newer.CreationEndDate); // year_end
        Assert.Equal("http://images.collection.cooperhewitt.org.s3.amazonaws.com/21310_670174e589d6b723_b.jpg", newer.MediaUrl);
    }

    [Fact]
    public void HarvardAndSmithsonian_DocumentedShapes()
    {
        // No redistributable real answer exists for these two (see fixtures/api/README.md); these follow their published docs.
        var harvard = Map(SourceProfiles.HarvardArtMuseums, Encoding.UTF8.GetBytes("""{"objectid":299843,"objectnumber":"1943.1071","title":"Self-Portrait","datebegin":1889,"dateend":1890,"primaryimageurl":"https://nrs.harvard.edu/urn-3:HUAM:DDC251942_dynmc","copyright":null}"""));
        Assert.True(harvard.IsValid, string.Join("; ", harvard.Issues));
        Assert.Equal(("299843", "1943.1071", "1889", "https://iiif.harvardartmuseums.org/manifests/object/299843"), (harvard.ObjectId, harvard.AccessionNumber, harvard.CreationDate, harvard.IiifManifestUrl));
        Assert.Equal("1890", harvard.CreationEndDate);

        var si = Map(SourceProfiles.SmithsonianOpenAccess, Encoding.UTF8.GetBytes("""{"id":"edanmdm-nmah_1","title":"Bicycle","content":{"descriptiveNonRepeating":{"record_ID":"nmah_1","metadata_usage":{"access":"CC0"},"online_media":{"media":[{"content":"https://ids.si.edu/ids/deliveryService?id=NMAH-1"}]}},"freetext":{"identifier":[{"label":"ID Number","content":"1987.0001.01"}],"date":[{"content":"1870s"}]}}}"""));
        Assert.True(si.IsValid, string.Join("; ", si.Issues));
        Assert.Equal(("edanmdm-nmah_1", "1987.0001.01", "CC0", "https://ids.si.edu/ids/deliveryService?id=NMAH-1"), (si.ObjectId, si.AccessionNumber, si.RightsStatement, si.MediaUrl));
    }

    [Fact]
    public void Get_UnknownName_ListsTheProfiles()
    {
        Assert.Same(SourceProfiles.Met, SourceProfiles.Get("met"));
        var ex = Assert.Throws<ArgumentException>(() => SourceProfiles.Get("Louvre"));
        Assert.Contains("ArtInstituteOfChicago", ex.Message, StringComparison.Ordinal);
        Assert.All(SourceProfiles.All, p => _ = p.FieldMap.With([]));
    }

    // Issue #17: the Met's real object with its begin and end years swapped (as a source that stores them the wrong way
    // round would send it) is invalid, and the reason names both fields and both values.
    [Fact]
    public void Met_Object321412_BeginAfterEnd_InvalidWithBothValues()
    {
        var json = File.ReadAllText(Fixture("met-collection-api", "object321412.json"))
            .Replace("\"objectBeginDate\": -1400", "\"objectBeginDate\": -1300", StringComparison.Ordinal)
            .Replace("\"objectEndDate\": -1300", "\"objectEndDate\": -1400", StringComparison.Ordinal);
        var r = Map(SourceProfiles.Met, Encoding.UTF8.GetBytes(json));

        var issue = Assert.Single(r.Issues);
        Assert.Equal(MuseumSync.Validation.RecordValidator.RuleDateRange, issue.Rule);
        Assert.Equal("year(objectEndDate)", issue.Field);
        Assert.Equal("The creation date range ends before it begins: 'year(objectBeginDate)' is '-1300' and 'year(objectEndDate)' is '-1400'. Fix the dates at the source, or map the begin and end the other way round with -FieldMap (CreationDate, CreationEndDate).", issue.Message);
        Assert.Equal(("-1300", "-1400"), (r.CreationDate, r.CreationEndDate));
    }
}
