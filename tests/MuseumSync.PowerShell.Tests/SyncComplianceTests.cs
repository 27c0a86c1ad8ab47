using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Sync-MuseumRecord applies the compliance rules before a batch is committed (-ComplianceRules, -SkipCompliance).</summary>
public sealed class SyncComplianceTests : IAsyncLifetime
{
    private SampleMuseumApi _api = null!;
    private readonly string _dir = TestPaths.TempDirectory();

    public async Task InitializeAsync() => _api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 300, DefaultPageSize = 50 });

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private string Db => Path.Combine(_dir, $"museum-{Guid.NewGuid():N}.db");

    private const string Pipeline = """
        param($uri, $db, $extra)
        Invoke-MuseumPoll -Uri $uri -Source demo -Database $db -PageSize 50 |
            Sync-MuseumRecord -Source demo -Database $db -BatchSize 64 @extra
        """;

    private Collection<PSObject> Sync(PowerShellSession ps, string db, Hashtable extra) =>
        ps.Invoke(Pipeline, _api.ObjectsUri, db, extra);

    [Fact]
    public void Default_EveryStoredRowHasAnAssignedTierAndRule_InCopyrightNeverPublic()
    {
        var db = Db;
        using var ps = PowerShellSession.Create();
        dynamic s = Assert.Single(Sync(ps, db, new Hashtable())).BaseObject;
        var c = _api.Collection;
        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal(c.InvalidLines.Count, (long)s.DeadLettered); // the sample's rights are all classified by the built-in rules

        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(0, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records WHERE access_tier_assigned IS NULL OR tier_rule IS NULL"));
        Assert.Equal(0, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records WHERE access_tier_assigned NOT IN ('public', 'research', 'restricted')"));
        Assert.True(SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records WHERE rights_statement LIKE '%rightsstatements.org/vocab/InC%'") > 0);
        Assert.Equal(0, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records WHERE rights_statement LIKE '%rightsstatements.org/vocab/InC%' AND access_tier_assigned = 'public'"));
        // Both tiers are kept: the one the record arrived with and the one the rules assigned.
        Assert.True(SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records WHERE access_tier <> access_tier_assigned") > 0);
    }

    [Fact]
    public void RuleFileWithoutDefaultRules_DeadLettersRecordsItCannotClassify()
    {
        var rules = Path.Combine(_dir, "cc-only.psd1");
        File.WriteAllText(rules, """
            @{
                Rules = @(
                    @{ Id = 'cc-only'; Match = 'https://creativecommons.org/*'; Tier = 'Public' }
                )
                IncludeDefaultRules = $false
            }
            """);
        var db = Db;
        using var ps = PowerShellSession.Create();
        dynamic s = Assert.Single(Sync(ps, db, new Hashtable { ["ComplianceRules"] = rules, ["EnableException"] = true })).BaseObject;
        var c = _api.Collection;
        Assert.Equal("Completed", (string)s.Status);

        var stored = SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records");
        var unclassified = SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters WHERE reasons LIKE '%rights-unclassified%'");
        Assert.True(stored > 0);
        Assert.True(unclassified > 0);
        Assert.Equal(c.InvalidLines.Count + unclassified, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters"));
        Assert.Equal(0, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records WHERE rights_statement NOT LIKE '%creativecommons.org/%'"));
        Assert.Equal(0, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records WHERE tier_rule IS NULL OR access_tier_assigned IS NULL"));
        Assert.Equal(0, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters WHERE reasons LIKE '%rights-unclassified%' AND payload NOT LIKE '%rightsstatements.org%'"));
        // Every valid record is either stored or dead-lettered for its rights.
        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(db, """
            SELECT COUNT(*) FROM (
                SELECT object_id FROM museum_records
                UNION
                SELECT object_id FROM sync_dead_letters WHERE reasons LIKE '%rights-unclassified%')
            """));
        Assert.Contains(ps.Errors, e => e.FullyQualifiedErrorId.StartsWith("MuseumRecordInvalid,", StringComparison.Ordinal)
            && e.Exception.Message.Contains("matches no compliance rule", StringComparison.Ordinal));
    }

    [Fact]
    public void SkipCompliance_StoresEveryValidRecordWithoutAnAssignedTier()
    {
        var db = Db;
        using var ps = PowerShellSession.Create();
        dynamic s = Assert.Single(Sync(ps, db, new Hashtable { ["SkipCompliance"] = true })).BaseObject;
        var c = _api.Collection;
        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal(c.InvalidLines.Count, (long)s.DeadLettered);
        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records WHERE access_tier_assigned IS NULL AND tier_rule IS NULL"));
    }

    [Fact]
    public void BadRuleFile_StopsBeforeAnythingIsStored()
    {
        var db = Db;
        using var ps = PowerShellSession.Create();
        var output = Sync(ps, db, new Hashtable { ["ComplianceRules"] = Path.Combine(_dir, "missing.psd1") });
        Assert.DoesNotContain(output, o => o.BaseObject.GetType().FullName == "MuseumSync.SyncSummary");
        var e = Assert.Single(ps.Errors, e => e.FullyQualifiedErrorId.StartsWith("ComplianceRulesInvalid", StringComparison.Ordinal));
        Assert.Contains("missing.psd1", e.Exception.Message, StringComparison.Ordinal);
        Assert.True(!File.Exists(db) || SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'museum_records'") == 0
            || SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM museum_records") == 0);
    }
}
