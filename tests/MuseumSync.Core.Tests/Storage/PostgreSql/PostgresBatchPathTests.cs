using MuseumSync.Core.Tests.Storage.Contract;
using MuseumSync.Storage;
using Npgsql;

namespace MuseumSync.Core.Tests.Storage.PostgreSql;

/// <summary>
/// The PostgreSQL store's batch path (issue #18): new rows are copied straight into the table, rows whose hash did not
/// change are not sent at all, and a row another writer inserts meanwhile still ends as the upsert leaves it.
/// Runs when MUSEUMSYNC_TEST_POSTGRES is set (a private schema, dropped after).
/// </summary>
[StoreTarget(StoreProvider.PostgreSql)]
public sealed class PostgresBatchPathTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T1 = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T2 = new(2025, 1, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly string _schema = "mstest_" + Guid.NewGuid().ToString("N")[..12] + "_path";
    private readonly string _application = "mstest-" + Guid.NewGuid().ToString("N")[..12];
    private ISyncStore _store = null!;

    public async Task InitializeAsync()
    {
        // An application name of its own, so the test can find the store's backend in pg_stat_activity.
        var cs = new NpgsqlConnectionStringBuilder(StoreTargets.Postgres) { ApplicationName = _application }.ConnectionString;
        _store = await SyncStoreFactory.OpenAndInitializeAsync(new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = cs, Schema = _schema }, CancellationToken.None);
        // Counts every row the store offers the table for insertion (COPY and INSERT … ON CONFLICT both fire BEFORE INSERT).
        await ExecAsync($$"""
            CREATE TABLE "{{_schema}}".insert_attempts (object_id text NOT NULL);
            CREATE FUNCTION "{{_schema}}".count_attempt() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN INSERT INTO "{{_schema}}".insert_attempts VALUES (NEW.object_id); RETURN NEW; END $f$;
            CREATE TRIGGER count_attempt BEFORE INSERT ON "{{_schema}}".museum_records FOR EACH ROW EXECUTE FUNCTION "{{_schema}}".count_attempt();
            """);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await ExecAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
    }

    [StoreFact]
    public async Task CommitBatch_UnchangedRows_NotOfferedToTheTableAtAll()
    {
        await CommitAsync([Rec("1", "Seal"), Rec("2", "Seal"), Rec("3", "Seal")], T1);
        await ExecAsync($"TRUNCATE \"{_schema}\".insert_attempts");

        var result = await CommitAsync([Rec("1", "Seal"), Rec("2", "Seal, recatalogued"), Rec("3", "Seal"), Rec("4", "Jar")], T2);

        Assert.Equal(new BatchResult(1, 1, 2, 0, 0), result);
        // Only the changed row and the new one reach the table; the two unchanged rows are neither rewritten nor locked.
        Assert.Equal(["2", "4"], await AttemptsAsync());
        Assert.Equal(2L, await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".museum_records WHERE last_changed_utc = first_seen_utc AND object_id IN ('1', '3')"));
    }

    [StoreFact]
    public async Task CommitBatch_RepeatedIdsAmongNewUnchangedAndChanged_CountedAsRowByRow()
    {
        await CommitAsync([Rec("a", "A"), Rec("b", "B")], T1);

        // a: stored, repeated with the same content (unchanged twice); b: stored, changed then changed back to its stored
        // content (updated twice, written); c: new, repeated with a change (inserted, then updated, the last version wins).
        var result = await CommitAsync([Rec("a", "A"), Rec("b", "B2"), Rec("c", "C"), Rec("a", "A"), Rec("b", "B"), Rec("c", "C2")], T2);

        Assert.Equal(new BatchResult(1, 3, 2, 0, 0), result);
        Assert.Equal("B", await ScalarAsync($"SELECT title FROM \"{_schema}\".museum_records WHERE object_id = 'b'"));
        Assert.Equal("C2", await ScalarAsync($"SELECT title FROM \"{_schema}\".museum_records WHERE object_id = 'c'"));
    }

    [StoreFact]
    public async Task CommitBatch_IdInsertedByAnotherWriterMeanwhile_UpdatedAsTheUpsertWouldAndNothingLost()
    {
        await CommitAsync([Rec("1", "Seal")], T1);
        var cs = StoreTargets.Postgres!;
        await using var other = new NpgsqlConnection(cs);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var ins = new NpgsqlCommand($$"""
            INSERT INTO "{{_schema}}".museum_records (source, object_id, title, access_tier, raw_json, content_hash, first_seen_utc, last_changed_utc)
            VALUES ('met', '2', 'Written by another worker', 'public', '{}', '\x00'::bytea, now(), now())
            """, other, tx))
        {
            await ins.ExecuteNonQueryAsync();
        }

        // The store reads no row for id 2 (the other insert is not committed), so it copies it as new and waits on the key.
        var commit = CommitAsync([Rec("1", "Seal"), Rec("2", "Jar"), Rec("3", "Bowl")], T2);
        await WaitUntilBlockedAsync();
        await tx.CommitAsync();
        var result = await commit.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new BatchResult(1, 1, 1, 0, 0), result);
        Assert.Equal("Jar", await ScalarAsync($"SELECT title FROM \"{_schema}\".museum_records WHERE object_id = '2'"));
        Assert.Equal(3L, await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".museum_records"));
        var checkpoint = Assert.Single(await _store.GetCheckpointsAsync("met", CancellationToken.None));
        Assert.Equal(4L, checkpoint.RecordsCommitted);
    }

    [StoreFact]
    public async Task CommitBatch_AfterABatchOfNewIds_NextBatchCopiedWithoutReadingStoredHashes()
    {
        var store = (MuseumSync.Storage.PostgreSql.PostgresSyncStore)_store;
        await CommitAsync([Rec("1", "Seal"), Rec("2", "Jar")], T1);
        Assert.Equal(1, store.StoredHashReads);

        var result = await CommitAsync([Rec("3", "Bowl"), Rec("4", "Cup"), Rec("3", "Bowl, recatalogued")], T2);

        Assert.Equal(new BatchResult(2, 1, 0, 0, 0), result);
        Assert.Equal(1, store.StoredHashReads);
        Assert.Equal(["1", "2", "3", "4"], await AttemptsAsync());
        Assert.Equal("Bowl, recatalogued", await ScalarAsync($"SELECT title FROM \"{_schema}\".museum_records WHERE object_id = '3'"));
        var checkpoint = Assert.Single(await _store.GetCheckpointsAsync("met", CancellationToken.None));
        Assert.Equal(5L, checkpoint.RecordsCommitted);
        Assert.Equal(2L, checkpoint.Batches);
    }

    [StoreFact]
    public async Task CommitBatch_StoredIdsInABatchTakenForNew_RolledBackAndWrittenAsRowByRow()
    {
        await CommitAsync([Rec("1", "Seal"), Rec("2", "Jar")], T1);
        await CommitAsync([Rec("3", "Bowl")], T1);

        // Taken for new after two batches of new ids, this one copies "1" into the table, fails on the key, rolls back and
        // goes again reading the stored hashes: 4 is inserted, 1 updated, 2 left alone, and the checkpoint counts it once.
        var result = await CommitAsync([Rec("4", "Cup"), Rec("1", "Seal, recatalogued"), Rec("2", "Jar")], T2);

        Assert.Equal(new BatchResult(1, 1, 1, 0, 0), result);
        Assert.Equal("Seal, recatalogued", await ScalarAsync($"SELECT title FROM \"{_schema}\".museum_records WHERE object_id = '1'"));
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".museum_records WHERE object_id = '2' AND last_changed_utc = first_seen_utc"));
        Assert.Equal(4L, await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".museum_records"));
        var checkpoint = Assert.Single(await _store.GetCheckpointsAsync("met", CancellationToken.None));
        Assert.Equal(6L, checkpoint.RecordsCommitted);
        Assert.Equal(3L, checkpoint.Batches);

        // The next batch of new ids reads the stored hashes again (the last one found some).
        var store = (MuseumSync.Storage.PostgreSql.PostgresSyncStore)_store;
        var reads = store.StoredHashReads;
        await CommitAsync([Rec("5", "Lamp")], T2);
        Assert.Equal(reads + 1, store.StoredHashReads);
    }

    private async Task WaitUntilBlockedAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            if ((long)(await ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{_application}' AND wait_event_type = 'Lock'"))! > 0) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("The store's commit did not wait on the other writer's row within 10 seconds.");
    }

    private Task<BatchResult> CommitAsync(MuseumRecord[] records, DateTimeOffset now) => _store.CommitBatchAsync(
        new SyncBatch { Source = "met", Records = records, DeadLetters = [], AdvanceCheckpoint = true, CheckpointPosition = "c", Now = now }, CancellationToken.None);

    private static MuseumRecord Rec(string id, string title) => new()
    {
        Source = "met",
        ObjectId = id,
        Title = title,
        AccessTier = AccessTier.Public,
        RawJson = $$"""{"id":"{{id}}","title":"{{title}}"}""",
    };

    private async Task<List<string>> AttemptsAsync()
    {
        await using var c = new NpgsqlConnection(StoreTargets.Postgres);
        await c.OpenAsync();
        await using var q = new NpgsqlCommand($"SELECT object_id FROM \"{_schema}\".insert_attempts ORDER BY object_id", c);
        await using var r = await q.ExecuteReaderAsync();
        var list = new List<string>();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }

    private static async Task<object?> ScalarAsync(string sql)
    {
        await using var c = new NpgsqlConnection(StoreTargets.Postgres);
        await c.OpenAsync();
        await using var q = new NpgsqlCommand(sql, c);
        return await q.ExecuteScalarAsync();
    }

    private static async Task ExecAsync(string sql)
    {
        await using var c = new NpgsqlConnection(StoreTargets.Postgres);
        await c.OpenAsync();
        await using var q = new NpgsqlCommand(sql, c);
        await q.ExecuteNonQueryAsync();
    }
}
