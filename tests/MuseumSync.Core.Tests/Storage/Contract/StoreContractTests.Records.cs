using System.Collections;
using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task CommitBatch_NewRecords_InsertedWithEveryColumnAndTheSameHashBytes()
    {
        var one = Rec("1");

        var result = await CommitAsync(Batch([one, Rec("2")]));

        Assert.Equal(new BatchResult(2, 0, 0, 0, 0), result);
        Assert.Equal(2, await CountAsync("museum_records"));
        var row = await Db.RowAsync("SELECT * FROM {t}museum_records WHERE object_id = @p0", "1");
        Assert.NotNull(row);
        Assert.Equal("met", row["source"]);
        Assert.Equal("acc-1", row["accession_number"]);
        Assert.Equal("Seal", row["title"]);
        Assert.Equal("1889-06-15", row["creation_date"]);
        Assert.Equal("http://rightsstatements.org/vocab/InC/1.0/", row["rights_statement"]);
        Assert.Equal("2030-12-31", row["embargo_date"]);
        Assert.Equal("research", row["access_tier"]);
        Assert.Equal("https://iiif.example.org/1/manifest", row["iiif_manifest_url"]);
        Assert.Equal("https://img.example.org/1.jpg", row["media_url"]);
        Assert.Equal(one.RawJson, row["raw_json"]);
        Assert.Equal(Convert.ToHexString(RecordHash.Content(one)), row["content_hash"]); // the same 16 bytes on every store
        Assert.Equal("c1", row["position"]);
        Assert.Equal("https://api.example.org/objects?cursor=c1", row["source_url"]);
        Assert.Equal("corr", row["correlation_id"]);
        Assert.Equal("2025-01-01T10:00:00.000Z", row["first_seen_utc"]);
        Assert.Equal("2025-01-01T10:00:00.000Z", row["last_changed_utc"]);
        Assert.Null(row["access_tier_assigned"]); // the compliance rules did not run on this record
        Assert.Null(row["tier_rule"]);
    }

    [StoreFact]
    public async Task CommitBatch_AssignedTier_StoredBesideTheArrivedTierAndAChangedDecisionRewritesTheRow()
    {
        var one = Rec("1");
        one.AssignedAccessTier = AccessTier.Restricted;
        one.TierRule = "embargo-active";
        await CommitAsync(Batch([one, Rec("2")], now: T1));

        var row = (await Db.RowAsync("SELECT access_tier, access_tier_assigned, tier_rule FROM {t}museum_records WHERE object_id = @p0", "1"))!;
        Assert.Equal("research", row["access_tier"]);
        Assert.Equal("restricted", row["access_tier_assigned"]);
        Assert.Equal("embargo-active", row["tier_rule"]);

        var changed = Rec("1");
        changed.AssignedAccessTier = AccessTier.Research;
        changed.TierRule = "rights-in-copyright";
        var result = await CommitAsync(Batch([changed, Rec("2")], now: T2));

        Assert.Equal(new BatchResult(0, 1, 1, 0, 0), result);
        row = (await Db.RowAsync("SELECT access_tier, access_tier_assigned, tier_rule, last_changed_utc FROM {t}museum_records WHERE object_id = @p0", "1"))!;
        Assert.Equal("research", row["access_tier"]);
        Assert.Equal("research", row["access_tier_assigned"]);
        Assert.Equal("rights-in-copyright", row["tier_rule"]);
        Assert.Equal("2025-01-02T10:00:00.000Z", row["last_changed_utc"]);
    }

    [StoreFact]
    public async Task CommitBatch_SameBatchAgain_AllUnchangedAndNotRewritten()
    {
        await CommitAsync(Batch([Rec("1"), Rec("2")], now: T1));

        var again = await CommitAsync(Batch([Rec("1"), Rec("2")], now: T2));

        Assert.Equal(new BatchResult(0, 0, 2, 0, 0), again);
        Assert.Equal(2, await CountAsync("museum_records", "last_changed_utc = first_seen_utc"));
    }

    [StoreFact]
    public async Task CommitBatch_ChangedTitle_UpdatedAndLastChangedMoves()
    {
        await CommitAsync(Batch([Rec("1"), Rec("2")], now: T1));

        var result = await CommitAsync(Batch([Rec("1", title: "Seal, recatalogued"), Rec("2")], now: T2));

        Assert.Equal(new BatchResult(0, 1, 1, 0, 0), result);
        var row = (await Db.RowAsync("SELECT title, first_seen_utc, last_changed_utc FROM {t}museum_records WHERE object_id = @p0", "1"))!;
        Assert.Equal("Seal, recatalogued", row["title"]);
        Assert.Equal("2025-01-01T10:00:00.000Z", row["first_seen_utc"]);
        Assert.Equal("2025-01-02T10:00:00.000Z", row["last_changed_utc"]);
        Assert.Equal("2025-01-01T10:00:00.000Z", (await Db.RowAsync("SELECT last_changed_utc FROM {t}museum_records WHERE object_id = @p0", "2"))!["last_changed_utc"]);
    }

    [StoreFact]
    public async Task CommitBatch_IdRepeatedInOneBatch_CountedAsRowByRowAndLastVersionWins()
    {
        // New id, changed within the batch: inserted, then updated.
        Assert.Equal(new BatchResult(1, 1, 0, 0, 0), await CommitAsync(Batch([Rec("1", title: "first"), Rec("1", title: "second")], now: T1)));
        // New id, the same content twice: inserted, then unchanged.
        Assert.Equal(new BatchResult(1, 0, 1, 0, 0), await CommitAsync(Batch([Rec("2"), Rec("2")], now: T1)));
        // Stored "second": the same first (unchanged), then a change (updated).
        Assert.Equal(new BatchResult(0, 1, 1, 0, 0), await CommitAsync(Batch([Rec("1", title: "second"), Rec("1", title: "third")], now: T2)));
        // Stored "third": a change, then back to what was stored: updated twice, and the row was rewritten.
        Assert.Equal(new BatchResult(0, 2, 0, 0, 0), await CommitAsync(Batch([Rec("1", title: "fourth"), Rec("1", title: "third")], now: T3)));

        Assert.Equal(2, await CountAsync("museum_records"));
        var row = (await Db.RowAsync("SELECT title, last_changed_utc FROM {t}museum_records WHERE object_id = @p0", "1"))!;
        Assert.Equal("third", row["title"]);
        Assert.Equal("2025-01-03T10:00:00.000Z", row["last_changed_utc"]);
    }

    [StoreFact]
    public async Task CommitBatch_RandomBatchesWithRepeats_MatchARowByRowReferenceExactly()
    {
        var reference = new ReferenceStore();
        var random = new Random(20250101);
        for (var round = 0; round < 6; round++)
        {
            var records = new List<MuseumRecord>();
            var dead = new List<MuseumRecord>();
            for (var i = 0; i < 300; i++)
            {
                var id = random.Next(0, 120).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (random.Next(10) == 0) dead.Add(Bad(id, "{\"bad\":" + random.Next(0, 40) + "}"));
                else records.Add(Rec(id, title: "t" + random.Next(0, 3)));
            }
            var deletions = Enumerable.Range(0, 5).Select(_ => Rec(random.Next(0, 150).ToString(System.Globalization.CultureInfo.InvariantCulture), deleted: true)).ToArray();
            var batch = Batch(records, dead, now: T1.AddMinutes(round), deletions: deletions);

            var expected = reference.Apply(batch);
            var actual = await CommitAsync(batch);

            Assert.Equal(expected, actual);
        }
        var rows = await Db.RowsAsync("SELECT object_id, title, content_hash FROM {t}museum_records");
        Assert.Equal(reference.Rows.Count, rows.Count);
        foreach (var row in rows)
        {
            var (title, hash) = reference.Rows[row["object_id"]!];
            Assert.Equal(title, row["title"]);
            Assert.Equal(hash, row["content_hash"]);
        }
        Assert.Equal(reference.DeadLetters.Count, await CountAsync("sync_dead_letters"));
        Assert.Equal(reference.DeadLetters.Values.Sum(), await Db.ScalarAsync("SELECT SUM(attempt_count) FROM {t}sync_dead_letters"));
    }

    [StoreFact]
    public async Task CommitBatch_Deletions_RowsDeletedAndCounted()
    {
        await CommitAsync(Batch([Rec("1"), Rec("2"), Rec("3")]));

        var result = await CommitAsync(Batch(deletions: [Rec("2", deleted: true), Rec("404", deleted: true)], now: T2));

        Assert.Equal(1, result.Deleted);
        Assert.Equal(2, await CountAsync("museum_records"));
        Assert.Equal(0, await CountAsync("museum_records", "object_id = @p0", "2"));
        Assert.Equal(2, (await CheckpointAsync()).Batches);
    }

    [StoreFact]
    public async Task CommitBatch_UpsertAndDeletionOfTheSameIdInOneBatch_DeletedAfterTheUpsert()
    {
        var result = await CommitAsync(Batch([Rec("7")], deletions: [Rec("7", deleted: true)]));

        Assert.Equal(1, result.Inserted);
        Assert.Equal(1, result.Deleted);
        Assert.Equal(0, await CountAsync("museum_records"));
    }

    [StoreFact]
    public async Task CommitBatch_OtherSourceSameId_SeparateRows()
    {
        await CommitAsync(Batch([Rec("1")]));
        await CommitAsync(Batch([Rec("1", source: "aic")], source: "aic"));

        Assert.Equal(2, await CountAsync("museum_records", "object_id = @p0", "1"));
        Assert.Equal(0, (await CommitAsync(Batch(deletions: [Rec("1", deleted: true)], source: "nobody"))).Deleted);
    }

    [StoreFact]
    public async Task CommitBatch_IdsDifferingOnlyInCase_AreDifferentRecords()
    {
        var result = await CommitAsync(Batch([Rec("abc"), Rec("ABC")]));

        Assert.Equal(2, result.Inserted);
        Assert.Equal(2, await CountAsync("museum_records"));
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

    [StoreFact]
    public async Task CommitBatch_CancelledMidBatch_RollsBackEverything()
    {
        await CommitAsync(Batch([Rec("1")], advance: true, position: "c1", now: T1));

        using var cts = new CancellationTokenSource();
        var records = new CancellingList([Rec("1", title: "changed"), Rec("2"), Rec("3"), Rec("4")], cancelAt: 3, cts);
        var batch = Batch(records, [Bad("x", "{}")], advance: true, position: "c9", now: T2);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CommitBatchAsync(batch, cts.Token));

        Assert.Equal(1, await CountAsync("museum_records"));
        Assert.Equal("Seal", (await Db.RowAsync("SELECT title FROM {t}museum_records"))!["title"]);
        Assert.Equal(0, await CountAsync("sync_dead_letters"));
        var cp = await CheckpointAsync();
        Assert.Equal("c1", cp.Cursor);
        Assert.Equal(1, cp.Batches);

        // The store is still usable after the rollback.
        Assert.Equal(1, (await CommitAsync(Batch([Rec("2")], advance: true, position: "c2", now: T3))).Inserted);
        Assert.Equal("c2", (await CheckpointAsync()).Cursor);
    }

    [StoreFact]
    public async Task CommitBatch_AlreadyCancelled_WritesNothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.CommitBatchAsync(Batch([Rec("1")], advance: true, position: "c1"), cts.Token));

        Assert.Equal(0, await CountAsync("museum_records"));
        Assert.Empty(await Store.GetCheckpointsAsync(null, CancellationToken.None));
    }
}

/// <summary>The row-by-row semantics every store must reproduce (what the SQLite store does one statement at a time).</summary>
internal sealed class ReferenceStore
{
    public Dictionary<string, (string Title, string Hash)> Rows { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> DeadLetters { get; } = new(StringComparer.Ordinal);

    public BatchResult Apply(SyncBatch batch)
    {
        int ins = 0, upd = 0, unch = 0, dead = 0, seen = 0, deleted = 0;
        foreach (var r in batch.Records)
        {
            var hash = Convert.ToHexString(RecordHash.Content(r));
            if (!Rows.TryGetValue(r.ObjectId!, out var stored)) ins++;
            else if (stored.Hash == hash) { unch++; continue; }
            else upd++;
            Rows[r.ObjectId!] = (r.Title!, hash);
        }
        foreach (var d in batch.Deletions)
        {
            if (Rows.Remove(d.ObjectId!)) deleted++;
        }
        foreach (var d in batch.DeadLetters)
        {
            var key = Convert.ToHexString(RecordHash.Payload(d.RawJson));
            if (DeadLetters.TryGetValue(key, out var n)) { seen++; DeadLetters[key] = n + 1; }
            else { dead++; DeadLetters[key] = 1; }
        }
        return new BatchResult(ins, upd, unch, dead, seen) { Deleted = deleted };
    }
}
