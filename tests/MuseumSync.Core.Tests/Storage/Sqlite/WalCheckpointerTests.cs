using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using MuseumSync.Storage;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Core.Tests.Storage.Sqlite;

/// <summary>
/// When the SQLite store's background checkpoints run: once about half of SQLite's automatic checkpoint has been
/// committed, or a second after a commit nothing has copied yet; and what the batch path binds once per batch.
/// </summary>
public sealed class WalCheckpointerTests : IAsyncLifetime
{
    private readonly string _dir = TestPaths.TempDirectory();
    private string DbPath => Path.Combine(_dir, "sync.db");
    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString();

    public async Task InitializeAsync()
    {
        await using var c = new SqliteConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (x);";
        await cmd.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        return condition();
    }

    [Fact]
    public async Task Committed_BelowTheThreshold_CheckpointsOnlyAfterTheMaxDelay()
    {
        var time = new FakeTimeProvider();
        await using var checkpointer = new WalCheckpointer(ConnectionString, 16384, time);
        Assert.Equal(16384L * 500, checkpointer.ThresholdBytes);

        checkpointer.Committed(1_000_000);
        checkpointer.Committed(1_000_000);
        await Task.Delay(200);
        Assert.Equal(0, checkpointer.Completed);

        time.Advance(WalCheckpointer.MaxDelay);
        Assert.True(await EventuallyAsync(() => checkpointer.Completed == 1), "the commits waited past the delay without a checkpoint");

        // The delay counts from the first commit nothing has copied: one after the checkpoint waits a whole delay again.
        checkpointer.Committed(10);
        time.Advance(WalCheckpointer.MaxDelay - TimeSpan.FromMilliseconds(1));
        await Task.Delay(200);
        Assert.Equal(1, checkpointer.Completed);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await EventuallyAsync(() => checkpointer.Completed == 2));
    }

    [Fact]
    public async Task Committed_ReachingTheThreshold_CheckpointsAtOnce()
    {
        var time = new FakeTimeProvider();
        await using var checkpointer = new WalCheckpointer(ConnectionString, 4096, time);

        checkpointer.Committed(checkpointer.ThresholdBytes - 1);
        await Task.Delay(100);
        Assert.Equal(0, checkpointer.Completed);
        checkpointer.Committed(1);
        Assert.True(await EventuallyAsync(() => checkpointer.Completed == 1), "a full threshold did not start a checkpoint");

        // Nothing pending afterwards: the delay has nothing to copy.
        time.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        Assert.Equal(1, checkpointer.Completed);
    }

    [Fact]
    public async Task Store_ManySmallBatches_CheckpointsFewerTimesThanItCommits_AndKeepsEveryRow()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var path = Path.Combine(_dir, "store.db");
        var store = await SqliteSyncStore.OpenAsync(path, create: true, CancellationToken.None, time);
        try
        {
            await store.InitializeAsync(CancellationToken.None);
            // 20 batches of about 1 MB each (title and payload of 5,000 characters; 16 KiB pages: a checkpoint every 8 MiB).
            for (var b = 0; b < 20; b++)
            {
                var records = Enumerable.Range(0, 100).Select(i => Rec("s", $"{b}-{i}", new string('x', 5_000))).ToList();
                await store.CommitBatchAsync(new SyncBatch { Source = "s", Records = records, DeadLetters = [], Now = time.GetUtcNow() }, CancellationToken.None);
            }
            // About 20 MiB crosses the 8 MiB threshold twice; when the machine is busy, the second crossing can come
            // while the first checkpoint is still queued, and the two are one checkpoint (as designed): 1 to 3 in all,
            // far fewer than the 20 commits.
            Assert.True(await EventuallyAsync(() => store.WalCheckpoints >= 1), $"checkpoints: {store.WalCheckpoints}");
            Assert.InRange(store.WalCheckpoints, 1, 3);
        }
        finally
        {
            await store.DisposeAsync();
        }
        Assert.False(File.Exists(path + "-wal"), "the last connection to close checkpoints and removes the WAL");
        Assert.Equal(2000L, await ScalarAsync(path, "SELECT COUNT(*) FROM museum_records"));
    }

    [Fact]
    public async Task Store_BatchesOfOtherSourcesAndTimes_BindEachBatchsSourceAndTime()
    {
        var t1 = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var t2 = t1.AddDays(1);
        var t3 = t1.AddDays(2);
        var path = Path.Combine(_dir, "sources.db");
        await using (var store = await SqliteSyncStore.OpenAsync(path, create: true, CancellationToken.None))
        {
            await store.InitializeAsync(CancellationToken.None);
            Task<BatchResult> Commit(string source, DateTimeOffset now, params MuseumRecord[] records) =>
                store.CommitBatchAsync(new SyncBatch { Source = source, Records = records, DeadLetters = [], Now = now }, CancellationToken.None);

            Assert.Equal(2, (await Commit("a", t1, Rec("a", "x", "1"), Rec("a", "y", "1"))).Inserted);
            Assert.Equal(1, (await Commit("b", t2, Rec("b", "x", "1"))).Inserted);
            // An update (by rowid, where source and id must match) and an insert in one batch of the first source again.
            var third = await Commit("a", t3, Rec("a", "x", "2"), Rec("a", "z", "1"));
            Assert.Equal((1, 1), (third.Inserted, third.Updated));
            Assert.Equal(1, (await Commit("b", t3, Rec("b", "x", "2"))).Updated);
        }
        Assert.Equal(
            "a|x|2|2031-01-01T00:00:00.000Z|2031-01-03T00:00:00.000Z;a|y|1|2031-01-01T00:00:00.000Z|2031-01-01T00:00:00.000Z;a|z|1|2031-01-03T00:00:00.000Z|2031-01-03T00:00:00.000Z;b|x|2|2031-01-02T00:00:00.000Z|2031-01-03T00:00:00.000Z",
            await ScalarAsync(path, "SELECT group_concat(source || '|' || object_id || '|' || title || '|' || first_seen_utc || '|' || last_changed_utc, ';') FROM (SELECT * FROM museum_records ORDER BY source, object_id)"));
    }

    private static MuseumRecord Rec(string source, string id, string title) => new()
    {
        Source = source,
        ObjectId = id,
        Title = title,
        AccessTier = AccessTier.Public,
        RawJson = $$"""{"ObjectID":"{{id}}","title":"{{title}}"}""",
        Position = "c1",
    };

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }
}
