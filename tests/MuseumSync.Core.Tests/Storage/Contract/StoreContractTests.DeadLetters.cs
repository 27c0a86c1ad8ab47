using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task CommitBatch_SameDeadLetterTwice_OneRowSeenBeforeAndAttemptsCounted()
    {
        var bad = Bad("9", """{"ObjectID":"9"}""");

        Assert.Equal(new BatchResult(0, 0, 0, 1, 1), await CommitAsync(Batch(dead: [bad, bad], now: T1)));
        Assert.Equal(new BatchResult(0, 0, 0, 0, 1), await CommitAsync(Batch(dead: [bad], now: T2)));

        Assert.Equal(1, await CountAsync("sync_dead_letters"));
        var d = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
        Assert.Equal(T1, d.FirstSeen);
        Assert.Equal(T2, d.LastSeen);
        Assert.Equal(3, d.AttemptCount);
        Assert.Equal(bad.Issues, d.Reasons);
        Assert.Equal(1L, (await CheckpointAsync()).DeadLettered); // distinct dead letters only
    }

    [StoreFact]
    public async Task GetDeadLetters_AfterCommits_EveryFieldBackAndFiltersWork()
    {
        var bad = Bad("9", """{"ObjectID":"9"}""");
        await CommitAsync(Batch(dead: [bad], now: T1));
        await CommitAsync(Batch(dead: [Bad("8", "{}")], now: T2, source: "aic"));

        var all = await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None);
        Assert.Equal(new[] { "met", "aic" }, all.Select(d => d.Source));

        var met = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery { Source = "met" }, CancellationToken.None));
        Assert.Equal("9", met.ObjectId);
        Assert.Equal("""{"ObjectID":"9"}""", met.Payload);
        Assert.Equal(bad.Issues, met.Reasons);
        Assert.Equal("c1", met.Position);
        Assert.Equal("https://api.example.org/objects?cursor=c1", met.SourceUrl);
        Assert.Equal("corr", met.CorrelationId);
        Assert.Equal(T1, met.FirstSeen);
        Assert.Equal(1, met.AttemptCount);
        Assert.True(met.Id > 0);

        Assert.Equal("aic", Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery { Since = T2 }, CancellationToken.None)).Source);
        Assert.Equal("met", Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery { Limit = 1 }, CancellationToken.None)).Source);
    }

    [StoreFact]
    public async Task CommitBatch_DifferentPayloadsSameId_TwoDeadLetters()
    {
        var result = await CommitAsync(Batch(dead: [Bad("9", "{\"a\":1}"), Bad("9", "{\"a\":2}")]));

        Assert.Equal(2, result.DeadLettered);
        Assert.Equal(2, await CountAsync("sync_dead_letters", "object_id = @p0", "9"));
    }

    [StoreFact]
    public async Task CommitBatch_DeadLetterWithoutObjectIdAndNotJson_StoredAsReceived()
    {
        var result = await CommitAsync(Batch(dead: [Bad(null, "{not json")]));

        Assert.Equal(1, result.DeadLettered);
        Assert.Equal("{not json", Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None)).Payload);
        Assert.Equal(1, await CountAsync("sync_dead_letters", "object_id IS NULL"));
    }

    [StoreFact]
    public async Task CommitBatch_ResolvedDeadLetters_RemovedInTheSameTransaction()
    {
        var bad = Bad("9", """{"ObjectID":"9","title":""}""");
        var other = Bad("8", """{"ObjectID":"8"}""");
        await CommitAsync(Batch(dead: [bad, other], now: T1));

        var fixedRecord = Rec("9", raw: bad.RawJson);
        var result = await Store.CommitBatchAsync(new SyncBatch
        {
            Source = "met",
            Records = [fixedRecord],
            DeadLetters = [other],
            ResolvedDeadLetters = [new ResolvedDeadLetter("met", bad.RawJson)],
            Now = T2,
        }, CancellationToken.None);

        Assert.Equal(1, result.Inserted);
        Assert.Equal(1, result.DeadLettersResolved);
        Assert.Equal(1, result.DeadLettersSeenBefore);
        var left = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery(), CancellationToken.None));
        Assert.Equal("8", left.ObjectId);
        Assert.Equal(2, left.AttemptCount);
    }
}
