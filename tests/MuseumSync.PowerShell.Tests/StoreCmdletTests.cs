using System.Management.Automation;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Initialize-SyncDatabase, Set-/Reset-/Get-SyncCheckpoint and the store parameters, as a user runs them.</summary>
public sealed class StoreCmdletTests : TempFolderTests
{
    [Fact]
    public void InitializeSyncDatabase_NewSqliteFile_AppliesEveryMigrationThenNothing()
    {
        using var ps = PowerShellSession.Create();

        dynamic first = Assert.Single(ps.Invoke("Initialize-SyncDatabase -Database $args[0]", Db)).BaseObject;
        dynamic second = Assert.Single(ps.Invoke("Initialize-SyncDatabase -Database $args[0]", Db)).BaseObject;

        Assert.Equal("Sqlite", (string)first.Provider);
        Assert.Equal(10, (int)first.CurrentVersion);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, ((IEnumerable<object>)first.Applied).Select(m => (int)((dynamic)m).Version));
        Assert.Empty((IEnumerable<object>)second.Applied);
        Assert.Equal(10, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM schema_migrations"));
        Assert.Empty(ps.Errors);
    }

    [Fact]
    public void InitializeSyncDatabase_WhatIf_CreatesNothing()
    {
        using var ps = PowerShellSession.Create();

        var output = ps.Invoke("Initialize-SyncDatabase -Database $args[0] -WhatIf", Db);

        Assert.Empty(output);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void SetAndResetSyncCheckpoint_Sqlite_ChangeWhatTheNextRunStartsFrom()
    {
        using var ps = PowerShellSession.Create();

        dynamic set = Assert.Single(ps.Invoke("Set-SyncCheckpoint -Source demo -Cursor c40 -Watermark 2025-01-01T00:00:00Z -Database $args[0] -PassThru", Db)).BaseObject;
        Assert.Equal("c40", (string)set.Cursor);
        Assert.Equal("2025-01-01T00:00:00Z", (string)set.Watermark);

        ps.Invoke("Set-SyncCheckpoint demo -Cursor c41 -Database $args[0]", Db);
        dynamic got = Assert.Single(ps.Invoke("Get-SyncCheckpoint demo -Database $args[0]", Db)).BaseObject;
        Assert.Equal("c41", (string)got.Cursor);
        Assert.Equal("2025-01-01T00:00:00Z", (string)got.Watermark); // only what was given changes

        Assert.Empty(ps.Invoke("Get-SyncCheckpoint -Database $args[0] | Reset-SyncCheckpoint -WhatIf", Db));
        Assert.Equal("c41", SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints")[0]);

        dynamic reset = Assert.Single(ps.Invoke("Reset-SyncCheckpoint -Source demo -Database $args[0] -PassThru", Db)).BaseObject;
        Assert.Null((string?)reset.Cursor);
        Assert.Null((string?)reset.Watermark);
        Assert.Empty(ps.Errors);
        Assert.Equal(0, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM sync_leases")); // the edit's lease is given back
    }

    [Fact]
    public void SetSyncCheckpoint_NothingToSet_And_ResetUnknownSource_ClearErrors()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke("Initialize-SyncDatabase -Database $args[0]", Db);

        // A cmdlet's terminating error ends its statement; the script goes on (and the error is in the error stream).
        ps.Invoke("Set-SyncCheckpoint -Source demo -Database $args[0]", Db);
        var nothing = Assert.Single(ps.Errors);
        Assert.Equal("SyncCheckpointNothingToSet,MuseumSync.PowerShell.Commands.SetSyncCheckpointCommand", nothing.FullyQualifiedErrorId);
        Assert.Contains("-Cursor, -Watermark", nothing.Exception.Message, StringComparison.Ordinal);
        ps.Errors.Clear();

        ps.Invoke("Reset-SyncCheckpoint -Source nobody -Database $args[0]", Db);
        var e = Assert.Single(ps.Errors);
        Assert.Equal("SyncCheckpointNotFound,MuseumSync.PowerShell.Commands.ResetSyncCheckpointCommand", e.FullyQualifiedErrorId);
    }

    [Fact]
    public void SetSyncCheckpoint_WhileAnotherWorkerHoldsTheSource_SaysItIsBusyAndChangesNothing()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke("Set-SyncCheckpoint -Source demo -Cursor c1 -Database $args[0]", Db);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO sync_leases VALUES ('demo', 'h1', 'server-b', 77, NULL, '2025-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')";
            cmd.ExecuteNonQuery();
        }

        ps.Invoke("Set-SyncCheckpoint -Source demo -Cursor c9 -Database $args[0]", Db);

        var e = Assert.Single(ps.Errors);
        Assert.Equal(ErrorCategory.ResourceBusy, e.CategoryInfo.Category);
        Assert.Contains("server-b", e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("pid 77", e.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("c1", SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints")[0]);
    }

    [Fact]
    public void StoreParameters_BadCombinationsAndSecrets_TerminatingErrorsThatNeverShowThePassword()
    {
        using var ps = PowerShellSession.Create();

        ps.Invoke("Get-SyncCheckpoint -Database $args[0] -ConnectionString 'Server=x'", Db);
        Assert.StartsWith("AmbiguousParameterSet", Assert.Single(ps.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        ps.Errors.Clear();

        ps.Invoke("Get-SyncCheckpoint -Provider PostgreSql -ConnectionString 'Host=127.0.0.1' -Schema 'x;drop'");
        var schema = Assert.Single(ps.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, schema.CategoryInfo.Category);
        Assert.Contains("not a valid schema name", schema.Exception.Message, StringComparison.Ordinal);
        ps.Errors.Clear();

        ps.Invoke("Get-SyncCheckpoint -Provider Oracle -ConnectionString 'x=y'");
        Assert.StartsWith("ParameterArgumentValidationError", Assert.Single(ps.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        ps.Errors.Clear();

        // Nothing listens on port 9: a connection error whose message and target never show the password.
        ps.Invoke("Get-SyncCheckpoint -Provider PostgreSql -ConnectionString 'Host=127.0.0.1;Port=9;Username=u;Password=Hunter2!;Timeout=3'");
        var e = Assert.Single(ps.Errors);
        Assert.DoesNotContain("Hunter2", e.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Hunter2", e.TargetObject?.ToString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", e.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetSyncDeadLetter_ReasonFilter_OnlyMatchingRules()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke("Initialize-SyncDatabase -Database $args[0]", Db);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                INSERT INTO sync_dead_letters (source, object_id, payload, payload_hash, reasons, first_seen_utc, last_seen_utc) VALUES
                ('demo', '1', '{"a":1}', x'01', '[{"field":"title","rule":"required","message":"m"}]', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
                ('demo', '2', '{"a":2}', x'02', '[{"field":"creation_date_iso","rule":"iso8601-date","message":"m"}]', '2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z')
                """;
            cmd.ExecuteNonQuery();
        }

        Assert.Equal("2", Assert.Single(ps.Invoke("(Get-SyncDeadLetter -Database $args[0] -Reason 'iso8601*').ObjectId", Db)).BaseObject);
        Assert.Equal("1", Assert.Single(ps.Invoke("(Get-SyncDeadLetter demo -Database $args[0] -Reason title).ObjectId", Db)).BaseObject);
        Assert.Equal("2", Assert.Single(ps.Invoke("(Get-SyncDeadLetter -Database $args[0] -Since ([datetime]'2025-01-01T12:00:00Z')).ObjectId", Db)).BaseObject);
    }

    [PostgresFact]
    public async Task SyncPipeline_PostgreSql_SameCountsAndRowsAsSqlite()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 500, DefaultPageSize = 50 });
        using var pg = new PostgresDatabase();
        using var ps = PowerShellSession.Create();

        dynamic init = Assert.Single(ps.Invoke($"Initialize-SyncDatabase {pg.Parameters}")).BaseObject;
        Assert.Equal("PostgreSql", (string)init.Provider);
        Assert.Equal(10, ((IEnumerable<object>)init.Applied).Count());

        var pipeline = $"Invoke-MuseumPoll -Uri '{api.ObjectsUri}' -Source demo -PageSize 50 | Sync-MuseumRecord -Source demo {pg.Parameters} -BatchSize 64 -ErrorAction SilentlyContinue";
        dynamic s = Assert.Single(ps.Invoke(pipeline)).BaseObject;
        var c = api.Collection;
        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal("PostgreSql", (string)s.Provider);
        Assert.Equal(c.ValidIds.Count, (long)s.Inserted);
        // Each revision line is an update, or supersedes its id's earlier version in the same batch (the last version wins).
        Assert.Equal(SampleFeedBatches.FirstRun(c, batchSize: 64), ((long)s.Updated, (long)s.Superseded));
        Assert.Equal(c.DuplicateLines, (long)s.Updated + (long)s.Superseded);
        Assert.Equal(c.InvalidLines.Count, (long)s.DeadLettered);
        Assert.Equal(c.ValidIds.Count, pg.Scalar("SELECT COUNT(*) FROM {t}museum_records"));
        Assert.Equal(c.InvalidLines.Count, pg.Scalar("SELECT COUNT(*) FROM {t}sync_dead_letters"));
        var titles = pg.Titles("demo");
        foreach (var (id, title) in c.FinalTitles) Assert.Equal(title, titles[id]);
        Assert.Equal(0, pg.Scalar("SELECT COUNT(*) FROM {t}sync_leases")); // released at the end of the run

        // The same run again from the stored checkpoint (read back with Get-SyncCheckpoint on PostgreSQL): nothing changes.
        dynamic cp = Assert.Single(ps.Invoke($"Get-SyncCheckpoint demo {pg.Parameters}")).BaseObject;
        Assert.Equal(c.ValidIds.Count + c.DuplicateLines, (long)cp.RecordsCommitted);
        dynamic again = Assert.Single(ps.Invoke(pipeline.Replace("-PageSize 50", $"-PageSize 50 -Cursor '{(string)cp.Cursor}'", StringComparison.Ordinal))).BaseObject;
        Assert.Equal(0L, (long)again.Inserted);
        Assert.Equal(0L, (long)again.Updated);

        // Set/Reset and dead letters through the same parameters.
        ps.Invoke($"Set-SyncCheckpoint demo -Cursor c7 {pg.Parameters}");
        Assert.Equal("c7", (string)((dynamic)Assert.Single(ps.Invoke($"Get-SyncCheckpoint demo {pg.Parameters}")).BaseObject).Cursor);
        ps.Invoke($"Reset-SyncCheckpoint demo {pg.Parameters}");
        Assert.Null((string?)((dynamic)Assert.Single(ps.Invoke($"Get-SyncCheckpoint demo {pg.Parameters}")).BaseObject).Cursor);
        Assert.Equal(c.InvalidLines.Count, ps.Invoke($"Get-SyncDeadLetter demo {pg.Parameters}").Count);
    }

    [PostgresFact]
    public void StoreParameters_PostgreSqlWithCredential_PasswordOnlyInTheCredential()
    {
        using var pg = new PostgresDatabase();
        using var ps = PowerShellSession.Create();
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(PostgresDatabase.ConnectionString) { Username = null, Password = null }.ConnectionString;
        var user = new Npgsql.NpgsqlConnectionStringBuilder(PostgresDatabase.ConnectionString).Username ?? "postgres";

        var output = ps.Invoke($$"""
            $credential = [pscredential]::new('{{user}}', [System.Net.NetworkCredential]::new('', 'not-needed-with-trust').SecurePassword)
            Initialize-SyncDatabase -Provider PostgreSql -ConnectionString '{{cs}}' -Credential $credential -Schema {{pg.Schema}}
            """);

        Assert.True(output.Count == 1, string.Join("; ", ps.Errors));
        Assert.Equal(10, pg.Scalar("SELECT COUNT(*) FROM {t}schema_migrations"));
    }
}
