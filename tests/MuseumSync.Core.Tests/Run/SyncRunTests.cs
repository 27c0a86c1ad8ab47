using System.Collections.Concurrent;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Run;
using MuseumSync.Storage;
using MuseumSync.Storage.Leases;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Run;

/// <summary>A whole sync in the core, with no PowerShell at all: a Kestrel feed, <see cref="SyncRun"/>, a SQLite file.</summary>
public sealed class SyncRunTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ms-run-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<SyncEvent> _events = new();

    public SyncRunTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private StoreOptions Store => new() { Provider = StoreProvider.Sqlite, Database = Path.Combine(_dir, "museum.db") };

    private ISyncEventSink Sink => SyncEventSinks.From(_events.Enqueue);

    /// <summary>Three pages of two records, chained by X-Next-Cursor; <paramref name="failPage"/> answers 404 instead.</summary>
    private static Task<TestApiServer> FeedAsync(int failPage = 0) => TestApiServer.StartAsync(async (ctx, _) =>
    {
        var page = int.TryParse(ctx.Request.Query["cursor"], out var p) ? p : 1;
        if (page == failPage)
        {
            ctx.Response.StatusCode = 404;
            return;
        }
        if (page < 3) ctx.Response.Headers["X-Next-Cursor"] = (page + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TestApiServer.WriteLinesAsync(ctx, [Line($"{page}a"), Line($"{page}b")]);
    });

    private async Task<SyncSummary> RunAsync(SyncSettings settings)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var store = await SyncStoreFactory.OpenAndInitializeAsync(Store, cts.Token);
        await using var storeScope = store;
        await using var run = new SyncRun(settings, store, Store, Sink);
        return await run.RunAsync(loadRules: null, cts.Token);
    }

    private async Task<SyncCheckpoint?> CheckpointAsync(string source)
    {
        var store = await SyncStoreFactory.OpenAsync(Store, create: false, CancellationToken.None);
        await using var storeScope = store;
        var list = await store.GetCheckpointsAsync(source, CancellationToken.None);
        return list.Count > 0 ? list[0] : null;
    }

    [Fact]
    public async Task RunAsync_PagedFeed_CommitsEveryRecordAndTheCheckpoint_ThenResumesFromIt()
    {
        await using var server = await FeedAsync();

        var summary = await RunAsync(new SyncSettings { Source = "demo", SkipCompliance = true, Uri = server.Url("objects"), BatchSize = 3 });

        Assert.Equal("Completed", summary.Status);
        Assert.Equal(6, summary.Received);
        Assert.Equal(6, summary.Inserted);
        Assert.Equal(0, summary.DeadLettered);
        Assert.Equal("3", (await CheckpointAsync("demo"))?.Cursor); // the last page resumes on itself
        Assert.Contains(_events, e => e.Id == SyncEventIds.LeaseTaken && e.Source == "demo");
        Assert.Contains(_events, e => e.Id == SyncEventIds.BatchCommitted && e.Level == SyncEventLevel.Verbose);

        _events.Clear();
        var again = await RunAsync(new SyncSettings { Source = "demo", SkipCompliance = true, Uri = server.Url("objects") });

        Assert.Equal(2, again.Received); // only the page the checkpoint names
        Assert.Equal(2, again.Unchanged);
        Assert.Equal("3", server.Requests[^1].Cursor);
        Assert.Contains(_events, e => e.Id == SyncEventIds.RunStart && e.Message.Contains("Resuming 'demo' from checkpoint '3'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SourceFailsOnPage3_CommitsTheCompletePagesAndSaysHowFar()
    {
        await using var server = await FeedAsync(failPage: 3);

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => RunAsync(new SyncSettings { Source = "demo", SkipCompliance = true, Uri = server.Url("objects"), MaxRetries = 0 }));

        Assert.Contains("The run got this far: 4 records", ex.Message, StringComparison.Ordinal);
        Assert.Equal("3", (await CheckpointAsync("demo"))?.Cursor); // pages 1 and 2 are in; the next run starts at page 3
    }

    [Fact]
    public async Task RunAsync_InvalidRecord_DeadLetteredAndSaidAsAWarningCarryingTheRecord()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
            await TestApiServer.WriteLinesAsync(ctx, [Line("1"), """{"ObjectID":"2"}"""]));

        var summary = await RunAsync(new SyncSettings { Source = "demo", SkipCompliance = true, Uri = server.Url("objects") });

        Assert.Equal(1, summary.DeadLettered);
        var warning = Assert.Single(_events, e => e.Id == SyncEventIds.RecordDeadLettered);
        Assert.Equal(SyncEventLevel.Warning, warning.Level);
        Assert.Equal("2", warning.Record?.ObjectId);
    }

    [Fact]
    public async Task RunAsync_SourceLeasedByAnotherWorker_BusyBeforeAnyRequest()
    {
        await using var server = await FeedAsync();
        var store = await SyncStoreFactory.OpenAndInitializeAsync(Store, CancellationToken.None);
        await using var storeScope = store;
        var other = new LeaseRequest { Resource = LeaseResource.For("demo"), Identity = LeaseIdentity.Create(), Duration = TimeSpan.FromMinutes(5) };
        Assert.True((await store.TryAcquireLeaseAsync(other, CancellationToken.None)).Acquired);

        await Assert.ThrowsAsync<SyncSourceBusyException>(() => RunAsync(new SyncSettings { Source = "demo", SkipCompliance = true, Uri = server.Url("objects") }));

        Assert.Equal(0, server.RequestCount);
    }
}
