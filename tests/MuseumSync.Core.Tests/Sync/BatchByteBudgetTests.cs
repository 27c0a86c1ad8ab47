using MuseumSync.Storage.Sqlite;
using MuseumSync.Sync;

namespace MuseumSync.Core.Tests.Sync;

/// <summary>MaxBatchBytes: a batch of large records is committed before it reaches its record count.</summary>
public sealed class BatchByteBudgetTests
{
    private const int RecordBytes = 300 * 1024;
    private const long Budget = 1024 * 1024;

    private static MuseumRecord Large(int i) => new()
    {
        Source = "big",
        ObjectId = "id" + i,
        Title = "T" + i,
        RawJson = $$"""{"ObjectID":"id{{i}}","title":"T{{i}}","notes":"{{new string('n', RecordBytes - 50)}}"}""",
        PageNumber = i + 1,
        LineNumber = 1,
        Position = "p" + i,
        ResumePosition = "p" + (i + 1),
        EndOfPage = true,
    };

    [Fact]
    public void Add_PayloadsReachTheBudget_BatchIsFullBeforeItsRecordCount()
    {
        var builder = new BatchBuilder(1000, null) { MaxBatchBytes = Budget };

        var full = Enumerable.Range(0, 4).Select(i => builder.Add(Large(i))).ToArray();

        Assert.Equal([false, false, false, true], full); // 4 x 300 KB reach 1 MiB
        Assert.True(builder.PayloadBytes >= Budget);
        var batch = builder.Take(null, DateTimeOffset.UnixEpoch)!;
        Assert.Equal(4, batch.Records.Count);
        Assert.Equal(0, builder.PayloadBytes);
        Assert.False(builder.Add(Large(5))); // the next batch starts empty
    }

    [Fact]
    public void MaxBatchBytes_BelowOneKiB_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchBuilder(10, null) { MaxBatchBytes = 10 });

    [Fact]
    public async Task SyncWriter_LargeRecords_CommitsEarlyBatchesWithinTheBudgetAndKeepsEveryRecord()
    {
        var dir = Directory.CreateTempSubdirectory("ms-budget-").FullName;
        try
        {
            await using (var store = await SqliteSyncStore.OpenAsync(Path.Combine(dir, "b.db"), create: true, CancellationToken.None))
            {
                await store.InitializeAsync(CancellationToken.None);
                await using var writer = new SyncWriter(store, new SyncWriterOptions { BatchSize = 1000, MaxBatchBytes = Budget, UseLeases = false });
                for (var i = 0; i < 10; i++) await writer.AddAsync(Large(i));
                await writer.CompleteAsync();

                Assert.Equal(3, writer.Batches); // 4 + 4 + 2, not one batch of 10
                Assert.Equal(10, writer.Inserted);
                Assert.Equal("p10", writer.Checkpoint);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
