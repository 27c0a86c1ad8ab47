using System.Text;
using Microsoft.Extensions.Time.Testing;
using MuseumSync.Compliance;
using MuseumSync.Mapping;
using MuseumSync.Profiles;

namespace MuseumSync.Core.Tests.Profiles;

/// <summary>
/// Issue #17: collection-level rights. Cooper Hewitt's records carry no rights field, but the collection is CC0 as a whole
/// ("Cooper Hewitt has licensed this release under a Creative Commons Zero (CC0) license",
/// https://github.com/cooperhewitt/collection README; see fixtures/api/cooper-hewitt/README.md), so its real records must
/// not be dead-lettered as rights-missing.
/// </summary>
public class CollectionRightsTests
{
    private const string Cc0 = "https://creativecommons.org/publicdomain/zero/1.0/";
    private static readonly RecordOrigin s_origin = new("cooperhewitt", null, 1, 1, null, null, default);

    private static string Fixture(params string[] parts) => Path.Combine([TestPaths.SharedDirectory!, "fixtures", "api", .. parts]);

    private static ComplianceEngine Engine() => new(ComplianceRuleSet.Default, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    [Theory]
    [InlineData("10000.json")]
    [InlineData("18704235.json")]
    public void CooperHewitt_RealRecords_GetTheCollectionsCc0AndArePublic(string file)
    {
        var record = new RecordFactory(SourceProfiles.CooperHewitt.FieldMap).Create(File.ReadAllBytes(Fixture("cooper-hewitt", "objects", file)), s_origin, null, false);

        var decided = Engine().Apply(record, out var decision);

        Assert.Equal(Cc0, record.RightsStatement);
        Assert.True(decided.IsValid, string.Join("; ", decided.Issues));
        Assert.Equal(AccessTier.Public, decision!.AssignedTier);
        Assert.Equal("rights-public-domain", decision.Rule);
    }

    [Fact]
    public void CollectionRights_ARecordsOwnRightsWin_AndSurviveAFieldMapOverride()
    {
        var map = SourceProfiles.CooperHewitt.FieldMap.With([new("RightsStatement", "rights")]);
        var own = new RecordFactory(map).Create(Encoding.UTF8.GetBytes("""{"id":"1","title":"T","rights":"http://rightsstatements.org/vocab/InC/1.0/"}"""), s_origin, null, false);
        var none = new RecordFactory(map).Create(Encoding.UTF8.GetBytes("""{"id":"2","title":"T","rights":""}"""), s_origin, null, false);

        Assert.Equal("http://rightsstatements.org/vocab/InC/1.0/", own.RightsStatement);
        Assert.Equal(Cc0, none.RightsStatement);
        Assert.Equal(Cc0, map.CollectionRights);
    }

    [Fact]
    public void Profiles_CollectionRights_ComeWithTheirSource()
    {
        Assert.All(SourceProfiles.All.Where(p => p.CollectionRights is not null), p => Assert.NotNull(p.CollectionRightsSource));
        Assert.Null(SourceProfiles.Generic.FieldMap.CollectionRights);
    }
    /// <summary>
    /// Issue #17: the Smithsonian Open Access API gives rights as the text <c>CC0</c> in
    /// <c>content.descriptiveNonRepeating.metadata_usage.access</c> (https://edan.si.edu/openaccess/apidocs/); the record
    /// keeps that text and the built-in rules route it as open, while "Usage conditions apply" stays unclassified.
    /// </summary>
    [Theory]
    [InlineData("CC0", true)]
    [InlineData(" cc0 ", true)]
    [InlineData("CC0-1.0", true)]
    [InlineData("Usage conditions apply", false)]
    public void Smithsonian_TextRights_Cc0IsPublic_UsageConditionsStayUnclassified(string access, bool open)
    {
        var json = """{"id":"edanmdm-nmah_1","title":"Bicycle","content":{"descriptiveNonRepeating":{"record_ID":"nmah_1","metadata_usage":{"access":"ACCESS"},"online_media":{"media":[{"content":"https://ids.si.edu/ids/deliveryService?id=NMAH-1"}]}},"freetext":{"identifier":[{"label":"ID Number","content":"1987.0001.01"}]}}}""";
        var record = new RecordFactory(SourceProfiles.SmithsonianOpenAccess.FieldMap).Create(Encoding.UTF8.GetBytes(json.Replace("ACCESS", access, StringComparison.Ordinal)), s_origin with { Source = "si" }, null, false);

        var decided = Engine().Apply(record, out var decision);

        Assert.Equal(access, record.RightsStatement);
        if (open)
        {
            Assert.True(decided.IsValid, string.Join("; ", decided.Issues));
            Assert.Equal(AccessTier.Public, decision!.AssignedTier);
            Assert.Equal("rights-public-domain", decision.Rule);
            Assert.Equal(AccessTier.Public, Engine().Apply(record).AssignedAccessTier); // the sync path too
        }
        else
        {
            Assert.False(decided.IsValid);
            Assert.Null(decision!.AssignedTier);
        }
    }
}
