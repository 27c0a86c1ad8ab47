using Microsoft.Data.Sqlite;
using MuseumSync.Storage;
using Npgsql;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>
/// The store contract: the same tests, the same expected values, for every store (SQLite always, PostgreSQL when
/// MUSEUMSYNC_TEST_POSTGRES is set, SQL Server when MUSEUMSYNC_TEST_SQLSERVER is set). Each test class gets its own
/// database file or schema, dropped at the end.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T1 = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset T2 = new(2025, 1, 2, 10, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset T3 = new(2025, 1, 3, 10, 0, 0, TimeSpan.Zero);

    private readonly List<ISyncStore> _opened = new();

    protected ISyncStore Store { get; private set; } = null!;

    protected StoreInspector Db { get; private set; } = null!;

    protected StoreOptions MainOptions { get; private set; } = null!;

    /// <summary>Options for a database of this test class; <paramref name="name"/> tells several apart.</summary>
    protected abstract StoreOptions Options(string name);

    protected abstract StoreInspector Inspector(StoreOptions options);

    protected abstract Task CleanupAsync();

    public async Task InitializeAsync()
    {
        MainOptions = Options("main");
        Store = await OpenAsync(MainOptions);
        await Store.InitializeAsync(CancellationToken.None);
        Db = Inspector(MainOptions);
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _opened) await s.DisposeAsync();
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.SqlClient.SqlConnection.ClearAllPools();
        await CleanupAsync();
    }

    protected async Task<ISyncStore> OpenAsync(StoreOptions options)
    {
        var s = await SyncStoreFactory.OpenAsync(options, create: true, CancellationToken.None);
        _opened.Add(s);
        return s;
    }

    protected static MuseumRecord Rec(string id, string title = "Seal", string? raw = null, bool valid = true, string source = "met", bool deleted = false)
        => new()
        {
            Source = source,
            ObjectId = id,
            Title = title,
            AccessionNumber = "acc-" + id,
            CreationDate = "1889-06-15",
            RightsStatement = "http://rightsstatements.org/vocab/InC/1.0/",
            EmbargoDate = new DateOnly(2030, 12, 31),
            AccessTier = AccessTier.Research,
            IiifManifestUrl = "https://iiif.example.org/" + id + "/manifest",
            MediaUrl = "https://img.example.org/" + id + ".jpg",
            RawJson = raw ?? $$"""{"ObjectID":"{{id}}","title":"{{title}}"}""",
            Position = "c1",
            SourceUrl = "https://api.example.org/objects?cursor=c1",
            CorrelationId = "corr",
            IsDeleted = deleted,
            Issues = valid ? [] : [new ValidationIssue("title", "required", "'title' is missing; every record needs a title.")],
        };

    protected static MuseumRecord Bad(string? id, string raw) =>
        new()
        {
            Source = "met",
            ObjectId = id,
            RawJson = raw,
            Position = "c1",
            SourceUrl = "https://api.example.org/objects?cursor=c1",
            CorrelationId = "corr",
            Issues = [new ValidationIssue("title", "required", "'title' is missing; every record needs a title.")],
        };

    protected static SyncBatch Batch(IReadOnlyList<MuseumRecord>? records = null, IReadOnlyList<MuseumRecord>? dead = null, bool advance = false,
        string? position = null, DateTimeOffset? now = null, string source = "met", IReadOnlyList<MuseumRecord>? deletions = null)
        => new()
        {
            Source = source,
            Records = records ?? [],
            DeadLetters = dead ?? [],
            Deletions = deletions ?? [],
            AdvanceCheckpoint = advance,
            CheckpointPosition = position,
            Endpoint = "https://api.example.org/objects",
            Now = now ?? T1,
        };

    protected Task<BatchResult> CommitAsync(SyncBatch batch) => Store.CommitBatchAsync(batch, CancellationToken.None);

    protected async Task<SyncCheckpoint> CheckpointAsync(string source = "met") => Assert.Single(await Store.GetCheckpointsAsync(source, CancellationToken.None));

    protected Task<long> CountAsync(string table, string where = "1 = 1", params object[] args) => Db.ScalarAsync($"SELECT COUNT(*) FROM {{t}}{table} WHERE {where}", args);
}

[StoreTarget(StoreProvider.Sqlite)]
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly string _dir = TestPaths.TempDirectory();

    protected override StoreOptions Options(string name) => new() { Provider = StoreProvider.Sqlite, Database = Path.Combine(_dir, name + ".db") };

    protected override StoreInspector Inspector(StoreOptions options) => new(async () =>
    {
        var c = new SqliteConnection($"Data Source={options.Database};Pooling=False");
        await c.OpenAsync();
        return c;
    }, string.Empty);

    protected override string FailCheckpointWritesSql => """
        CREATE TRIGGER fail_checkpoint_insert BEFORE INSERT ON sync_checkpoints BEGIN SELECT RAISE(ABORT, 'injected checkpoint failure'); END;
        CREATE TRIGGER fail_checkpoint_update BEFORE UPDATE ON sync_checkpoints BEGIN SELECT RAISE(ABORT, 'injected checkpoint failure'); END;
        """;

    protected override string AllowCheckpointWritesSql => "DROP TRIGGER fail_checkpoint_insert; DROP TRIGGER fail_checkpoint_update;";

    protected override Task CleanupAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}

[StoreTarget(StoreProvider.PostgreSql)]
public sealed class PostgresStoreContractTests : StoreContractTests
{
    private readonly string _prefix = "mstest_" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<string> _schemas = new();

    protected override StoreOptions Options(string name)
    {
        var schema = _prefix + "_" + name;
        _schemas.Add(schema);
        return new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = StoreTargets.Postgres, Schema = schema, RetryBaseDelay = TimeSpan.FromMilliseconds(20) };
    }

    protected override StoreInspector Inspector(StoreOptions options) => new(async () =>
    {
        var c = new NpgsqlConnection(options.ConnectionString);
        await c.OpenAsync();
        return c;
    }, $"\"{options.Schema}\".");

    protected override string FailCheckpointWritesSql => $$"""
        CREATE FUNCTION "{{MainOptions.Schema}}".fail_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RAISE EXCEPTION 'injected checkpoint failure'; END $f$;
        CREATE TRIGGER fail_checkpoint BEFORE INSERT OR UPDATE ON "{{MainOptions.Schema}}".sync_checkpoints FOR EACH ROW EXECUTE FUNCTION "{{MainOptions.Schema}}".fail_checkpoint();
        """;

    protected override string AllowCheckpointWritesSql => $"""DROP TRIGGER fail_checkpoint ON "{MainOptions.Schema}".sync_checkpoints; DROP FUNCTION "{MainOptions.Schema}".fail_checkpoint();""";

    [StoreFact]
    public async Task Session_ConnectionKilledInsideItsTransaction_RolledBackWhole_AndTheNextSessionWorks()
    {
        await CommitFirstBatchAsync();
        // The server ends the store's own connection when the transaction reaches the checkpoint (its last statement), after
        // the records, the deletion and the dead letters were written; every retry of the commit meets the same end.
        await Db.ExecAsync($$"""
            CREATE FUNCTION "{{MainOptions.Schema}}".kill_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $f$;
            CREATE TRIGGER kill_checkpoint BEFORE INSERT OR UPDATE ON "{{MainOptions.Schema}}".sync_checkpoints FOR EACH ROW EXECUTE FUNCTION "{{MainOptions.Schema}}".kill_checkpoint();
            """);

        await using (var session = FillSecond())
        {
            await Assert.ThrowsAsync<SyncStoreException>(() => session.CompleteAsync(Second, CancellationToken.None));
        }
        await Db.ExecAsync($"""DROP TRIGGER kill_checkpoint ON "{MainOptions.Schema}".sync_checkpoints; DROP FUNCTION "{MainOptions.Schema}".kill_checkpoint();""");

        await AssertFirstBatchOnlyAsync();
        await using var next = FillSecond();
        Assert.Equal(new BatchResult(1, 1, 0, 1, 1) { Deleted = 1, DeadLettersResolved = 1 }, await next.CompleteAsync(Second, CancellationToken.None));
        Assert.Equal("c2", (await CheckpointAsync()).Cursor);
    }

    protected override async Task CleanupAsync()
    {
        await using var c = new NpgsqlConnection(StoreTargets.Postgres);
        await c.OpenAsync();
        foreach (var s in _schemas)
        {
            await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{s}\" CASCADE", c);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}

[StoreTarget(StoreProvider.SqlServer)]
public sealed class SqlServerStoreContractTests : StoreContractTests
{
    private readonly string _prefix = "mstest_" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<string> _schemas = new();

    protected override StoreOptions Options(string name)
    {
        var schema = _prefix + "_" + name;
        _schemas.Add(schema);
        return new StoreOptions { Provider = StoreProvider.SqlServer, ConnectionString = StoreTargets.SqlServer, Schema = schema, RetryBaseDelay = TimeSpan.FromMilliseconds(20) };
    }

    protected override StoreInspector Inspector(StoreOptions options) => new(async () =>
    {
        var c = new Microsoft.Data.SqlClient.SqlConnection(options.ConnectionString);
        await c.OpenAsync();
        return c;
    }, $"[{options.Schema}].");

    protected override string FailCheckpointWritesSql =>
        $"CREATE TRIGGER [{MainOptions.Schema}].fail_checkpoint ON [{MainOptions.Schema}].sync_checkpoints AFTER INSERT, UPDATE AS THROW 50000, 'injected checkpoint failure', 1;";

    protected override string AllowCheckpointWritesSql => $"DROP TRIGGER [{MainOptions.Schema}].fail_checkpoint;";

    protected override async Task CleanupAsync()
    {
        await using var c = new Microsoft.Data.SqlClient.SqlConnection(StoreTargets.SqlServer);
        await c.OpenAsync();
        foreach (var s in _schemas)
        {
            // Drop the schema's tables, then the schema (SQL Server has no DROP SCHEMA … CASCADE).
            await using var cmd = new Microsoft.Data.SqlClient.SqlCommand("""
                DECLARE @sql nvarchar(max) = N'';
                SELECT @sql += N'DROP TABLE ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N'; '
                FROM sys.tables AS t JOIN sys.schemas AS s ON s.schema_id = t.schema_id WHERE s.name = @schema;
                IF SCHEMA_ID(@schema) IS NOT NULL SET @sql += N'DROP SCHEMA ' + QUOTENAME(@schema) + N';';
                EXEC sys.sp_executesql @sql;
                """, c);
            cmd.Parameters.AddWithValue("@schema", s);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
