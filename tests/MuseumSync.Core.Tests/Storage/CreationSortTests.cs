using System.Globalization;
using Microsoft.Data.Sqlite;
using MuseumSync.Core.Tests.Storage.Contract;
using MuseumSync.Storage;
using MuseumSync.Storage.PostgreSql;
using MuseumSync.Storage.Sqlite;
using Npgsql;

namespace MuseumSync.Core.Tests.Storage;

/// <summary>
/// Issue #14: <c>creation_sort</c> is computed by <see cref="CreationSort"/> (schema migration 9) instead of by each
/// database (migration 5). These tests hold the C# value to what migration 5's own expressions give for a table of dates,
/// run by the databases themselves.
/// </summary>
public sealed class CreationSortTests
{
    /// <summary>ISO 8601 dates the validator accepts: every store's migration 5 expression gives the same key.</summary>
    internal static readonly string[] ValidDates =
    [
        "1889", "1889-06", "1889-06-15", "1889-06-15T12:00:00Z", "1889-06-15T12:00:00.123+05:30", "1889-06-15T12:00-05:00",
        "0001", "0001-01-01", "-0001", "-0044", "-0044-01", "-0044-03-15", "-0045-12-31", "-1400", "+12345", "-12345",
        "+12345-06", "-12345-06-30", "+123456789", "-123456789-12-31", "2024-02-29", "9999-12-31", "0999",
    ];

    /// <summary>Texts no valid record holds (the validator dead-letters them); the key is still SQLite's migration 5 value.</summary>
    internal static readonly string[] OtherTexts =
    [
        "", "abc", "188", "1889x", "1889-6", "1889-6-15", "1889/06/15", "1889-06-", "1889--06", "1889-+6-+5", "1889- 6- 5",
        "1889-06x15", "1889-06-1", "1889-06-15-20", "12345", "1889.5e3", "+1889", "-", "+", "--1889", "1889年-06-15",
        "1889T12:00-06:00", "1889-😀-05", "1889😀-06-05", "1889-0😀-05", "1889-\uD800-05", "0000", "-0000-00-00",
        "922337203685477-99-99", "99999999999999999999", "-99999999999999999999-01-01", " 1889", "1889 -06",
    ];

    [Fact]
    public void Of_Null_IsNull() => Assert.Null(CreationSort.Of(null));

    [Theory]
    [InlineData("-0044-03-15", -439685L)]
    [InlineData("1889-06-15T12:00:00Z", 18890615L)]
    [InlineData("+12345", 123450000L)]
    [InlineData("-1400", -14000000L)]
    [InlineData("1889x", 18890000L)]
    [InlineData("188", null)]
    [InlineData("99999999999999999999", null)]
    public void Of_Date_IsYearMonthDay(string date, long? expected) => Assert.Equal(expected, CreationSort.Of(date));

    [Fact]
    public async Task Of_EveryText_EqualsMigration5SqliteExpression()
    {
        await using var c = new SqliteConnection("Data Source=:memory:");
        await c.OpenAsync();
        await ExecAsync(c, "CREATE TABLE museum_records (n INTEGER PRIMARY KEY, creation_date TEXT)");
        await ExecAsync(c, SqliteSchema.Migrations.Single(m => m.Version == 5).Sql);
        string[] dates = [.. ValidDates, .. OtherTexts];
        for (var i = 0; i < dates.Length; i++)
        {
            await using var insert = new SqliteCommand("INSERT INTO museum_records (n, creation_date) VALUES ($n, $d)", c);
            insert.Parameters.AddWithValue("$n", i);
            insert.Parameters.AddWithValue("$d", dates[i]);
            await insert.ExecuteNonQueryAsync();
        }

        var fromSql = new List<object?>();
        await using (var select = new SqliteCommand("SELECT creation_sort FROM museum_records ORDER BY n", c))
        await using (var r = await select.ExecuteReaderAsync())
        {
            while (await r.ReadAsync()) fromSql.Add(r.IsDBNull(0) ? null : r.GetValue(0));
        }

        for (var i = 0; i < dates.Length; i++)
        {
            // Keys beyond 64 bits: SQLite computed a floating-point number, which a bigint column on the servers cannot hold.
            var expected = fromSql[i] is double ? null : (long?)fromSql[i];
            Assert.True(expected == CreationSort.Of(dates[i]), $"'{dates[i]}': SQLite's migration 5 gave {fromSql[i] ?? "NULL"}, CreationSort.Of gave {CreationSort.Of(dates[i])?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
        }
        Assert.Contains(fromSql, v => v is double); // the table reaches the overflow case it claims to
    }

    internal static async Task ExecAsync(System.Data.Common.DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>The PostgreSQL half of <see cref="CreationSortTests"/>: migration 5's expression there, and the upgrade to migration 9.</summary>
[StoreTarget(StoreProvider.PostgreSql)]
public sealed class PostgresCreationSortTests : IAsyncLifetime
{
    private readonly string _schema = "mstest_" + Guid.NewGuid().ToString("N")[..12] + "_sort";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (StoreTargets.Postgres is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var c = await OpenAsync();
        await CreationSortTests.ExecAsync(c, $"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
    }

    [StoreFact]
    public async Task Of_ValidDate_EqualsMigration5PostgresExpression()
    {
        await using var c = await OpenAsync();
        var sql = new PostgresStatements(_schema);
        await CreationSortTests.ExecAsync(c, $"CREATE SCHEMA \"{_schema}\"; CREATE TABLE \"{_schema}\".museum_records (n integer PRIMARY KEY, creation_date text)");
        await CreationSortTests.ExecAsync(c, sql.Migration(PostgresSchema.Migrations.Single(m => m.Version == 5).Sql));
        var dates = CreationSortTests.ValidDates;
        for (var i = 0; i < dates.Length; i++)
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO \"{_schema}\".museum_records (n, creation_date) VALUES ($1, $2)", c);
            insert.Parameters.AddWithValue(i);
            insert.Parameters.AddWithValue(dates[i]);
            await insert.ExecuteNonQueryAsync();
        }

        var fromSql = new List<long?>();
        await using (var select = new NpgsqlCommand($"SELECT creation_sort FROM \"{_schema}\".museum_records ORDER BY n", c))
        await using (var r = await select.ExecuteReaderAsync())
        {
            while (await r.ReadAsync()) fromSql.Add(r.IsDBNull(0) ? null : r.GetInt64(0));
        }

        Assert.Equal(fromSql, dates.Select(CreationSort.Of));
    }

    [StoreFact]
    public async Task Initialize_FromSchemaVersion6_KeepsEachRowsCreationSortAndWritesNewOnes()
    {
        // A database at schema version 6, as the previous release left it, with rows whose keys PostgreSQL computed.
        var sql = new PostgresStatements(_schema);
        await using (var c = await OpenAsync())
        {
            await using (var boot = new NpgsqlCommand(sql.Bootstrap, c))
            {
                boot.Parameters.AddWithValue("lock", "museumsync.schema:" + _schema);
                await boot.ExecuteNonQueryAsync();
            }
            foreach (var (version, description, migration) in PostgresSchema.Migrations.Where(m => m.Version <= 6))
            {
                await CreationSortTests.ExecAsync(c, sql.Migration(migration));
                await using var record = new NpgsqlCommand(sql.MigrationRecord, c);
                record.Parameters.AddWithValue("version", version);
                record.Parameters.AddWithValue("description", description);
                await record.ExecuteNonQueryAsync();
            }
            await CreationSortTests.ExecAsync(c, $$"""
                INSERT INTO "{{_schema}}".museum_records (source, object_id, title, creation_date, access_tier, raw_json, content_hash, first_seen_utc, last_changed_utc)
                VALUES ('met', 'old-bce', 'T', '-0044-03-15', 'public', '{}', '\x00', now(), now()),
                       ('met', 'old-none', 'T', NULL, 'public', '{}', '\x00', now(), now())
                """);
        }

        var options = new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = StoreTargets.Postgres, Schema = _schema };
        await using (var store = await SyncStoreFactory.OpenAsync(options, create: true, CancellationToken.None))
        {
            Assert.Equal(PostgresSchema.Migrations.Where(m => m.Version > 6).Select(m => m.Version), (await store.InitializeAsync(CancellationToken.None)).Select(m => m.Version));
            await store.CommitBatchAsync(new SyncBatch
            {
                Source = "met",
                Records = [new MuseumRecord { Source = "met", ObjectId = "new", Title = "T", CreationDate = "+12345-06", RawJson = "{}" }],
                DeadLetters = [],
                Now = DateTimeOffset.UnixEpoch,
            }, CancellationToken.None);
        }

        await using var check = await OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT string_agg(object_id || '=' || coalesce(creation_sort::text, 'NULL'), ',' ORDER BY object_id),
                   (SELECT attgenerated FROM pg_attribute WHERE attrelid = '"{_schema}".museum_records'::regclass AND attname = 'creation_sort')::text
            FROM "{_schema}".museum_records
            """, check);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal("new=123450600,old-bce=-439685,old-none=NULL", r.GetString(0));
        Assert.Equal(string.Empty, r.GetString(1)); // '' is a plain column, 's' a stored generated one
    }

    private static async Task<NpgsqlConnection> OpenAsync()
    {
        var c = new NpgsqlConnection(StoreTargets.Postgres);
        await c.OpenAsync();
        return c;
    }
}

/// <summary>The SQLite upgrade to migration 9: the generated column becomes a plain one with the same values.</summary>
public sealed class SqliteCreationSortMigrationTests : IDisposable
{
    private readonly string _dir = TestPaths.TempDirectory();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Initialize_FromSchemaVersion6_KeepsEachRowsCreationSortAndWritesNewOnes()
    {
        // A database at schema version 6, as the previous release left it, with rows whose keys SQLite computed.
        var path = Path.Combine(_dir, "v6.db");
        await using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await c.OpenAsync();
            await CreationSortTests.ExecAsync(c, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_utc TEXT NOT NULL)");
            foreach (var (version, description, sql) in SqliteSchema.Migrations.Where(m => m.Version <= 6))
            {
                await CreationSortTests.ExecAsync(c, sql);
                await CreationSortTests.ExecAsync(c, $"INSERT INTO schema_migrations VALUES ({version}, '{description}', '2026-01-01T00:00:00.000Z')");
            }
            await CreationSortTests.ExecAsync(c, """
                INSERT INTO museum_records (source, object_id, title, creation_date, access_tier, raw_json, content_hash, first_seen_utc, last_changed_utc)
                VALUES ('met', 'old-bce', 'T', '-0044-03-15', 'public', '{}', x'00', 'x', 'x'), ('met', 'old-none', 'T', NULL, 'public', '{}', x'00', 'x', 'x');
                CREATE INDEX ix_test_creation_sort ON museum_records (creation_sort);
                """);
        }

        await using (var store = await SqliteSyncStore.OpenAsync(path, create: false, CancellationToken.None))
        {
            Assert.Equal(SqliteSchema.Migrations.Where(m => m.Version > 6).Select(m => m.Version), (await store.InitializeAsync(CancellationToken.None)).Select(m => m.Version));
            await store.CommitBatchAsync(new SyncBatch
            {
                Source = "met",
                Records = [new MuseumRecord { Source = "met", ObjectId = "new", Title = "T", CreationDate = "+12345-06", RawJson = "{}" }],
                DeadLetters = [],
                Now = DateTimeOffset.UnixEpoch,
            }, CancellationToken.None);
        }

        await using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        await check.OpenAsync();
        await using var cmd = new SqliteCommand("""
            SELECT group_concat(object_id || '=' || coalesce(creation_sort, 'NULL'), ',') FROM (SELECT * FROM museum_records ORDER BY object_id);
            SELECT hidden FROM pragma_table_xinfo('museum_records') WHERE name = 'creation_sort';
            SELECT group_concat(name) FROM pragma_index_info('ix_test_creation_sort');
            """, check);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal("new=123450600,old-bce=-439685,old-none=NULL", r.GetString(0));
        Assert.True(await r.NextResultAsync() && await r.ReadAsync());
        Assert.Equal(0L, r.GetInt64(0)); // 0: a plain column (2 and 3 are generated ones)
        Assert.True(await r.NextResultAsync() && await r.ReadAsync());
        Assert.Equal("creation_sort", r.GetString(0)); // the administrator's index is there again, on the new column
    }
}
