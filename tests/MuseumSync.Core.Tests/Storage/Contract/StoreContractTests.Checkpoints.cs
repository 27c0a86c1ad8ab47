using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task CommitBatch_Checkpoint_WrittenOnlyWhenAdvanceAndTotalsAccumulate()
    {
        await CommitAsync(Batch([Rec("1"), Rec("2")], advance: true, position: "c2", now: T1));
        var first = await CheckpointAsync();
        Assert.Equal("c2", first.Cursor);
        Assert.Equal("https://api.example.org/objects", first.Endpoint);
        Assert.Equal(2, first.RecordsCommitted);
        Assert.Equal(1, first.Batches);
        Assert.Equal(T1, first.LastSyncTime);
        Assert.Equal(Store.DisplayName, first.Database);

        // A batch that ended mid-page: the position stays, the totals still grow.
        await CommitAsync(Batch([Rec("3")], [Bad("x", "{}")], advance: false, position: "ignored", now: T2));
        var second = await CheckpointAsync();
        Assert.Equal("c2", second.Cursor);
        Assert.Equal(3, second.RecordsCommitted);
        Assert.Equal(1, second.DeadLettered);
        Assert.Equal(2, second.Batches);
        Assert.Equal(T2, second.LastSyncTime);

        await CommitAsync(Batch([Rec("1")], advance: true, position: null, now: T3));
        var third = await CheckpointAsync();
        Assert.Null(third.Cursor);
        Assert.Equal(4, third.RecordsCommitted); // unchanged records count as committed
        Assert.Equal(3, third.Batches);
    }

    [StoreFact]
    public async Task CommitBatch_FirstBatchWithoutAdvance_CheckpointRowWithNullCursor()
    {
        await CommitAsync(Batch([Rec("1")], advance: false, position: "c9"));

        var cp = await CheckpointAsync();
        Assert.Null(cp.Cursor);
        Assert.Equal(1, cp.RecordsCommitted);
    }

    [StoreFact]
    public async Task CommitBatch_EmptyBatchThatAdvancesWithWatermark_MovesTheCheckpointAndKeepsTheWatermark()
    {
        await Store.CommitBatchAsync(new SyncBatch { Source = "met", Records = [], DeadLetters = [], AdvanceCheckpoint = true, CheckpointPosition = "c5", Watermark = "2025-01-01T00:00:00Z", Now = T1 }, CancellationToken.None);
        await CommitAsync(Batch(advance: true, position: "c6", now: T2));

        var cp = await CheckpointAsync();
        Assert.Equal("c6", cp.Cursor);
        Assert.Equal("2025-01-01T00:00:00Z", cp.Watermark);
        Assert.Equal(0, cp.RecordsCommitted);
    }

    [StoreFact]
    public async Task GetCheckpoints_SeveralSources_FilteredAndOrdered()
    {
        await CommitAsync(Batch([Rec("1")], advance: true, position: "m2"));
        await CommitAsync(Batch(advance: true, position: "a2", source: "aic"));

        Assert.Equal(new[] { "aic", "met" }, (await Store.GetCheckpointsAsync(null, CancellationToken.None)).Select(c => c.Source));
        Assert.Equal("a2", (await CheckpointAsync("aic")).Cursor);
        Assert.Empty(await Store.GetCheckpointsAsync("nobody", CancellationToken.None));
    }

    [StoreFact]
    public async Task SetCheckpoint_NewAndExistingSource_SetsOnlyWhatWasAsked()
    {
        var created = await Store.SetCheckpointAsync(new CheckpointChange { Source = "new", SetCursor = true, Cursor = "c40" }, CancellationToken.None);
        Assert.Equal("c40", created.Cursor);
        Assert.Null(created.Watermark);
        Assert.Equal(0, created.Batches);

        await CommitAsync(Batch([Rec("1")], advance: true, position: "c2", now: T1));
        var changed = await Store.SetCheckpointAsync(new CheckpointChange { Source = "met", SetWatermark = true, Watermark = "2024-12-31T00:00:00Z" }, CancellationToken.None);
        Assert.Equal("c2", changed.Cursor);
        Assert.Equal("2024-12-31T00:00:00Z", changed.Watermark);
        Assert.Equal(1, changed.RecordsCommitted);
        Assert.Equal(T1, changed.LastSyncTime);

        var moved = await Store.SetCheckpointAsync(new CheckpointChange { Source = "met", SetCursor = true, Cursor = "c1" }, CancellationToken.None);
        Assert.Equal("c1", moved.Cursor);
        Assert.Equal("2024-12-31T00:00:00Z", moved.Watermark);
    }

    [StoreFact]
    public async Task ResetCheckpoint_ClearsCursorAndWatermarkKeepsTotals()
    {
        await Store.CommitBatchAsync(new SyncBatch { Source = "met", Records = [Rec("1")], DeadLetters = [], AdvanceCheckpoint = true, CheckpointPosition = "c5", Watermark = "2025-01-01T00:00:00Z", Now = T1 }, CancellationToken.None);

        var reset = await Store.ResetCheckpointAsync("met", CancellationToken.None);

        Assert.NotNull(reset);
        Assert.Null(reset.Cursor);
        Assert.Null(reset.Watermark);
        Assert.Equal(1, reset.RecordsCommitted);
        Assert.Null(await Store.ResetCheckpointAsync("nobody", CancellationToken.None));
    }
}
