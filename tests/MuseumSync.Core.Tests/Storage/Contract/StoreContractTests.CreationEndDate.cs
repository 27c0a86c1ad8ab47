namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    private static MuseumRecord Ranged(string id, string? begin, string? end) => new()
    {
        Source = "met",
        ObjectId = id,
        Title = "Cylinder seal",
        CreationDate = begin,
        CreationEndDate = end,
        RawJson = $$"""{"objectID":"{{id}}"}""",
    };

    // Issue #17: the end of the creation date range (the Met's objectEndDate -1300 for "ca. 14th century B.C.") is kept
    // as given in creation_end_date and sorts chronologically across the common era through creation_end_sort, written
    // by the session like creation_sort (migration 10).
    [StoreFact]
    public async Task CreationEndDate_StoredAsGiven_AndSortsAcrossTheCommonEra()
    {
        await CommitAsync(Batch(
        [
            Ranged("a", "-1400", "-1300"),
            Ranged("b", "-1400", "-0044-03-15"),
            Ranged("c", "1889", "1890-02"),
            Ranged("d", "-0045", "-0044"),
            Ranged("e", "1889", null),
            Ranged("f", null, "+12345"),
        ]));

        var rows = await Db.RowsAsync("SELECT object_id, creation_date, creation_end_date, creation_end_sort FROM {t}museum_records WHERE creation_end_sort IS NOT NULL ORDER BY creation_end_sort");

        Assert.Equal(["a", "d", "b", "c", "f"], rows.Select(r => r["object_id"]));
        Assert.Equal(["-1300", "-0044", "-0044-03-15", "1890-02", "+12345"], rows.Select(r => r["creation_end_date"]));
        Assert.Equal(["-13000000", "-440000", "-439685", "18900200", "123450000"], rows.Select(r => r["creation_end_sort"]));
        Assert.Equal("-1400", rows[0]["creation_date"]);
        Assert.Equal(1, await CountAsync("museum_records", "creation_end_date IS NULL AND creation_end_sort IS NULL AND object_id = 'e'"));
        // A BCE range sorts by its begin too: -1400 before -0045 before 1889.
        Assert.Equal(["a", "b", "d", "c", "e"], (await Db.RowsAsync("SELECT object_id FROM {t}museum_records WHERE creation_sort IS NOT NULL ORDER BY creation_sort, object_id")).Select(r => r["object_id"]));
    }

    // The end date is part of the content hash: a changed or removed end rewrites the row; the same end leaves it alone.
    [StoreFact]
    public async Task CreationEndDate_Changed_IsAnUpdate_AndTheSameIsUnchanged()
    {
        await CommitAsync(Batch([Ranged("a", "-1400", "-1300")]));

        var same = await CommitAsync(Batch([Ranged("a", "-1400", "-1300")], now: T2));
        var changed = await CommitAsync(Batch([Ranged("a", "-1400", "-1250")], now: T2));
        Assert.Equal((0, 1), (same.Updated, same.Unchanged));
        Assert.Equal((1, 0), (changed.Updated, changed.Unchanged));
        var row = await Db.RowAsync("SELECT creation_end_date, creation_end_sort FROM {t}museum_records WHERE object_id = 'a'");
        Assert.Equal(("-1250", "-12500000"), (row!["creation_end_date"], row["creation_end_sort"]));

        var removed = await CommitAsync(Batch([Ranged("a", "-1400", null)], now: T3));
        Assert.Equal(1, removed.Updated);
        Assert.Equal(1, await CountAsync("museum_records", "object_id = 'a' AND creation_end_date IS NULL AND creation_end_sort IS NULL"));
    }

    // Migration 10 on a database at version 9 (this one was made current, then had migration 10 taken out again: its
    // two columns dropped and its row deleted): every row stays as it was and gets NULL ends; the next sync of a record
    // with an end date fills them (the content hash differs, so the row is rewritten).
    [StoreFact]
    public async Task Migration10_UpgradesAVersion9Database_KeepingEveryRow()
    {
        var options = Options("v9");
        var old = await OpenAsync(options);
        await old.InitializeAsync(CancellationToken.None);
        var records = Enumerable.Range(0, 25).Select(i => Ranged("r" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), i % 2 == 0 ? "-1400" : "1889-06-15", null)).ToList();
        await old.CommitBatchAsync(Batch(records), CancellationToken.None);
        await old.DisposeAsync();
        var db = Inspector(options);
        await db.ExecAsync("ALTER TABLE {t}museum_records DROP COLUMN creation_end_sort");
        await db.ExecAsync("ALTER TABLE {t}museum_records DROP COLUMN creation_end_date");
        await db.ExecAsync("DELETE FROM {t}schema_migrations WHERE version = 10");
        var before = await db.RowsAsync("SELECT object_id, creation_date, creation_sort, raw_json, content_hash, title FROM {t}museum_records ORDER BY object_id");

        var store = await OpenAsync(options);
        var status = await store.GetSchemaStatusAsync(CancellationToken.None);
        Assert.Equal(9, status.CurrentVersion);
        Assert.Equal([10], status.Pending.Select(m => m.Version));
        var applied = await store.InitializeAsync(CancellationToken.None);

        Assert.Equal([10], applied.Select(m => m.Version));
        Assert.Equal(before, await db.RowsAsync("SELECT object_id, creation_date, creation_sort, raw_json, content_hash, title FROM {t}museum_records ORDER BY object_id"));
        Assert.Equal(25, await db.ScalarAsync("SELECT COUNT(*) FROM {t}museum_records WHERE creation_end_date IS NULL AND creation_end_sort IS NULL"));

        // Records without an end hash as before: nothing is rewritten. The Met's ends arrive: those rows are.
        var unchanged = await store.CommitBatchAsync(Batch(records, now: T2), CancellationToken.None);
        Assert.Equal((0, 25), (unchanged.Updated, unchanged.Unchanged));
        var filled = await store.CommitBatchAsync(Batch(records.Select(r => Ranged(r.ObjectId!, r.CreationDate, r.CreationDate == "-1400" ? "-1300" : null)).ToList(), now: T3), CancellationToken.None);
        Assert.Equal((13, 12), (filled.Updated, filled.Unchanged));
        Assert.Equal(13, await db.ScalarAsync("SELECT COUNT(*) FROM {t}museum_records WHERE creation_end_date = '-1300' AND creation_end_sort = -13000000"));
    }
}
