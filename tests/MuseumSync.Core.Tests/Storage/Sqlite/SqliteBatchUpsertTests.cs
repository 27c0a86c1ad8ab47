using Microsoft.Data.Sqlite;
using MuseumSync.Storage;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Core.Tests.Storage.Sqlite;

/// <summary>
/// The set-based lookup and the UTF-8 binding of the SQLite batch upsert: text round-trips exactly, and every record is
/// counted as a row-by-row store counts it, repeats within a batch included.
/// </summary>
public sealed class SqliteBatchUpsertTests : SqliteStoreTestBase
{
    private static readonly DateTimeOffset s_t1 = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_t2 = new(2025, 1, 2, 10, 0, 0, TimeSpan.Zero);

    private static MuseumRecord Rec(string id, string title = "Seal", string? accession = null, string? raw = null, DateOnly? embargo = null) => new()
    {
        Source = "met",
        ObjectId = id,
        Title = title,
        AccessionNumber = accession ?? "acc-" + id,
        CreationDate = "1889-06-15",
        EmbargoDate = embargo ?? new DateOnly(2030, 12, 31),
        AccessTier = AccessTier.Restricted,
        RawJson = raw ?? $$"""{"ObjectID":"{{id}}","title":"{{title}}"}""",
        Position = "c1",
    };

    private Task<BatchResult> CommitAsync(IReadOnlyList<MuseumRecord> records, DateTimeOffset? now = null) =>
        _store.CommitBatchAsync(new SyncBatch { Source = "met", Records = records, DeadLetters = [], Now = now ?? s_t1 }, CancellationToken.None);

    private Task<List<object?[]>> RowsAsync(string sql) => RowsAsync(sql, DbPath);

    private static Task<List<object?[]>> RowsAsync(string sql, string path) => SqliteTestDatabase.ReadRowsAsync(path, sql);

    [Fact]
    public async Task CommitBatch_NonAsciiText_RoundTripsExactlyAsUtf8()
    {
        const string title = "山水図 (Landscape) — Ἀθηνᾶ Παρθένος, Müller \"Quilt\" 🎨 \\ tab\t";
        var id = "Ōkubo-🎨-1";
        var raw = $$"""{"ObjectID":"{{id}}","title":"山水図 🎨"}""";

        var result = await CommitAsync([Rec(id, title, raw: raw)]);

        Assert.Equal(1, result.Inserted);
        var row = Assert.Single(await RowsAsync("SELECT object_id, title, raw_json, typeof(title), embargo_date, access_tier, length(CAST(title AS BLOB)) FROM museum_records"));
        Assert.Equal(id, row[0]);
        Assert.Equal(title, row[1]);
        Assert.Equal(raw, row[2]);
        Assert.Equal("text", row[3]);
        Assert.Equal("2030-12-31", row[4]);
        Assert.Equal("restricted", row[5]);
        Assert.Equal((long)System.Text.Encoding.UTF8.GetByteCount(title), row[6]);

        // The same record again is recognised by its key and hash: unchanged.
        Assert.Equal(1, (await CommitAsync([Rec(id, title, raw: raw)], s_t2)).Unchanged);
    }

    [Fact]
    public async Task CommitBatch_IdsThatJsonEscapes_AreFoundAgainByTheLookup()
    {
        // The lookup sends the batch's ids to SQLite as one JSON array: every id must come back out of json_each as the
        // text that was stored, or a record seen before would be inserted again.
        string[] ids = ["q\"uote", "back\\slash", "tab\tnl\ncr\r\u0001", "\u007f", "Ōkubo-🎨", "<&'+`>", "\u2028", "lone\ud800", "end\udc00x", " "];

        var first = await CommitAsync([.. ids.Select(id => Rec(id))]);
        var again = await CommitAsync([.. ids.Select(id => Rec(id))], s_t2);
        var changed = await CommitAsync([.. ids.Select(id => Rec(id, "Renamed"))], s_t2);

        Assert.Equal(ids.Length, first.Inserted);
        Assert.Equal((0, 0, ids.Length), (again.Inserted, again.Updated, again.Unchanged));
        Assert.Equal((0, ids.Length, 0), (changed.Inserted, changed.Updated, changed.Unchanged));
        Assert.Equal(ids.Length, (long)(await RowsAsync("SELECT count(*) FROM museum_records"))[0][0]!);
    }

    [Fact]
    public async Task CommitBatch_EmbargoAndTimes_AreStoredAsFixedWidthIsoText()
    {
        var early = Rec("early", embargo: new DateOnly(999, 1, 9));
        var late = Rec("late", embargo: new DateOnly(9999, 12, 31));
        var now = new DateTimeOffset(2025, 1, 1, 21, 5, 9, TimeSpan.FromHours(-5)).AddTicks(12_345);

        await CommitAsync([early, late], now);

        var rows = await RowsAsync("SELECT object_id, embargo_date, first_seen_utc, last_changed_utc FROM museum_records ORDER BY object_id");
        Assert.Equal(["early", "0999-01-09", "2025-01-02T02:05:09.001Z", "2025-01-02T02:05:09.001Z"], rows[0]);
        Assert.Equal(["late", "9999-12-31", "2025-01-02T02:05:09.001Z", "2025-01-02T02:05:09.001Z"], rows[1]);
        var checkpoint = Assert.Single(await RowsAsync("SELECT last_sync_utc FROM sync_checkpoints"));
        Assert.Equal("2025-01-02T02:05:09.001Z", checkpoint[0]);
    }

    [Fact]
    public async Task CommitBatch_AssignedTiers_AreStored_AndTheTierCheckIsOnAgainAfterTheRows()
    {
        var records = new[] { Rec("1"), Rec("2"), Rec("3"), Rec("4") };
        records[0].AssignedAccessTier = AccessTier.Public;
        records[1].AssignedAccessTier = AccessTier.Research;
        records[2].AssignedAccessTier = AccessTier.Restricted;

        await CommitAsync(records);

        Assert.True(_store.ChecksEnforced());
        var rows = await RowsAsync("SELECT object_id, access_tier_assigned FROM museum_records ORDER BY object_id");
        Assert.Equal(["public", "research", "restricted", null], rows.Select(r => r[1]));
        // The schema's check itself is unchanged: any other writer still gets it.
        await using var other = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        await other.OpenAsync();
        await using var insert = other.CreateCommand();
        insert.CommandText = "UPDATE museum_records SET access_tier_assigned = 'secret' WHERE object_id = '1'";
        var refused = await Assert.ThrowsAsync<SqliteException>(() => insert.ExecuteNonQueryAsync());
        Assert.Contains("CHECK constraint failed", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitBatch_RowThatFails_RollsBack_AndTheTierCheckIsOnAgain()
    {
        var bad = Rec("2");
        bad = new MuseumRecord { Source = bad.Source, ObjectId = bad.ObjectId, Title = null, RawJson = bad.RawJson }; // title is NOT NULL

        await Assert.ThrowsAsync<SyncStoreException>(() => CommitAsync([Rec("1"), bad]));

        Assert.True(_store.ChecksEnforced());
        Assert.Empty(await RowsAsync("SELECT object_id FROM museum_records"));
    }

    [Fact]
    public async Task CommitBatch_EmptyString_StaysEmptyNotNull()
    {
        await CommitAsync([Rec("1", accession: string.Empty)]);

        var row = Assert.Single(await RowsAsync("SELECT accession_number, typeof(accession_number) FROM museum_records"));
        Assert.Equal(string.Empty, row[0]);
        Assert.Equal("text", row[1]);
    }

    [Fact]
    public async Task CommitBatch_MixedBatch_CountsEachClassAndWritesOnlyChanges()
    {
        await CommitAsync([Rec("1"), Rec("2"), Rec("3")]);

        var result = await CommitAsync([Rec("1"), Rec("2", "Renamed"), Rec("4"), Rec("3")], s_t2);

        Assert.Equal((1, 1, 2), (result.Inserted, result.Updated, result.Unchanged));
        var rows = await RowsAsync("SELECT object_id, title, last_changed_utc, first_seen_utc FROM museum_records ORDER BY object_id");
        Assert.Equal(["1", "2", "3", "4"], rows.Select(r => (string)r[0]!));
        Assert.Equal("Renamed", rows[1][1]);
        Assert.Equal("2025-01-01T10:00:00.000Z", rows[0][2]); // unchanged: not rewritten
        Assert.Equal("2025-01-02T10:00:00.000Z", rows[1][2]); // updated
        Assert.Equal("2025-01-01T10:00:00.000Z", rows[1][3]); // first seen stays
        Assert.Equal("2025-01-02T10:00:00.000Z", rows[3][3]); // inserted
    }

    [Fact]
    public async Task CommitBatch_RepeatsInOneBatch_CountedAsRowByRowAndLastWins()
    {
        await CommitAsync([Rec("stored")]);

        // new, repeat same (unchanged), repeat changed (updated), back to the first content (updated);
        // stored unchanged, then changed twice; a new id changed right after its insert.
        var result = await CommitAsync(
        [
            Rec("a"), Rec("a"), Rec("a", "A2"), Rec("a"),
            Rec("stored"), Rec("stored", "S2"), Rec("stored", "S3"),
            Rec("b"), Rec("b", "B2"),
        ], s_t2);

        Assert.Equal((2, 5, 2), (result.Inserted, result.Updated, result.Unchanged));
        var rows = await RowsAsync("SELECT object_id, title FROM museum_records ORDER BY object_id");
        Assert.Equal(["a:Seal", "b:B2", "stored:S3"], rows.Select(r => $"{r[0]}:{r[1]}"));

        // The checkpoint counts every record of the batch.
        var checkpoint = Assert.Single(await _store.GetCheckpointsAsync("met", CancellationToken.None));
        Assert.Equal(10, checkpoint.RecordsCommitted);
    }

    [Fact]
    public async Task CommitBatch_ManyBatchesOfVaryingSize_ReusesItsBuffersCorrectly()
    {
        var big = Enumerable.Range(0, 3000).Select(i => Rec("k" + i)).ToArray();
        Assert.Equal(3000, (await CommitAsync(big)).Inserted);

        var small = await CommitAsync([Rec("k5", "changed"), Rec("new")], s_t2);
        Assert.Equal((1, 1, 0), (small.Inserted, small.Updated, small.Unchanged));

        var again = await CommitAsync(big, s_t2);
        Assert.Equal((0, 1, 2999), (again.Inserted, again.Updated, again.Unchanged));
        Assert.Equal(3001L, (await RowsAsync("SELECT COUNT(*) FROM museum_records"))[0][0]);
    }

    [Fact]
    public async Task CommitBatch_OtherSourceSameId_IsAnotherRow()
    {
        await CommitAsync([Rec("1")]);
        var other = await _store.CommitBatchAsync(new SyncBatch
        {
            Source = "other",
            Records = [new MuseumRecord { Source = "other", ObjectId = "1", Title = "Seal", RawJson = "{}" }],
            DeadLetters = [],
            Now = s_t2,
        }, CancellationToken.None);

        Assert.Equal(1, other.Inserted);
        Assert.Equal(2L, (await RowsAsync("SELECT COUNT(*) FROM museum_records"))[0][0]);
    }

    private static MuseumRecord FromBytes(string json)
    {
        var factory = new MuseumSync.Mapping.RecordFactory(MuseumSync.Mapping.FieldMap.Generic);
        var origin = new MuseumSync.Mapping.RecordOrigin("met", "c1", 1, 1, null, null, s_t1);
        return factory.Create(System.Text.Encoding.UTF8.GetBytes(json), origin, null, endOfPage: false);
    }

    [Fact]
    public async Task CommitBatch_RecordReadFromBytes_StoresTheSameTextAndHashAsFromText()
    {
        const string json = """{"ObjectID":"u1","title":"山水図 🎨 \"q\"","access_tier":"public"}""";
        var fromBytes = FromBytes(json);
        Assert.NotNull(fromBytes.RawJsonUtf8);
        Assert.True(fromBytes.IsValid);

        Assert.Equal(1, (await CommitAsync([fromBytes])).Inserted);
        var row = Assert.Single(await RowsAsync("SELECT raw_json, title FROM museum_records"));
        Assert.Equal(json, row[0]);
        Assert.Equal("山水図 🎨 \"q\"", row[1]);

        // The same record made from text hashes the same: unchanged, whichever form arrives.
        var fromText = new MuseumRecord
        {
            Source = "met", ObjectId = fromBytes.ObjectId, Title = fromBytes.Title, AccessTier = fromBytes.AccessTier,
            RawJson = json, Position = "c1",
        };
        Assert.Equal(RecordHash.Content(fromText), RecordHash.Content(fromBytes));
        Assert.Equal(1, (await CommitAsync([fromText], s_t2)).Unchanged);
        Assert.Equal(json, fromBytes.RawJson);
    }

    [Fact]
    public void RecordFromInvalidUtf8_KeepsTextWithReplacementCharacters()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes("""{"ObjectID":"1","title":"x","other":"a_b"}""");
        bytes[Array.LastIndexOf(bytes, (byte)'_')] = 0xFF;
        var factory = new MuseumSync.Mapping.RecordFactory(MuseumSync.Mapping.FieldMap.Generic);

        var r = factory.Create(bytes, new MuseumSync.Mapping.RecordOrigin("met", null, 1, 1, null, null, s_t1), null, endOfPage: false);

        Assert.Null(r.RawJsonUtf8);
        Assert.Contains('\uFFFD', r.RawJson);
    }

    [Fact]
    public void ContentHash_SpanAndArrayForms_AreTheSameBytes()
    {
        var r = Rec("1", "山水図");
        Span<byte> span = stackalloc byte[RecordHash.Size];
        RecordHash.Content(r, span);
        Assert.Equal(RecordHash.Content(r), span.ToArray());
        RecordHash.Content(Rec("2"), span);
        Assert.NotEqual(RecordHash.Content(r), span.ToArray());
    }

    [Fact]
    public async Task CommitBatch_EmptyNullAndLongText_BoundInPlaceKeepTheirValues()
    {
        var big = string.Concat(Enumerable.Repeat("🎨 Ἀθηνᾶ ", 5000)); // ~60 KB of UTF-8: the row buffer grows
        var records = new[]
        {
            new MuseumRecord { Source = "met", ObjectId = "e1", Title = "", AccessionNumber = null, RawJson = """{"ObjectID":"e1"}""", Position = "" },
            new MuseumRecord { Source = "met", ObjectId = "e2", Title = big, AccessionNumber = "a", RawJson = "{\"t\":\"" + big + "\"}", Position = "p" },
            new MuseumRecord { Source = "met", ObjectId = "e3", Title = "short", AccessionNumber = "", RawJson = """{"ObjectID":"e3"}""" },
        };

        Assert.Equal(3, (await CommitAsync(records)).Inserted);

        var rows = await RowsAsync("SELECT object_id, title, typeof(title), accession_number, typeof(accession_number), position, typeof(position), raw_json FROM museum_records ORDER BY object_id");
        Assert.Equal(["e1", "", "text", null, "null", "", "text", """{"ObjectID":"e1"}"""], rows[0]);
        Assert.Equal(big, rows[1][1]);
        Assert.Equal("{\"t\":\"" + big + "\"}", rows[1][7]);
        Assert.Equal(["e3", "short", "text", "", "text", null, "null", """{"ObjectID":"e3"}"""], rows[2]);
        // A second pass meets the same content: the in-place values hashed and compared like any other.
        Assert.Equal(3, (await CommitAsync(records, s_t2)).Unchanged);
    }

    [Fact]
    public async Task CommitBatch_CheckpointsInTheBackground_AndCloseLeavesNoWal()
    {
        for (var b = 0; b < 5; b++)
        {
            await CommitAsync(Enumerable.Range(0, 200).Select(i => Rec($"{b}-{i}", raw: new string('x', 2000))).ToList());
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_store.WalCheckpoints == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(_store.WalCheckpoints > 0, "no background checkpoint ran");

        await _store.DisposeAsync();
        Assert.False(File.Exists(DbPath + "-wal"), "the last connection to close checkpoints and removes the WAL");
        Assert.Equal(1000L, (await RowsAsync("SELECT COUNT(*) FROM museum_records"))[0][0]);
        Assert.Equal(16384L, (await RowsAsync("PRAGMA page_size"))[0][0]);
        _store = await SqliteSyncStore.OpenAsync(DbPath, create: false, CancellationToken.None); // for DisposeAsync
    }

    [Fact]
    public async Task Open_ExistingDatabaseWithSmallerPages_KeepsItsPageSizeAndWorks()
    {
        var path = Path.Combine(_dir, "old.db");
        await using (var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA page_size=4096; CREATE TABLE t (x); DROP TABLE t;";
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var store = await SqliteSyncStore.OpenAsync(path, create: false, CancellationToken.None))
        {
            await store.InitializeAsync(CancellationToken.None);
            var result = await store.CommitBatchAsync(new SyncBatch { Source = "met", Records = [Rec("1")], DeadLetters = [], Now = s_t1 }, CancellationToken.None);
            Assert.Equal(1, result.Inserted);
        }
        await using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await check.OpenAsync();
        await using var q = check.CreateCommand();
        q.CommandText = "PRAGMA page_size";
        Assert.Equal(4096L, await q.ExecuteScalarAsync());
    }

    [Fact]
    public async Task CommitBatch_ReaderOpenWhileCheckpointsRun_SeesOnlyWholeBatches()
    {
        // A reader holds a snapshot across commits (and background checkpoints): it never sees part of a batch.
        await using var reader = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await reader.OpenAsync();
        for (var b = 0; b < 8; b++)
        {
            await CommitAsync(Enumerable.Range(0, 250).Select(i => Rec($"{b}-{i}", raw: new string('y', 1500))).ToList());
            await using var tx = reader.BeginTransaction();
            await using var q = reader.CreateCommand();
            q.Transaction = tx;
            q.CommandText = "SELECT COUNT(*) FROM museum_records";
            var first = (long)(await q.ExecuteScalarAsync())!;
            Assert.Equal(250L * (b + 1), first);
            await Task.Delay(5); // the checkpointer may run meanwhile; the snapshot holds
            Assert.Equal(first, (long)(await q.ExecuteScalarAsync())!);
        }
        Assert.Equal(2000L, (await RowsAsync("SELECT COUNT(*) FROM museum_records"))[0][0]);
    }
}
