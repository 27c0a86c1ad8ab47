using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// The examples in examples/ that need no server run here against the sample API (in-process, passed as -Uri);
/// the ones that need SQL Server, Task Scheduler or the real museum APIs are parsed (ScriptParseTests) and checked
/// for what can be checked without them.
/// </summary>
public sealed class ExampleTests
{
    private static string Example(params string[] parts) => Path.Combine([TestPaths.RepoRoot, "examples", .. parts]);

    /// <summary>The built module in a session with pwsh's default cmdlets (Export-Csv among them, which the examples compose with).</summary>
    private static PowerShellSession Session() => PowerShellSession.Create();

    /// <summary>A CSV file read back with Import-Csv: one dictionary per row, the columns in file order.</summary>
    private static List<Dictionary<string, string>> ReadCsv(PowerShellSession ps, string path) =>
        ps.Invoke("Import-Csv -LiteralPath $args[0]", path)
            .Select(row => row.Properties.ToDictionary(p => p.Name, p => (string)p.Value))
            .ToList();

    [Fact]
    public async Task ExportInvalid_AgainstTheSampleApi_WritesTheDeadLettersAndTheInvalidRecords()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 400, DefaultPageSize = 50 });
        var dir = TestPaths.TempDirectory();
        var db = Path.Combine(dir, "museum.db");
        var reports = Path.Combine(dir, "reports");
        using var ps = Session();

        dynamic result = Assert.Single(ps.Invoke("& $args[0] -Uri $args[1] -Database $args[2] -OutputDirectory $args[3]",
            Example("export-invalid.ps1"), api.ObjectsUri.AbsoluteUri, db, reports));

        Assert.Empty(ps.Errors);
        var invalid = api.Collection.InvalidLines.Count;
        Assert.True(invalid > 0);
        Assert.Equal(invalid, (int)result.DeadLetters);
        Assert.Equal(invalid, (int)result.InvalidRecords);
        Assert.Equal(invalid, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters"));
        Assert.Equal(Path.Combine(reports, "demo-dead-letters.csv"), (string)result.DeadLetterCsv);

        var deadLetters = ReadCsv(ps, (string)result.DeadLetterCsv);
        Assert.Equal(invalid, deadLetters.Count);
        Assert.Equal(["Source", "ObjectId", "Rules", "Fields", "Messages", "AttemptCount", "FirstSeen", "LastSeen", "SourceUrl", "CorrelationId", "Payload"], deadLetters[0].Keys);
        Assert.All(deadLetters, r => Assert.Equal("demo", r["Source"]));
        Assert.All(deadLetters, r => Assert.False(string.IsNullOrEmpty(r["Rules"])));
        Assert.All(deadLetters, r => Assert.Equal("1", r["AttemptCount"]));
        Assert.Equal(SqliteInspector.Column(db, "SELECT payload FROM sync_dead_letters").Order(), deadLetters.Select(r => r["Payload"]).Order());

        var records = ReadCsv(ps, (string)result.InvalidRecordCsv);
        Assert.Equal(invalid, records.Count);
        Assert.All(records, r => Assert.StartsWith(api.ObjectsUri.AbsoluteUri, r["SourceUrl"], StringComparison.Ordinal));
        Assert.All(records, r => Assert.False(string.IsNullOrEmpty(r["Messages"])));

        // Where-Object on the reasons: one rule only, counted independently in the store.
        var rule = deadLetters[0]["Rules"].Split("; ")[0];
        var withRule = SqliteInspector.Scalar(db, $"SELECT COUNT(*) FROM sync_dead_letters WHERE reasons LIKE '%\"rule\":\"{rule}\"%' OR reasons LIKE '%\"field\":\"{rule}\"%'");
        dynamic filtered = Assert.Single(ps.Invoke("& $args[0] -Uri $args[1] -Database $args[2] -OutputDirectory $args[3] -Rule $args[4]",
            Example("export-invalid.ps1"), api.ObjectsUri.AbsoluteUri, db, reports, rule));
        Assert.True(withRule > 0 && withRule <= invalid);
        Assert.Equal(withRule, (long)(int)filtered.DeadLetters);
        Assert.Equal(withRule, ReadCsv(ps, (string)filtered.DeadLetterCsv).Count);
        Assert.Equal(0L, (long)((dynamic)((PSObject)filtered.Synced).BaseObject).Inserted); // the second run resumed: nothing new
        // Seen twice now (the rerun polled from the checkpoint, so only -MinAttempts filters by what was re-sent).
        dynamic none = Assert.Single(ps.Invoke("& $args[0] -Uri $args[1] -Database $args[2] -OutputDirectory $args[3] -MinAttempts 99",
            Example("export-invalid.ps1"), api.ObjectsUri.AbsoluteUri, db, reports));
        Assert.Equal(0, (int)none.DeadLetters);
        Assert.Empty(ReadCsv(ps, (string)none.DeadLetterCsv));
    }

    [Fact]
    public async Task ReplayDeadLetters_AfterAFix_CommitsTheFixedOneAndKeepsTheRest()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 300, DefaultPageSize = 50 });
        var db = Path.Combine(TestPaths.TempDirectory(), "replay.db");
        using var ps = Session();
        var invalid = api.Collection.InvalidLines.Count;

        // With -Uri the feed is synced first; its dead letters are all still invalid.
        var output = ps.Invoke("& $args[0] -Uri $args[1] -Database $args[2]", Example("replay-dead-letters.ps1"), api.ObjectsUri.AbsoluteUri, db);
        Assert.True(output.Count == 1, $"{output.Count} objects; errors: {string.Join(Environment.NewLine, ps.Errors)}");
        dynamic first = output[0].BaseObject;
        Assert.Equal((long)invalid, (long)first.DeadLettersSeenBefore);
        Assert.Equal(0L, (long)first.DeadLettersResolved);
        Assert.Equal(invalid, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters WHERE attempt_count = 2"));

        // A record an older, stricter rule rejected: today's rules accept it.
        const string Fixed = """{"ObjectID":"replay-1","title":"Fixed since","creation_date_iso":"1889","rights_statement":"http://rightsstatements.org/vocab/NoC-US/1.0/"}""";
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO sync_dead_letters (source, object_id, payload, payload_hash, reasons, first_seen_utc, last_seen_utc) VALUES ('demo', 'replay-1', $p, $h, '[{\"field\":\"creation_date_iso\",\"rule\":\"old-date-rule\",\"message\":\"old rule\"}]', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')";
            cmd.Parameters.AddWithValue("$p", Fixed);
            cmd.Parameters.AddWithValue("$h", PayloadHash(Fixed));
            cmd.ExecuteNonQuery();
        }
        var cursor = SqliteInspector.Column(db, "SELECT position FROM sync_checkpoints")[0];

        // The store exists and no -Uri: only the replay, filtered by -Reason to the fixed rule.
        dynamic replay = Assert.Single(ps.Invoke("& $args[0] -Database $args[1] -Reason old-date-*", Example("replay-dead-letters.ps1"), db)).BaseObject;

        Assert.Equal(1L, (long)replay.Received);
        Assert.Equal(1L, (long)replay.Inserted);
        Assert.Equal(1L, (long)replay.DeadLettersResolved);
        Assert.Equal("Fixed since", SqliteInspector.Titles(db, "demo")["replay-1"]);
        Assert.Equal(invalid, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters"));
        Assert.Equal(invalid, SqliteInspector.Scalar(db, "SELECT COUNT(*) FROM sync_dead_letters WHERE attempt_count = 2")); // the rest were not replayed
        Assert.Equal(cursor, SqliteInspector.Column(db, "SELECT position FROM sync_checkpoints")[0]);
        Assert.Empty(ps.Errors); // still-invalid ones go to -ErrorVariable, not to the caller
    }

    [Fact]
    public void SyncConfig_EveryKeyIsAParameter_AndNoSecretIsInTheFile()
    {
        var config = ReadDataFile(Example("sync.psd1"));
        using var ps = PowerShellSession.Create();
        var poll = ps.Invoke("(Get-Command Invoke-MuseumPoll).Parameters.Keys").Select(o => (string)o.BaseObject).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sync = ps.Invoke("(Get-Command Sync-MuseumRecord).Parameters.Keys").Select(o => (string)o.BaseObject).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var profiles = ps.Invoke("(Get-Command Invoke-MuseumPoll).Parameters['Profile'].Attributes.ValidValues").Select(o => (string)o.BaseObject).ToList();

        Assert.Equal(["Defaults", "MetricsPath", "Sources", "Store"], config.Keys.Cast<string>().Order(StringComparer.Ordinal));
        var store = (Hashtable)config["Store"]!;
        Assert.All(store.Keys.Cast<string>(), k => Assert.Contains(k, new[] { "Database", "ConnectionString", "Provider", "Schema", "UserName", "PasswordVariable" }));
        Assert.All(((Hashtable)config["Defaults"]!).Keys.Cast<string>(), k => Assert.True(poll.Contains(k) || sync.Contains(k), k));

        var sources = ((object[])config["Sources"]!).Cast<Hashtable>().ToList();
        Assert.Equal(["met", "aic", "cooperhewitt", "local"], sources.Select(s => (string)s["Name"]!));
        foreach (var source in sources)
        {
            foreach (string key in source.Keys)
            {
                if (key == "Name") continue;
                Assert.True(poll.Contains(key) || sync.Contains(key), $"{source["Name"]}: {key} is not a parameter of Invoke-MuseumPoll or Sync-MuseumRecord");
                // Secrets only by environment-variable name.
                if (key.Contains("Key", StringComparison.OrdinalIgnoreCase) || key.Contains("Token", StringComparison.OrdinalIgnoreCase)
                    || key.Contains("Secret", StringComparison.OrdinalIgnoreCase) || key.Contains("Password", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.EndsWith("Variable", key, StringComparison.Ordinal);
                    Assert.Matches("^[A-Z][A-Z0-9_]*$", (string)source[key]!);
                }
            }
            if (source["Profile"] is string profile && profiles.Count > 0) Assert.Contains(profile, profiles);
        }
        Assert.Equal("COOPERHEWITT_ACCESS_TOKEN", sources.Single(s => (string)s["Name"]! == "cooperhewitt")["ApiKeyVariable"]);
    }

    [Fact]
    public void RegisterScheduledTask_OffWindows_RefusesWithAClearMessage()
    {
        if (OperatingSystem.IsWindows()) return; // on Windows it would really register a task; it is only parsed there
        using var ps = PowerShellSession.Create(importModule: false);
        var ex = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke("& $args[0] -ConfigPath $args[1]", Example("scheduled", "Register-MuseumSyncTask.ps1"), Example("sync.psd1")));
        Assert.IsType<PlatformNotSupportedException>(ex.InnerException ?? ex.ErrorRecord.Exception);
        Assert.Contains("Windows only", ex.Message, StringComparison.Ordinal);
        Assert.Contains("museumsync.timer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerExamples_UseIntegratedSecurityAndKeepSecretsOutOfFiles()
    {
        var sql = File.ReadAllText(Example("sqlserver-integrated.ps1"));
        Assert.Contains("['Integrated Security'] = 'true'", sql, StringComparison.Ordinal);
        Assert.Contains("['Encrypt'] = 'true'", sql, StringComparison.Ordinal);
        Assert.Contains("Initialize-SyncDatabase", sql, StringComparison.Ordinal);
        Assert.Matches(@"Invoke-MuseumPoll[^\n]*\|\s*\n?\s*Sync-MuseumRecord", sql);
        foreach (var file in new[] { "sqlserver-integrated.ps1", "sync.psd1", "scheduled/run-sync.ps1", "scheduled/Register-MuseumSyncTask.ps1", "scheduled/museumsync.service", "scheduled/crontab.txt" })
        {
            var text = File.ReadAllText(Example(file.Split('/')));
            Assert.DoesNotMatch(@"(?i)(password|pwd)\s*=\s*[^;'""\s]", text.Replace("PasswordVariable = 'MUSEUMSYNC_PG_PASSWORD'", "", StringComparison.Ordinal));
            Assert.DoesNotContain("ConvertTo-SecureString", text, StringComparison.Ordinal);
        }

        // The scheduler files run the script that exists, with pwsh, without a profile.
        foreach (var file in new[] { "museumsync.service", "crontab.txt" })
        {
            var text = File.ReadAllText(Example("scheduled", file));
            Assert.Contains("pwsh -NoProfile -NonInteractive -File /opt/museumsync/examples/scheduled/run-sync.ps1 -ConfigPath", text.Replace("/usr/bin/pwsh", "pwsh", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        Assert.Contains("Unit=museumsync.service", File.ReadAllText(Example("scheduled", "museumsync.timer")), StringComparison.Ordinal);
        var register = File.ReadAllText(Example("scheduled", "Register-MuseumSyncTask.ps1"));
        foreach (var cmd in new[] { "New-ScheduledTaskAction", "New-ScheduledTaskTrigger", "New-ScheduledTaskSettingsSet", "New-ScheduledTaskPrincipal", "Register-ScheduledTask", "-ExecutionTimeLimit", "-RestartCount", "-RunLevel" })
        {
            Assert.Contains(cmd, register, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunSync_AllSourcesComplete_ExitsZeroWithOneLinePerSource()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 200, DefaultPageSize = 50 });
        var dir = TestPaths.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "sync.psd1"), $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Sources = @(
                    @{ Name = 'one'; Uri = '{{api.ObjectsUri.AbsoluteUri}}' }
                    @{ Name = 'two'; Uri = '{{api.ObjectsUri.AbsoluteUri}}'; PageSize = 20 }
                )
            }
            """);

        var (code, stdout, stderr) = await RunSyncAsync(Path.Combine(dir, "sync.psd1"), Path.Combine(dir, "logs"));

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        Assert.Matches(@"(?m)^one\s+Completed\s+received \d+", stdout);
        Assert.Matches(@"(?m)^two\s+Completed\s+received \d+", stdout);
        var valid = api.Collection.FinalTitles.Count;
        Assert.Equal(valid, SqliteInspector.Scalar(Path.Combine(dir, "museum.db"), "SELECT COUNT(*) FROM museum_records WHERE source = 'one'"));
        Assert.Equal(valid, SqliteInspector.Scalar(Path.Combine(dir, "museum.db"), "SELECT COUNT(*) FROM museum_records WHERE source = 'two'"));
    }

    [Fact]
    public async Task RunSync_OneSourceFails_ExitsOneAndStillSyncsTheOthers()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 100, DefaultPageSize = 50 });
        var dir = TestPaths.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "sync.psd1"), $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Sources = @(
                    @{ Name = 'down'; Uri = 'http://127.0.0.1:9/objects'; MaxRetries = 0 }
                    @{ Name = 'up'; Uri = '{{api.ObjectsUri.AbsoluteUri}}' }
                )
            }
            """);

        var (code, stdout, stderr) = await RunSyncAsync(Path.Combine(dir, "sync.psd1"), Path.Combine(dir, "logs"));

        Assert.True(code == 1, $"exit {code}: {stdout} {stderr}");
        Assert.Matches(@"(?m)^down\s+Failed", stdout);
        Assert.Matches(@"(?m)^up\s+Completed", stdout);
        Assert.Contains("1 of 2 source(s) failed: down", stdout + stderr, StringComparison.Ordinal); // a warning: pwsh writes it to stdout
        Assert.Equal(api.Collection.FinalTitles.Count, SqliteInspector.Scalar(Path.Combine(dir, "museum.db"), "SELECT COUNT(*) FROM museum_records WHERE source = 'up'"));
    }

    [Fact]
    public async Task RunSync_ConfigMissing_ExitsTwo()
    {
        // Runs today: whether Invoke-MuseumSync exists yet or not, a run that cannot start exits 2 (not 0, not 1).
        var dir = TestPaths.TempDirectory();
        var (code, stdout, stderr) = await RunSyncAsync(Path.Combine(dir, "no-such-config.psd1"), Path.Combine(dir, "logs"));
        Assert.True(code == 2, $"exit {code}: {stdout} {stderr}");
        Assert.Contains("The sync did not run", stdout + stderr, StringComparison.Ordinal);
    }

    /// <summary>run-sync.ps1 calls exit, so it runs in a child pwsh process, as a scheduler runs it: pwsh -File.</summary>
    private static Task<(int Code, string StdOut, string StdErr)> RunSyncAsync(string config, string logs) =>
        Task.Run(() => PwshProcess.Run(
            PwshProcess.StartFile(Example("scheduled", "run-sync.ps1"), "-ConfigPath", config, "-LogDirectory", logs, "-ModulePath", TestPaths.ModuleManifest),
            TimeSpan.FromMinutes(3)));

    private static Hashtable ReadDataFile(string path)
    {
        var ast = Parser.ParseFile(path, out _, out var errors);
        Assert.Empty(errors);
        var table = Assert.IsType<HashtableAst>(ast.Find(a => a is HashtableAst, false));
        return Assert.IsType<Hashtable>(table.SafeGetValue());
    }

    /// <summary>The store's payload hash (XxHash128 over the UTF-16 text and a separator), as the module computes it.</summary>
    private static byte[] PayloadHash(string payload)
    {
        var h = new System.IO.Hashing.XxHash128();
        h.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(payload.AsSpan()));
        h.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes("\u001f".AsSpan()));
        return h.GetCurrentHash();
    }
}
