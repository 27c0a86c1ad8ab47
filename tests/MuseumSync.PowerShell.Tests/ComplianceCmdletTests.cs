using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Get-MuseumAccessTier and Get-MuseumComplianceRule, with the built-in rules and with .psd1 rule files.</summary>
public sealed class ComplianceCmdletTests() : SampleApiTests(new SampleApiOptions { RecordCount = 150, DefaultPageSize = 50 })
{
    [Fact]
    public void GetMuseumAccessTier_SampleFeed_EveryValidRecordClassifiedAndInCopyrightNeverPublic()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("Invoke-MuseumPoll -Uri $args[0] -Source demo -PageSize 50 | Where-Object { $_.IsValid } | Get-MuseumAccessTier -Date 2025-06-01", _api.ObjectsUri);

        Assert.Empty(ps.Errors);
        Assert.Equal(_api.Collection.Lines.Count - _api.Collection.InvalidLines.Count, output.Count);
        var decisions = output.Select(o => (dynamic)o.BaseObject).ToList();
        Assert.All(decisions, d => Assert.True((bool)d.IsClassified));
        foreach (var d in decisions)
        {
            var rights = (string)d.RightsStatement;
            var tier = d.AssignedTier.ToString();
            if (rights.Contains("/InC", StringComparison.Ordinal)) Assert.NotEqual("Public", tier);
            if (d.EmbargoDate is DateOnly embargo && embargo >= new DateOnly(2025, 6, 1))
            {
                Assert.Equal("Restricted", tier);
                Assert.Equal("embargo-active", (string)d.Rule);
            }
        }
        Assert.Contains(decisions, d => (string)d.Rule == "rights-in-copyright");
        Assert.Contains(decisions, d => (string)d.Rule == "rights-public-domain");
    }

    [Fact]
    public void GetMuseumAccessTier_RuleFile_UserRulesFirstAndUnknownRightsUnclassified()
    {
        var rules = Path.Combine(_dir, "compliance.psd1");
        File.WriteAllText(rules, """
            @{
                # Everything under Creative Commons BY-NC stays with researchers.
                Rules = @(
                    @{ Id = 'museum-nc-research'; Match = 'https://creativecommons.org/licenses/by-nc*'; Tier = 'Research' }
                )
                KeepStricterArrivedTier = $false
            }
            """);
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("Invoke-MuseumPoll -Uri $args[0] -Source demo -PageSize 50 | Where-Object { $_.IsValid } | Get-MuseumAccessTier -RuleFile $args[1] -Date 2199-01-01", _api.ObjectsUri, rules);
        var decisions = output.Select(o => (dynamic)o.BaseObject).ToList();
        Assert.All(decisions.Where(d => ((string)d.RightsStatement).Contains("by-nc", StringComparison.Ordinal)), d => Assert.Equal("museum-nc-research", (string)d.Rule));

        var rulesOut = ps.Invoke("Get-MuseumComplianceRule -RuleFile $args[0]", rules);
        Assert.Equal("museum-nc-research", (string)((dynamic)rulesOut[0].BaseObject).Id);
        Assert.Equal(10, rulesOut.Count); // the file's rule, then the 9 built-in ones
    }

    [Fact]
    public void GetMuseumComplianceRule_NoFile_TheBuiltInRulesInOrder()
    {
        using var ps = PowerShellSession.Create();
        var ids = ps.Invoke("Get-MuseumComplianceRule").Select(o => (string)((dynamic)o.BaseObject).Id).ToList();
        Assert.Equal("rights-in-copyright", ids[0]);
        Assert.Equal("rights-open-license", ids[^1]);
        Assert.Equal(9, ids.Count);
    }

    [Theory]
    [InlineData("@{ Rules = @( @{ Id = 'x'; Match = 'http://rightsstatements.org/vocab/InC/1.0/'; Tier = 'Public' } ) }", "would make In Copyright records")]
    [InlineData("@{ Rulez = @() }", "Unknown key 'Rulez'")]
    [InlineData("@{ Rules = @( @{ Id = 'x'; Match = (Get-Date); Tier = 'Public' } ) }", "may hold only plain values")]
    [InlineData("Remove-Item -Recurse /", "must hold exactly one hashtable")]
    [InlineData("@{ Rules = @( ", "does not parse")]
    public void GetMuseumComplianceRule_BadRuleFile_TerminatingErrorNamesTheProblem(string content, string expected)
    {
        var rules = Path.Combine(_dir, $"bad-{Guid.NewGuid():N}.psd1");
        File.WriteAllText(rules, content);
        using var ps = PowerShellSession.Create();
        var e = MuseumStandardsCmdletTests.StatementTerminatingError(ps, "Get-MuseumComplianceRule -RuleFile $args[0]", rules);
        Assert.Contains(expected, e.Exception.Message, StringComparison.Ordinal);
        Assert.StartsWith("ComplianceRulesInvalid", e.FullyQualifiedErrorId, StringComparison.Ordinal);
    }
}
