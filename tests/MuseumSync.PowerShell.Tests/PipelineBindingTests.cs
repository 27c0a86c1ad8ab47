using System.Management.Automation;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// The compositions users type, on the built module: checkpoints into the checkpoint and dead-letter cmdlets, files
/// (from Get-ChildItem: FileInfo with PSPath) into the validators and the store cmdlets, strings by value.
/// </summary>
public sealed class PipelineBindingTests : TempFolderTests
{
    private static List<dynamic> Objects(IEnumerable<PSObject> output) => output.Select(o => (dynamic)o.BaseObject).ToList();

    private static void Checkpoints(PowerShellSession ps, string db)
    {
        ps.Invoke("""
            param($db)
            Set-SyncCheckpoint -Source met -Cursor c40 -Watermark 2025-01-01T00:00:00Z -Database $db
            Set-SyncCheckpoint -Source aic -Watermark 2024-06-01T00:00:00Z -Database $db
            Set-SyncCheckpoint -Source harvard -Cursor h7 -Database $db
            """, db);
        Assert.Empty(ps.Errors);
    }

    [Fact]
    public void GetSyncCheckpoint_IntoResetSyncCheckpoint_SourceAndDatabaseByPropertyName()
    {
        using var ps = PowerShellSession.Create();
        Checkpoints(ps, Db);

        var reset = Objects(ps.Invoke("Get-SyncCheckpoint -Database $args[0] | Where-Object Source -ne aic | Reset-SyncCheckpoint -PassThru", Db));

        Assert.Empty(ps.Errors);
        Assert.Equal(["harvard", "met"], reset.Select(c => (string)c.Source).Order());
        Assert.All(reset, c => Assert.Null((string?)c.Cursor));
        Assert.Equal(["(null)"], SqliteInspector.Column(Db, "SELECT coalesce(position, '(null)') FROM sync_checkpoints WHERE source IN ('met', 'harvard') GROUP BY 1"));
    }

    [Fact]
    public void DatabaseFile_IntoSetSyncCheckpoint_WithoutSource_NeverBecomesASourceName()
    {
        using var ps = PowerShellSession.Create();
        Checkpoints(ps, Db);

        var output = ps.Invoke("[System.IO.FileInfo]::new($args[0]) | Set-SyncCheckpoint -Cursor oops -PassThru", Db);
        var reset = ps.Invoke("[System.IO.FileInfo]::new($args[0]) | Reset-SyncCheckpoint -PassThru", Db);

        Assert.Empty(output);
        Assert.Empty(reset);
        Assert.Equal(2, ps.Errors.Count);
        Assert.All(ps.Errors, e => Assert.StartsWith("InputObjectMissingMandatory", e.FullyQualifiedErrorId, StringComparison.Ordinal));
        Assert.Equal(["aic", "harvard", "met"], SqliteInspector.Column(Db, "SELECT source FROM sync_checkpoints ORDER BY source"));
        Assert.Equal("c40", SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints WHERE source = 'met'")[0]);
    }

    [Fact]
    public void GetSyncCheckpoint_IntoSetSyncCheckpoint_CopiesCursorsAndWatermarksToAnotherStore()
    {
        using var ps = PowerShellSession.Create();
        Checkpoints(ps, Db);
        var copy = Path.Combine(_dir, "copy.db");

        var copied = Objects(ps.Invoke("Get-SyncCheckpoint -Database $args[0] | Set-SyncCheckpoint -Database $args[1] -PassThru", Db, copy));

        Assert.Empty(ps.Errors);
        var bySource = copied.ToDictionary(c => (string)c.Source);
        Assert.Equal(3, bySource.Count);
        Assert.Equal("c40", (string)bySource["met"].Cursor);
        Assert.Equal("2025-01-01T00:00:00Z", (string)bySource["met"].Watermark);
        Assert.Null((string?)bySource["aic"].Cursor); // a null cursor is copied as null: aic starts from the first page
        Assert.Equal("2024-06-01T00:00:00Z", (string)bySource["aic"].Watermark);
        Assert.Equal("h7", (string)bySource["harvard"].Cursor);
        Assert.Null((string?)bySource["harvard"].Watermark);
        Assert.All(copied, c => Assert.Equal(copy, (string)c.Database));

        // What is given on the command line wins over what is piped; the rest is still copied.
        var overridden = Objects(ps.Invoke("Get-SyncCheckpoint -Database $args[0] met | Set-SyncCheckpoint -Database $args[1] -Cursor c99 -PassThru", Db, copy));
        Assert.Equal("c99", (string)Assert.Single(overridden).Cursor);
        Assert.Equal("2025-01-01T00:00:00Z", (string)overridden[0].Watermark);
        Assert.Equal("c40", SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints WHERE source = 'met'")[0]); // the source store is untouched
    }

    [Fact]
    public void GetSyncCheckpoint_IntoGetSyncDeadLetter_OnlyThatSourcesDeadLetters()
    {
        using var ps = PowerShellSession.Create();
        Checkpoints(ps, Db);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                INSERT INTO sync_dead_letters (source, object_id, payload, payload_hash, reasons, first_seen_utc, last_seen_utc) VALUES
                ('met', 'm1', '{"a":1}', x'01', '[{"field":"title","rule":"required","message":"m"}]', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
                ('aic', 'a1', '{"a":2}', x'02', '[{"field":"title","rule":"required","message":"m"}]', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
                ('met', 'm2', '{"a":3}', x'03', '[{"field":"title","rule":"required","message":"m"}]', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')
                """;
            cmd.ExecuteNonQuery();
        }

        var letters = Objects(ps.Invoke("Get-SyncCheckpoint met -Database $args[0] | Get-SyncDeadLetter", Db));
        var byName = Objects(ps.Invoke("[pscustomobject] @{ Source = 'aic'; Database = $args[0] } | Get-SyncDeadLetter", Db));

        Assert.Empty(ps.Errors);
        Assert.Equal(["m1", "m2"], letters.Select(l => (string)l.ObjectId).Order());
        Assert.Equal("a1", (string)Assert.Single(byName).ObjectId);
    }

    [Fact]
    public void DatabaseFiles_IntoTheStoreCmdlets_ByFullName()
    {
        using var ps = PowerShellSession.Create();
        var a = Path.Combine(_dir, "a.db");
        var b = Path.Combine(_dir, "b [old].db");

        var created = Objects(ps.Invoke("[System.IO.FileInfo[]] @($args[0], $args[1]) | Initialize-SyncDatabase", a, b));
        ps.Invoke("Set-SyncCheckpoint -Source one -Cursor c1 -Database $args[0]; Set-SyncCheckpoint -Source two -Cursor c2 -Database $args[1]", a, b);
        var listed = Objects(ps.Invoke("Get-ChildItem -Path ($args[0] + '/*.db') | Get-SyncCheckpoint", _dir));
        var everywhere = Objects(ps.Invoke("Get-ChildItem -Path ($args[0] + '/*.db') | Set-SyncCheckpoint -Source shared -Cursor s1 -PassThru", _dir));

        Assert.Empty(ps.Errors);
        Assert.Equal([a, b], created.Select(s => (string)s.Database));
        Assert.All(created, s => Assert.Equal(10, (int)s.CurrentVersion));
        Assert.Equal(["one", "two"], listed.Select(c => (string)c.Source).Order());
        Assert.Equal([a, b], listed.Select(c => (string)c.Database).Order(StringComparer.Ordinal));
        Assert.Equal([a, b], everywhere.Select(c => (string)c.Database).Order(StringComparer.Ordinal)); // -Source given: each file is a store, not a source
        Assert.All(everywhere, c => Assert.Equal("shared", (string)c.Source));
    }

    [Fact]
    public void RuleFiles_IntoGetMuseumComplianceRule_ByFullName_ABrokenOneIsNonTerminating()
    {
        File.WriteAllText(Path.Combine(_dir, "a.psd1"), "@{ Rules = @( @{ Id = 'rule-a'; Match = 'https://example.org/a*'; Tier = 'Research' } ) }");
        File.WriteAllText(Path.Combine(_dir, "b.psd1"), "@{ Rules = @( @{ Id = 'rule-b'; Match = 'https://example.org/b*'; Tier = 'Restricted' } ); IncludeDefaultRules = $false }");
        File.WriteAllText(Path.Combine(_dir, "c.psd1"), "@{ Rulez = @() }");
        using var ps = PowerShellSession.Create();

        var rules = Objects(ps.Invoke("Get-ChildItem -Path ($args[0] + '/*.psd1') | Get-MuseumComplianceRule", _dir));

        Assert.Equal(11, rules.Count); // a: its rule then the 9 built-in ones; b: its rule only; c: an error
        Assert.Equal("rule-a", (string)rules[0].Id);
        Assert.Equal("rule-b", (string)rules[^1].Id);
        var error = Assert.Single(ps.Errors);
        Assert.StartsWith("ComplianceRulesInvalid", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("Rulez", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IiifFiles_IntoTestIiifManifest_ByPSPathAndFullName_BracketsTakenLiterally()
    {
        const string Manifest = """{"@context":"http://iiif.io/api/presentation/3/context.json","id":"https://x.org/m/{0}","type":"Manifest","label":{"en":["m {0}"]},"items":[]}""";
        var plain = Path.Combine(_dir, "m1.json");
        var brackets = Path.Combine(_dir, "m[2].json");
        File.WriteAllText(plain, Manifest.Replace("{0}", "1", StringComparison.Ordinal));
        File.WriteAllText(brackets, Manifest.Replace("{0}", "2", StringComparison.Ordinal));
        using var ps = PowerShellSession.Create();

        var fromProvider = Objects(ps.Invoke("Get-ChildItem -Path ($args[0] + '/*.json') | Test-IiifManifest", _dir));
        var fromFileInfo = Objects(ps.Invoke("[System.IO.FileInfo]::new($args[0]) | Test-IiifManifest", brackets));

        Assert.Empty(ps.Errors);
        Assert.Equal([plain, brackets], fromProvider.Select(r => (string)r.Source).Order(StringComparer.Ordinal));
        Assert.Equal(["https://x.org/m/1", "https://x.org/m/2"], fromProvider.Select(r => (string)r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(brackets, (string)Assert.Single(fromFileInfo).Source);
    }

    [Fact]
    public async Task LidoFromRecords_IntoTestLidoRecord_AsTextFilesAndOutFile()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 30, DefaultPageSize = 50 });
        using var ps = PowerShellSession.Create();
        var results = ps.Invoke("""
            param($uri, $dir)
            $records = @(Invoke-MuseumPoll -Uri $uri -Source demo -PageSize 50 -ErrorAction SilentlyContinue | Where-Object { $_.IsValid -and $_.Title })[0..2]
            $texts = @($records | ConvertTo-LidoXml)
            [System.IO.File]::WriteAllText($dir + '/one.xml', $texts[0])
            [System.IO.File]::WriteAllText($dir + '/two[2].xml', $texts[1])
            $fromText = @($records | ConvertTo-LidoXml | Test-LidoRecord -SkipSchema)
            $fromFiles = @(Get-ChildItem -Path ($dir + '/*.xml') | Test-LidoRecord -SkipSchema)
            $fromOutFile = @($records | ConvertTo-LidoXml -OutFile ($dir + '/wrap/all.lido') | Test-LidoRecord -SkipSchema)
            [pscustomobject] @{ Records = $records.Count; FromText = $fromText; FromFiles = $fromFiles; FromOutFile = $fromOutFile }
            """, api.ObjectsUri.ToString(), _dir);

        Assert.Empty(ps.Errors);
        dynamic r = Assert.Single(results);
        Assert.Equal(3, (int)r.Records);
        var fromText = ((IEnumerable<object>)r.FromText).Select(o => (dynamic)((PSObject)o).BaseObject).ToList();
        Assert.Equal(3, fromText.Count);
        Assert.All(fromText, x => Assert.Equal("(xml)", (string)x.File));
        var fromFiles = ((IEnumerable<object>)r.FromFiles).Select(o => (string)((dynamic)((PSObject)o).BaseObject).File).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([Path.Combine(_dir, "one.xml"), Path.Combine(_dir, "two[2].xml")], fromFiles);
        var fromOutFile = ((IEnumerable<object>)r.FromOutFile).Select(o => (dynamic)((PSObject)o).BaseObject).ToList();
        Assert.Equal(3, fromOutFile.Count);
        Assert.All(fromOutFile, x => Assert.Equal(Path.Combine(_dir, "wrap", "all.lido"), (string)x.File));

        // A file name piped as a string is not taken for XML: an error that says how to pass files.
        Assert.Empty(ps.Invoke("$args[0] | Test-LidoRecord -SkipSchema", Path.Combine(_dir, "one.xml")));
        var error = Assert.Single(ps.Errors);
        Assert.StartsWith("LidoInputNotXml", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-LiteralPath", error.Exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sync-MuseumRecord -InputObject $null -Database $args[0]")]
    [InlineData("$null | Sync-MuseumRecord -Database $args[0]")]
    public void SyncMuseumRecord_NullInput_IsRefusedByBinding(string command)
    {
        // -InputObject has no [ValidateNotNull] (it cost an allocation per pipeline record): Mandatory refuses null.
        using var ps = PowerShellSession.Create();
        ps.Invoke(command, Db);
        var error = Assert.Single(ps.Errors);
        Assert.Equal("ParameterArgumentValidationErrorNullNotAllowed,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand", error.FullyQualifiedErrorId);
    }
}
