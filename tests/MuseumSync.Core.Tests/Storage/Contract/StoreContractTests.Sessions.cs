using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>The batch session: nothing is written before CompleteAsync, everything is written by it, or nothing.</summary>
public abstract partial class StoreContractTests
{
    /// <summary>SQL that makes every later write of a checkpoint row fail (the last statement of a session's transaction).</summary>
    protected abstract string FailCheckpointWritesSql { get; }

    /// <summary>SQL that undoes <see cref="FailCheckpointWritesSql"/>.</summary>
    protected abstract string AllowCheckpointWritesSql { get; }

    /// <summary>A first batch: two records, a dead letter, checkpoint c1.</summary>
    protected async Task CommitFirstBatchAsync()
    {
        var first = await CommitAsync(Batch([Rec("1"), Rec("2")], [Bad("x", """{"ObjectID":"x"}""")], advance: true, position: "c1", now: T1));
        Assert.Equal(new BatchResult(2, 0, 0, 1, 0), first);
    }

    /// <summary>What <see cref="CommitFirstBatchAsync"/> left, unchanged.</summary>
    protected async Task AssertFirstBatchOnlyAsync()
    {
        Assert.Equal(2, await CountAsync("museum_records"));
        Assert.Equal(0, await CountAsync("museum_records", "title <> @p0", "Seal"));
        Assert.Equal(1, await CountAsync("sync_dead_letters"));
        var d = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
        Assert.Equal(1, d.AttemptCount);
        var cp = await CheckpointAsync();
        Assert.Equal("c1", cp.Cursor);
        Assert.Equal(1, cp.Batches);
        Assert.Equal(2, cp.RecordsCommitted);
        Assert.Null(cp.Watermark);
    }

    /// <summary>Fills a session with every kind of row the first batch's state can show: a change, a new record, a deletion, the dead letter again, a new one, a resolved one.</summary>
    protected ISyncSession FillSecond()
    {
        var session = Store.BeginSession("met");
        session.AddRecord(Rec("1", title: "changed"));
        session.AddRecord(Rec("3"));
        session.AddDeletion(Rec("2", deleted: true));
        session.AddDeadLetter(Bad("x", """{"ObjectID":"x"}"""));
        session.AddDeadLetter(Bad("y", """{"ObjectID":"y"}"""));
        session.AddResolvedDeadLetter(new ResolvedDeadLetter("met", """{"ObjectID":"x"}"""));
        return session;
    }

    protected static SessionCompletion Second => new() { AdvanceCheckpoint = true, CheckpointPosition = "c2", Watermark = "2025-01-02T00:00:00Z", Now = T2 };

    [StoreFact]
    public async Task Session_Completed_WritesRecordsDeletionsDeadLettersAndCheckpointTogether()
    {
        await CommitFirstBatchAsync();

        BatchResult result;
        await using (var session = FillSecond())
        {
            Assert.Equal(2, session.RecordCount);
            Assert.Equal(2, await CountAsync("museum_records")); // nothing is written before CompleteAsync
            result = await session.CompleteAsync(Second, CancellationToken.None);
        }

        Assert.Equal(new BatchResult(1, 1, 0, 1, 1) { Deleted = 1, DeadLettersResolved = 1 }, result);
        Assert.Equal(new[] { "1", "3" }, (await Db.RowsAsync("SELECT object_id FROM {t}museum_records ORDER BY object_id")).Select(r => r["object_id"]));
        Assert.Equal("changed", (await Db.RowAsync("SELECT title FROM {t}museum_records WHERE object_id = @p0", "1"))!["title"]);
        Assert.Equal("y", Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None)).ObjectId);
        var cp = await CheckpointAsync();
        Assert.Equal("c2", cp.Cursor);
        Assert.Equal("2025-01-02T00:00:00Z", cp.Watermark);
        Assert.Equal(2, cp.Batches);
    }

    [StoreFact]
    public async Task Session_DisposedWithoutComplete_DiscardsEverything_AndTheNextSessionWorks()
    {
        await CommitFirstBatchAsync();

        await using (var session = FillSecond())
        {
            Assert.Equal(2, session.RecordCount);
        }

        await AssertFirstBatchOnlyAsync();
        var again = FillSecond();
        await again.DisposeAsync();
        await again.DisposeAsync(); // twice is fine
        Assert.Throws<InvalidOperationException>(() => again.AddRecord(Rec("4")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => again.CompleteAsync(Second, CancellationToken.None));
        await AssertFirstBatchOnlyAsync();

        await using var next = FillSecond();
        Assert.Equal(new BatchResult(1, 1, 0, 1, 1) { Deleted = 1, DeadLettersResolved = 1 }, await next.CompleteAsync(Second, CancellationToken.None));
        Assert.Equal("c2", (await CheckpointAsync()).Cursor);
    }

    [StoreFact]
    public async Task Session_ExceptionBetweenAdds_PreviousStateIntact()
    {
        await CommitFirstBatchAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var session = Store.BeginSession("met");
            session.AddRecord(Rec("1", title: "changed"));
            session.AddDeadLetter(Bad("y", """{"ObjectID":"y"}"""));
            throw new InvalidOperationException("the producer failed between two adds");
        });

        await AssertFirstBatchOnlyAsync();
    }

    [StoreFact]
    public async Task Session_FailsInsideItsTransaction_RolledBackWhole_AndTheSessionIsFinished()
    {
        await CommitFirstBatchAsync();
        await Db.ExecAsync(FailCheckpointWritesSql);

        var session = FillSecond();
        await using (session)
        {
            // The records, the deletion and the dead letters are written inside the transaction; the checkpoint, its last statement, fails.
            await Assert.ThrowsAsync<SyncStoreException>(() => session.CompleteAsync(Second, CancellationToken.None));
            Assert.Throws<InvalidOperationException>(() => session.AddRecord(Rec("4")));
        }
        await Db.ExecAsync(AllowCheckpointWritesSql);

        await AssertFirstBatchOnlyAsync();
        await using var next = FillSecond();
        Assert.Equal(new BatchResult(1, 1, 0, 1, 1) { Deleted = 1, DeadLettersResolved = 1 }, await next.CompleteAsync(Second, CancellationToken.None));
    }

    [StoreFact]
    public async Task Sessions_FilledSideBySide_CompleteOneAtATime()
    {
        await using var a = Store.BeginSession("met");
        await using var b = Store.BeginSession("aic");
        a.AddRecord(Rec("1"));
        b.AddRecord(Rec("1", source: "aic"));
        a.AddRecord(Rec("2"));

        Assert.Equal(2, (await a.CompleteAsync(new SessionCompletion { AdvanceCheckpoint = true, CheckpointPosition = "m1", Now = T1 }, CancellationToken.None)).Inserted);
        Assert.Equal(1, (await b.CompleteAsync(new SessionCompletion { AdvanceCheckpoint = true, CheckpointPosition = "a1", Now = T1 }, CancellationToken.None)).Inserted);
        Assert.Equal("m1", (await CheckpointAsync("met")).Cursor);
        Assert.Equal("a1", (await CheckpointAsync("aic")).Cursor);
    }
}
