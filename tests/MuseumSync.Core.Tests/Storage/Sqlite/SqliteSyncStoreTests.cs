using System.Collections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using MuseumSync.Storage;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Core.Tests.Storage.Sqlite;

public sealed class SqliteSyncStoreTests : SqliteStoreTestBase
{
    private static readonly long SqliteSchemaVersions = MuseumSync.Storage.Sqlite.SqliteSchema.Migrations.Length;

    private static readonly DateTimeOffset s_t1 = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_t2 = new(2025, 1, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_t3 = new(2025, 1, 3, 10, 0, 0, TimeSpan.Zero);

    private static MuseumRecord Rec(string id, string title = "Seal", string? raw = null, bool valid = true)
        => new()
        {
            Source = "met",
            ObjectId = id,
            Title = title,
            AccessionNumber = "acc-" + id,
            CreationDate = "1889-06-15",
            EmbargoDate = new DateOnly(2030, 12, 31),
            AccessTier = AccessTier.Research,
            MediaUrl = "https://img.example.org/" + id + ".jpg",
            RawJson = raw ?? $$"""{"ObjectID":"{{id}}","title":"{{title}}"}""",
            Position = "c1",
            SourceUrl = "https://api.example.org/objects?cursor=c1",
            CorrelationId = "corr",
            Issues = valid ? [] : [new ValidationIssue("title", "required", "'title' is missing; every record needs a title.")],
        };

    private static SyncBatch Batch(IReadOnlyList<MuseumRecord>? records = null, IReadOnlyList<MuseumRecord>? dead = null, bool advance = false, string? position = null, DateTimeOffset? now = null)
        => new()
        {
            Source = "met",
            Records = records ?? [],
            DeadLetters = dead ?? [],
            AdvanceCheckpoint = advance,
            CheckpointPosition = position,
            Endpoint = "https://api.example.org/objects",
            Now = now ?? s_t1,
        };

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default! : (T)Convert.ChangeType(v, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<SyncCheckpoint> CheckpointAsync() => Assert.Single(await _store.GetCheckpointsAsync("met", CancellationToken.None));

    [Fact]
    public async Task OpenAndInitialize_InjectedTimeProvider_StampsEveryAppliedMigrationWithItsTime()
    {
        var path = Path.Combine(_dir, "clocked.db");
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero));
        await using (await SyncStoreFactory.OpenAndInitializeAsync(new StoreOptions { Database = path }, CancellationToken.None, time))
        {
        }
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT applied_utc FROM schema_migrations ORDER BY version";
        var stamps = new List<string>();
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync()) stamps.Add(r.GetString(0));
        }
        Assert.Equal(SqliteSchemaVersions, stamps.Count);
        Assert.All(stamps, s => Assert.Equal("2031-02-03T04:05:06.000Z", s));
    }

    [Fact]
    public async Task OpenAsync_FolderIsAFile_SyncStoreErrorNamingTheDatabaseAndTheFix()
    {
        var file = Path.Combine(_dir, "not-a-folder.txt");
        await File.WriteAllTextAsync(file, "x");
        var path = Path.Combine(file, "museum.db");

        var ex = await Assert.ThrowsAsync<SyncStoreException>(() => SqliteSyncStore.OpenAsync(path, create: true, CancellationToken.None));

        Assert.Equal("SyncStoreError", ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Check -Database", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task InitializeAsync_Twice_AppliesVersionOneOnce()
    {
        await _store.InitializeAsync(CancellationToken.None);
        await _store.InitializeAsync(CancellationToken.None);

        Assert.Equal(SqliteSchemaVersions, await ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations WHERE version = 1"));
        Assert.Equal(3L, await ScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('museum_records','sync_checkpoints','sync_dead_letters')"));
    }

    [Fact]
    public async Task InitializeAsync_ReopenedDatabase_StillOneMigration()
    {
        await _store.DisposeAsync();
        _store = await SqliteSyncStore.OpenAsync(DbPath, create: false, CancellationToken.None);
        await _store.InitializeAsync(CancellationToken.None);

        Assert.Equal(SqliteSchemaVersions, await ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal("Sqlite", _store.Provider);
        Assert.Equal(Path.GetFullPath(DbPath), _store.DatabasePath);
    }

    [Fact]
    public async Task CommitBatchAsync_NewRecords_InsertedWithEveryColumn()
    {
        var result = await _store.CommitBatchAsync(Batch([Rec("1"), Rec("2")]), CancellationToken.None);

        Assert.Equal(new BatchResult(2, 0, 0, 0, 0), result);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT COUNT(*) FROM museum_records"));
        Assert.Equal("Seal|acc-1|1889-06-15|2030-12-31|research|https://img.example.org/1.jpg|c1|corr|2025-01-01T10:00:00.000Z",
            await ScalarAsync<string>("SELECT title||'|'||accession_number||'|'||creation_date||'|'||embargo_date||'|'||access_tier||'|'||media_url||'|'||position||'|'||correlation_id||'|'||first_seen_utc FROM museum_records WHERE object_id = '1'"));
        Assert.Equal(16L, await ScalarAsync<long>("SELECT length(content_hash) FROM museum_records WHERE object_id = '1'"));
    }

    [Fact]
    public async Task CommitBatchAsync_SameBatchAgain_AllUnchangedAndNotRewritten()
    {
        await _store.CommitBatchAsync(Batch([Rec("1"), Rec("2")], now: s_t1), CancellationToken.None);

        var again = await _store.CommitBatchAsync(Batch([Rec("1"), Rec("2")], now: s_t2), CancellationToken.None);

        Assert.Equal(new BatchResult(0, 0, 2, 0, 0), again);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT COUNT(*) FROM museum_records WHERE last_changed_utc = '2025-01-01T10:00:00.000Z'"));
    }

    [Fact]
    public async Task CommitBatchAsync_ChangedTitle_UpdatedAndLastChangedMoves()
    {
        await _store.CommitBatchAsync(Batch([Rec("1"), Rec("2")], now: s_t1), CancellationToken.None);

        var result = await _store.CommitBatchAsync(Batch([Rec("1", title: "Seal, recatalogued"), Rec("2")], now: s_t2), CancellationToken.None);

        Assert.Equal(new BatchResult(0, 1, 1, 0, 0), result);
        Assert.Equal("Seal, recatalogued|2025-01-01T10:00:00.000Z|2025-01-02T10:00:00.000Z",
            await ScalarAsync<string>("SELECT title||'|'||first_seen_utc||'|'||last_changed_utc FROM museum_records WHERE object_id = '1'"));
        Assert.Equal("2025-01-01T10:00:00.000Z", await ScalarAsync<string>("SELECT last_changed_utc FROM museum_records WHERE object_id = '2'"));
    }

    [Fact]
    public async Task CommitBatchAsync_DuplicateIdInOneBatch_OneRowLastWins()
    {
        var result = await _store.CommitBatchAsync(Batch([Rec("1", title: "first"), Rec("1", title: "second")]), CancellationToken.None);

        Assert.Equal(1, result.Inserted);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM museum_records"));
        Assert.Equal("second", await ScalarAsync<string>("SELECT title FROM museum_records WHERE object_id = '1'"));
    }

    [Fact]
    public async Task CommitBatchAsync_SameDeadLetterTwice_OneRowAndSeenBefore()
    {
        var bad = Rec("9", raw: """{"ObjectID":"9"}""", valid: false);

        var result = await _store.CommitBatchAsync(Batch(dead: [bad, bad]), CancellationToken.None);

        Assert.Equal(new BatchResult(0, 0, 0, 1, 1), result);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM sync_dead_letters"));
        var reasons = await ScalarAsync<string>("SELECT reasons FROM sync_dead_letters");
        Assert.Contains("\"field\":\"title\"", reasons, StringComparison.Ordinal);
        Assert.Contains("\"rule\":\"required\"", reasons, StringComparison.Ordinal);

        var later = await _store.CommitBatchAsync(Batch(dead: [bad], now: s_t2), CancellationToken.None);

        Assert.Equal(new BatchResult(0, 0, 0, 0, 1), later);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM sync_dead_letters"));
        Assert.Equal("2025-01-01T10:00:00.000Z|2025-01-02T10:00:00.000Z", await ScalarAsync<string>("SELECT first_seen_utc||'|'||last_seen_utc FROM sync_dead_letters"));
        Assert.Equal(1L, (await CheckpointAsync()).DeadLettered); // distinct dead letters only
    }

    [Fact]
    public async Task GetDeadLettersAsync_AfterCommits_ReturnsStoredDeadLettersWithReasons()
    {
        var bad = Rec("9", raw: """{"ObjectID":"9"}""", valid: false);
        await _store.CommitBatchAsync(Batch(dead: [bad], now: s_t1), CancellationToken.None);
        await _store.CommitBatchAsync(new SyncBatch { Source = "aic", Records = [], DeadLetters = [Rec("8", raw: "{}", valid: false)], Now = s_t2 }, CancellationToken.None);

        var all = await _store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None);
        Assert.Equal(new[] { "met", "aic" }, all.Select(d => d.Source));

        var met = Assert.Single(await _store.GetDeadLettersAsync(new DeadLetterQuery { Source = "met" }, CancellationToken.None));
        Assert.Equal("9", met.ObjectId);
        Assert.Equal("""{"ObjectID":"9"}""", met.Payload);
        Assert.Equal(bad.Issues, met.Reasons);
        Assert.Equal("c1", met.Position);
        Assert.Equal("corr", met.CorrelationId);
        Assert.Equal(s_t1, met.FirstSeen);
        Assert.Equal(1, met.AttemptCount);

        Assert.Equal("aic", Assert.Single(await _store.GetDeadLettersAsync(new DeadLetterQuery { Since = s_t2 }, CancellationToken.None)).Source);
    }

    [Fact]
    public async Task GetDeadLettersAsync_FreshDatabaseWithoutTables_ReturnsEmpty()
    {
        await using var fresh = await SqliteSyncStore.OpenAsync(Path.Combine(_dir, "fresh.db"), create: true, CancellationToken.None);
        Assert.Empty(await fresh.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task CommitBatchAsync_SameDeadLetterAgain_AttemptCountGrows()
    {
        var bad = Rec("9", raw: """{"ObjectID":"9"}""", valid: false);
        await _store.CommitBatchAsync(Batch(dead: [bad], now: s_t1), CancellationToken.None);
        await _store.CommitBatchAsync(Batch(dead: [bad], now: s_t2), CancellationToken.None);

        var d = Assert.Single(await _store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
        Assert.Equal(s_t2, d.LastSeen);
        Assert.Equal(2, d.AttemptCount);
    }

    [Fact]
    public async Task CommitBatchAsync_DifferentPayloadsSameId_TwoDeadLetters()
    {
        var result = await _store.CommitBatchAsync(Batch(dead: [Rec("9", raw: "{\"a\":1}", valid: false), Rec("9", raw: "{\"a\":2}", valid: false)]), CancellationToken.None);
        Assert.Equal(2, result.DeadLettered);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT COUNT(*) FROM sync_dead_letters WHERE object_id = '9'"));
    }

    [Fact]
    public async Task CommitBatchAsync_DeadLetterWithoutObjectId_Stored()
    {
        var bad = new MuseumRecord { Source = "met", RawJson = "{not json", Issues = [new ValidationIssue("(record)", "json", "The record is not a JSON object.")] };
        var result = await _store.CommitBatchAsync(Batch(dead: [bad]), CancellationToken.None);
        Assert.Equal(1, result.DeadLettered);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM sync_dead_letters WHERE object_id IS NULL AND payload = '{not json'"));
    }

    [Fact]
    public async Task CommitBatchAsync_Checkpoint_WrittenOnlyWhenAdvanceAndTotalsAccumulate()
    {
        await _store.CommitBatchAsync(Batch([Rec("1"), Rec("2")], advance: true, position: "c2", now: s_t1), CancellationToken.None);
        var first = await CheckpointAsync();
        Assert.Equal("c2", first.Cursor);
        Assert.Equal("https://api.example.org/objects", first.Endpoint);
        Assert.Equal(2, first.RecordsCommitted);
        Assert.Equal(1, first.Batches);
        Assert.Equal(s_t1, first.LastSyncTime);
        Assert.Equal(Path.GetFullPath(DbPath), first.Database);

        // A batch that ended mid-page: the position stays, the totals still grow.
        await _store.CommitBatchAsync(Batch([Rec("3")], [Rec("x", raw: "{}", valid: false)], advance: false, position: "ignored", now: s_t2), CancellationToken.None);
        var second = await CheckpointAsync();
        Assert.Equal("c2", second.Cursor);
        Assert.Equal(3, second.RecordsCommitted);
        Assert.Equal(1, second.DeadLettered);
        Assert.Equal(2, second.Batches);
        Assert.Equal(s_t2, second.LastSyncTime);

        await _store.CommitBatchAsync(Batch([Rec("1")], advance: true, position: "c3", now: s_t3), CancellationToken.None);
        var third = await CheckpointAsync();
        Assert.Equal("c3", third.Cursor);
        Assert.Equal(4, third.RecordsCommitted); // unchanged records count as committed
        Assert.Equal(3, third.Batches);
    }

    [Fact]
    public async Task CommitBatchAsync_FirstBatchWithoutAdvance_CheckpointRowWithNullCursor()
    {
        await _store.CommitBatchAsync(Batch([Rec("1")], advance: false, position: "c9"), CancellationToken.None);
        var cp = await CheckpointAsync();
        Assert.Null(cp.Cursor);
        Assert.Equal(1, cp.RecordsCommitted);
    }

    [Fact]
    public async Task CommitBatchAsync_AdvanceWithNullPosition_StoresNull()
    {
        await _store.CommitBatchAsync(Batch([Rec("1")], advance: true, position: "c2"), CancellationToken.None);
        Assert.Equal("c2", (await CheckpointAsync()).Cursor);

        await _store.CommitBatchAsync(Batch([Rec("2")], advance: true, position: null), CancellationToken.None);

        Assert.Null((await CheckpointAsync()).Cursor);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM sync_checkpoints WHERE position IS NULL"));
    }

    [Fact]
    public async Task CommitBatchAsync_EmptyBatchThatAdvances_MovesTheCheckpoint()
    {
        await _store.CommitBatchAsync(Batch(advance: true, position: "c5"), CancellationToken.None);
        var cp = await CheckpointAsync();
        Assert.Equal("c5", cp.Cursor);
        Assert.Equal(0, cp.RecordsCommitted);
    }

    /// <summary>A list that cancels a token when its enumeration reaches a given index: cancellation in the middle of a batch.</summary>
    private sealed class CancellingList(IReadOnlyList<MuseumRecord> items, int cancelAt, CancellationTokenSource cts) : IReadOnlyList<MuseumRecord>
    {
        public MuseumRecord this[int index] => items[index];
        public int Count => items.Count;
        public IEnumerator<MuseumRecord> GetEnumerator()
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (i == cancelAt) cts.Cancel();
                yield return items[i];
            }
        }
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public async Task CommitBatchAsync_CancelledMidBatch_RollsBackEverything()
    {
        await _store.CommitBatchAsync(Batch([Rec("1")], advance: true, position: "c1", now: s_t1), CancellationToken.None);

        using var cts = new CancellationTokenSource();
        var records = new CancellingList([Rec("1", title: "changed"), Rec("2"), Rec("3"), Rec("4")], cancelAt: 3, cts);
        var batch = Batch(records, [Rec("x", raw: "{}", valid: false)], advance: true, position: "c9", now: s_t2);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.CommitBatchAsync(batch, cts.Token));

        Assert.Equal(1L, await ScalarAsync<long>("SELECT COUNT(*) FROM museum_records"));
        Assert.Equal("Seal", await ScalarAsync<string>("SELECT title FROM museum_records WHERE object_id = '1'"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM sync_dead_letters"));
        var cp = await CheckpointAsync();
        Assert.Equal("c1", cp.Cursor);
        Assert.Equal(1, cp.RecordsCommitted);
        Assert.Equal(1, cp.Batches);
        Assert.Equal(s_t1, cp.LastSyncTime);

        // The store is still usable after the rollback.
        var after = await _store.CommitBatchAsync(Batch([Rec("2")], advance: true, position: "c2", now: s_t3), CancellationToken.None);
        Assert.Equal(1, after.Inserted);
        Assert.Equal("c2", (await CheckpointAsync()).Cursor);
    }

    [Fact]
    public async Task CommitBatchAsync_AlreadyCancelled_WritesNothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.CommitBatchAsync(Batch([Rec("1")], advance: true, position: "c1"), cts.Token));

        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM museum_records"));
        Assert.Empty(await _store.GetCheckpointsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task OpenAsync_MissingFileWithoutCreate_ThrowsHelpfulSyncStoreException()
    {
        var missing = Path.Combine(_dir, "nope", "missing.db");

        var ex = await Assert.ThrowsAsync<SyncStoreException>(() => SqliteSyncStore.OpenAsync(missing, create: false, CancellationToken.None));

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Sync-MuseumRecord", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
    }

    [Fact]
    public async Task OpenAsync_CreateInMissingFolder_CreatesIt()
    {
        var nested = Path.Combine(_dir, "a", "b", "new.db");
        await using var store = await SqliteSyncStore.OpenAsync(nested, create: true, CancellationToken.None);
        Assert.True(File.Exists(nested));
    }

    [Fact]
    public async Task GetCheckpointsAsync_FreshDatabaseWithoutTables_ReturnsEmpty()
    {
        await using var fresh = await SqliteSyncStore.OpenAsync(Path.Combine(_dir, "fresh.db"), create: true, CancellationToken.None);
        Assert.Empty(await fresh.GetCheckpointsAsync(null, CancellationToken.None));
        Assert.Empty(await fresh.GetCheckpointsAsync("met", CancellationToken.None));
    }

    [Fact]
    public async Task GetCheckpointsAsync_SeveralSources_FilteredAndOrdered()
    {
        await _store.CommitBatchAsync(Batch([Rec("1")], advance: true, position: "m2"), CancellationToken.None);
        await _store.CommitBatchAsync(new SyncBatch { Source = "aic", Records = [], DeadLetters = [], AdvanceCheckpoint = true, CheckpointPosition = "a2", Now = s_t1 }, CancellationToken.None);

        var all = await _store.GetCheckpointsAsync(null, CancellationToken.None);
        Assert.Equal(new[] { "aic", "met" }, all.Select(c => c.Source));
        Assert.Equal("a2", Assert.Single(await _store.GetCheckpointsAsync("aic", CancellationToken.None)).Cursor);
        Assert.Empty(await _store.GetCheckpointsAsync("nobody", CancellationToken.None));
    }
}
