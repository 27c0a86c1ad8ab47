using MuseumSync.Storage;
using MuseumSync.Sync;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>
/// Issue 13, as every sync reaches a store (through <see cref="SyncWriter"/>): one record a store cannot hold never
/// fails its batch, and a rerun over an unchanged feed writes nothing.
/// </summary>
public abstract partial class StoreContractTests
{
    private async Task<SyncSummary> SyncAsync(IEnumerable<MuseumRecord> records, int batchSize = 100, DateTimeOffset? now = null)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now ?? T1);
        await using var writer = new SyncWriter(Store, new SyncWriterOptions
        {
            BatchSize = batchSize,
            // As the cmdlets do: SQLite takes packed rows, the others the records.
            Time = time,
        });
        foreach (var r in records) await writer.AddAsync(r);
        await writer.CompleteAsync();
        return writer.Summarize("Completed", TimeSpan.FromSeconds(1), Store.Provider);
    }

    [StoreFact]
    public async Task Sync_NulInATitleAndInAnId_ThoseRecordsDeadLetteredTheRestCommittedOnEveryRun()
    {
        MuseumRecord[] Feed() => [Rec("1"), Rec("2", title: "Seal\0"), Rec("3\0x"), Rec("4")];

        var first = await SyncAsync(Feed());
        var second = await SyncAsync(Feed(), now: T2);

        Assert.Equal((2L, 2L), (first.Inserted, first.DeadLettered));
        Assert.Equal((0L, 0L, 2L, 2L), (second.Inserted, second.Updated, second.Unchanged, second.DeadLettersSeenBefore));
        var ids = (await Db.RowsAsync("SELECT object_id FROM {t}museum_records ORDER BY object_id")).Select(r => r["object_id"]);
        Assert.Equal(["1", "4"], ids);
        var dead = await Db.RowsAsync("SELECT object_id, reasons FROM {t}sync_dead_letters ORDER BY object_id");
        Assert.Equal(2, dead.Count);
        Assert.Equal("2", dead[0]["object_id"]);
        var titleReasons = DeadLetterReasons.FromJson(dead[0]["reasons"]!);
        Assert.Contains(titleReasons, i => i.Field == "title" && i.Rule == StorableRecord.NulRule);
        Assert.Equal("3\\u0000x", dead[1]["object_id"]);
        Assert.Contains(DeadLetterReasons.FromJson(dead[1]["reasons"]!), i => i.Field == "object_id" && i.Rule == StorableRecord.NulRule);
    }

    [StoreFact]
    public async Task Sync_InvalidRecordWithNulsInEveryDeadLetterColumn_StoredEscaped()
    {
        var bad = new MuseumRecord
        {
            Source = "met",
            ObjectId = "7\0",
            RawJson = "raw line\0with a NUL",
            Position = "p\0",
            SourceUrl = "https://api.example.org/objects?q=\0",
            CorrelationId = "c\0",
            Issues = [new ValidationIssue("title\0", "required", "'ti\0tle' is missing.")],
        };

        var summary = await SyncAsync([bad, Rec("8")]);

        Assert.Equal((1L, 1L), (summary.Inserted, summary.DeadLettered));
        var row = await Db.RowAsync("SELECT object_id, payload, position, source_url, correlation_id, reasons FROM {t}sync_dead_letters");
        Assert.Equal("7\\u0000", row!["object_id"]);
        Assert.Equal("raw line\\u0000with a NUL", row["payload"]);
        Assert.Equal("p\\u0000", row["position"]);
        Assert.Equal("https://api.example.org/objects?q=\\u0000", row["source_url"]);
        Assert.Equal("c\\u0000", row["correlation_id"]);
        Assert.Equal(new ValidationIssue("title\\u0000", "required", "'ti\\u0000tle' is missing."), Assert.Single(DeadLetterReasons.FromJson(row["reasons"]!)));
    }

    [StoreFact]
    public async Task Sync_ObjectIdLongerThanTheLimit_DeadLetteredWithItsPrefixHashAndLength()
    {
        var huge = new string('x', 1_000_000);
        var longest = new string('y', StorableRecord.MaxObjectIdLength);
        MuseumRecord[] Feed() => [Rec(huge), Rec(longest), Rec("1")];

        var first = await SyncAsync(Feed());
        var second = await SyncAsync(Feed(), now: T2);

        Assert.Equal((2L, 1L), (first.Inserted, first.DeadLettered));
        Assert.Equal((0L, 2L, 1L), (second.Inserted, second.Unchanged, second.DeadLettersSeenBefore));
        Assert.Equal(1, await CountAsync("museum_records", "object_id = @p0", longest));
        var row = await Db.RowAsync("SELECT object_id, reasons FROM {t}sync_dead_letters");
        var stored = row!["object_id"]!;
        Assert.True(stored.Length <= StorableRecord.MaxObjectIdLength, $"The dead letter's id has {stored.Length} characters.");
        Assert.StartsWith(new string('x', StorableRecord.KeptIdPrefix) + "…sha256:", stored, StringComparison.Ordinal);
        var issue = Assert.Single(DeadLetterReasons.FromJson(row["reasons"]!));
        Assert.Equal(("object_id", StorableRecord.IdLengthRule), (issue.Field, issue.Rule));
        Assert.Contains("1000000 characters", issue.Message, StringComparison.Ordinal);
        Assert.Contains(stored[(stored.IndexOf(':', StringComparison.Ordinal) + 1)..], issue.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Sync_DeletionWithAnIdNoStoreCanHold_DeadLetteredNotFailingTheBatch()
    {
        var summary = await SyncAsync([Rec("1"), Rec("2\0", deleted: true), Rec(new string('z', 5000), deleted: true)]);

        Assert.Equal((1L, 2L, 0L), (summary.Inserted, summary.DeadLettered, summary.Deleted));
        Assert.Equal(1, await CountAsync("museum_records"));
    }

    [StoreFact]
    public async Task Sync_RevisionSentTwiceInABatch_LastVersionWinsAndARerunWritesNothing()
    {
        MuseumRecord[] Feed() => [Rec("1", title: "old"), Rec("2"), Rec("1", title: "new"), Rec("3"), Rec("2")];

        var first = await SyncAsync(Feed());
        var changedAt = await Db.RowsAsync("SELECT object_id, last_changed_utc FROM {t}museum_records ORDER BY object_id");
        var second = await SyncAsync(Feed(), now: T2);

        Assert.Equal((3L, 0L, 0L, 2L), (first.Inserted, first.Updated, first.Unchanged, first.Superseded));
        Assert.Equal((0L, 0L, 3L, 2L), (second.Inserted, second.Updated, second.Unchanged, second.Superseded));
        Assert.Equal("new", (await Db.RowAsync("SELECT title FROM {t}museum_records WHERE object_id = @p0", "1"))!["title"]);
        Assert.Equal(changedAt, await Db.RowsAsync("SELECT object_id, last_changed_utc FROM {t}museum_records ORDER BY object_id"));
    }

    [StoreFact]
    public async Task Sync_RevisionSentTwiceAcrossBatchBoundaries_StoredRowEndsAtTheLastVersion()
    {
        // Batches of 2: the repeat of "1" lands in the next batch, where it is an update as before.
        var summary = await SyncAsync([Rec("1", title: "old"), Rec("2"), Rec("1", title: "new")], batchSize: 2);

        Assert.Equal((2L, 1L, 0L), (summary.Inserted, summary.Updated, summary.Superseded));
        Assert.Equal("new", (await Db.RowAsync("SELECT title FROM {t}museum_records WHERE object_id = @p0", "1"))!["title"]);
    }

    [StoreFact]
    public async Task Sync_PageCursorWithANul_BatchCommitsAndTheCheckpointStaysAtTheLastStorableCursor()
    {
        MuseumRecord Page(int n, string? position, string resume) => new()
        {
            Source = "met",
            ObjectId = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Title = "Seal",
            RawJson = "{\"id\":" + n + "}",
            Position = position,
            ResumePosition = resume,
            PageNumber = n,
            EndOfPage = true,
        };

        var summary = await SyncAsync([Page(1, null, "c2"), Page(2, "c2", "c3\0x")]);

        Assert.Equal(2L, summary.Inserted);
        Assert.Equal("c2", (await CheckpointAsync()).Cursor);
    }
}
