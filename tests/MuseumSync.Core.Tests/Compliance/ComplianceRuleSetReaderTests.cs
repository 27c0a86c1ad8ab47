using System.Collections;
using MuseumSync.Compliance;

namespace MuseumSync.Core.Tests.Compliance;

public sealed class ComplianceRuleSetReaderTests
{
    [Fact]
    public void Read_FullFile_AllSettingsAndRulesInOrder()
    {
        var data = new Hashtable(StringComparer.OrdinalIgnoreCase)
        {
            ["Rules"] = new object[]
            {
                new Hashtable { ["Id"] = "museum-inhouse", ["Match"] = "https://museum.example/rights/inhouse", ["Tier"] = "restricted" },
                new Hashtable { ["id"] = "europeana-rr-f", ["match"] = "http://www.europeana.eu/rights/rr-f/*", ["tier"] = "Research", ["Description"] = "Europeana rights reserved, free access" },
            },
            ["IncludeDefaultRules"] = true,
            ["MissingRights"] = "Restricted",
            ["UnknownRights"] = "DeadLetter",
            ["KeepStricterArrivedTier"] = false,
        };

        var set = ComplianceRuleSetReader.Read(data, "/etc/rules.psd1");

        Assert.Equal(["museum-inhouse", "europeana-rr-f"], set.Rules.Select(r => r.Id));
        Assert.Equal(AccessTier.Restricted, set.Rules[0].Tier);
        Assert.Equal("Europeana rights reserved, free access", set.Rules[1].Description);
        Assert.Equal(AccessTier.Restricted, set.MissingRightsTier);
        Assert.Null(set.UnknownRightsTier);
        Assert.False(set.KeepStricterArrivedTier);
        Assert.Equal("/etc/rules.psd1", set.Origin);
        Assert.Equal(2 + DefaultRightsRules.All.Count, set.EffectiveRules.Count());
    }

    [Fact]
    public void Read_SingleRuleHashtable_Accepted()
    {
        var set = ComplianceRuleSetReader.Read(new Hashtable { ["Rules"] = new Hashtable { ["Id"] = "x", ["Match"] = "urn:x", ["Tier"] = "Public" } }, "f.psd1");
        Assert.Single(set.Rules);
    }

    [Theory]
    [InlineData("Rulez", "Unknown key 'Rulez' in f.psd1")]
    [InlineData("MissingRights", "MissingRights = 'sometimes' in f.psd1 is not understood")]
    [InlineData("IncludeDefaultRules", "IncludeDefaultRules in f.psd1 must be $true or $false")]
    public void Read_BadTopLevelValue_ErrorNamesFileAndKey(string key, string expected)
    {
        var data = new Hashtable { [key] = "sometimes" };
        var ex = Assert.Throws<ComplianceRulesException>(() => ComplianceRuleSetReader.Read(data, "f.psd1"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("ComplianceRulesInvalid", ex.ErrorId);
    }

    [Theory]
    [InlineData(null, "urn:x", "Public", "Rule #1 in f.psd1 has no Id")]
    [InlineData("a", null, "Public", "Rule 'a' in f.psd1 has no Match")]
    [InlineData("a", "urn:x", "Secret", "Rule 'a' in f.psd1 has Tier 'Secret'. Use Public, Research or Restricted.")]
    [InlineData("a", "urn:x", "1", "has Tier '1'")]
    [InlineData("a", "http://rightsstatements.org/vocab/InC/1.0/", "Public", "would make In Copyright records")]
    [InlineData("a", "*", "Public", "matches everything")]
    public void Read_BadRule_ErrorNamesTheRule(string? id, string? match, string tier, string expected)
    {
        var rule = new Hashtable { ["Tier"] = tier };
        if (id is not null) rule["Id"] = id;
        if (match is not null) rule["Match"] = match;
        var ex = Assert.Throws<ComplianceRulesException>(() => ComplianceRuleSetReader.Read(new Hashtable { ["Rules"] = new object[] { rule } }, "f.psd1"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownRuleKey_Error()
    {
        var rule = new Hashtable { ["Id"] = "a", ["Match"] = "urn:x", ["Tier"] = "Public", ["Teir"] = "x" };
        var ex = Assert.Throws<ComplianceRulesException>(() => ComplianceRuleSetReader.Read(new Hashtable { ["Rules"] = new object[] { rule } }, "f.psd1"));
        Assert.Contains("Unknown key 'Teir' in rule #1 of f.psd1", ex.Message, StringComparison.Ordinal);
    }
}
