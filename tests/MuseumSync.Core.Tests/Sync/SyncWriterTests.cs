using System.Collections.Concurrent;
using MuseumSync.Run;
using MuseumSync.Storage;
using MuseumSync.Storage.Leases;
using MuseumSync.Storage.Sqlite;
using MuseumSync.Sync;

namespace MuseumSync.Core.Tests.Sync;

/// <summary>The shared sync core: background commits, one in flight, in order; failures reach the producer; leases.</summary>
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync
public sealed class SyncWriterTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ms-writer-" + Guid.NewGuid().ToString("N"));
    private SqliteSyncStore _sqlite = null!;
    private GatedStore _store = null!;
    // What the writers said (SyncWriterOptions.Events), read back as the lines the tests check.
    private readonly ConcurrentQueue<SyncEvent> _said = new();
    private ISyncEventSink Said => SyncEventSinks.From(_said.Enqueue);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _sqlite = await SqliteSyncStore.OpenAsync(Path.Combine(_dir, "w.db"), create: true, CancellationToken.None);
        await _sqlite.InitializeAsync(CancellationToken.None);
        _store = new GatedStore(_sqlite);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _sqlite.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static MuseumRecord Rec(int i, int perPage = 4, bool valid = true) => new()
    {
        Source = "met",
        ObjectId = "id" + i,
        Title = "T" + i,
        RawJson = $$"""{"ObjectID":"id{{i}}","Title":"T{{i}}"}""",
        PageNumber = i / perPage + 1,
        LineNumber = i % perPage + 1,
        Position = "p" + (i / perPage),
        ResumePosition = "p" + (i / perPage + 1),
        EndOfPage = i % perPage == perPage - 1,
        Issues = valid ? [] : [new ValidationIssue("title", "required", "'title' is missing.")],
    };

    [Fact]
    public async Task CommitsRunInTheBackground_OneInFlight_InOrder_CheckpointAtTheLastCompletePage()
    {
        _store.Hold = true;
        await using var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 4, UseLeases = false, StoreDescription = "test" });
        for (var i = 0; i < 4; i++) await writer.AddAsync(Rec(i));
        // Batch 1 is handed to the committer and the producer goes on without waiting for it.
        await _store.Started.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _store.Commits);
        for (var i = 4; i < 7; i++) await writer.AddAsync(Rec(i));
        // The next full batch must wait for batch 1: at most one commit in flight.
        var fill = writer.AddAsync(Rec(7)).AsTask();
        await Task.Delay(100);
        Assert.False(fill.IsCompleted);
        Assert.Equal(1, _store.Commits);
        _store.Release();
        await fill.WaitAsync(TimeSpan.FromSeconds(10));
        _store.Hold = false;
        _store.Release();
        for (var i = 8; i < 10; i++) await writer.AddAsync(Rec(i));
        await writer.CompleteAsync();

        Assert.Equal(["p1", "p2"], _store.Checkpoints); // 0-3 complete page 0 → p1; 4-7 → p2; 8-9 end mid-page: the third batch leaves it at p2
        Assert.Equal(10, writer.Inserted);
        Assert.Equal(3, writer.Batches);
        var cp = Assert.Single(await _sqlite.GetCheckpointsAsync("met", CancellationToken.None));
        Assert.Equal("p2", cp.Cursor);
        Assert.True(writer.CheckpointMoved);
    }

    [Fact]
    public async Task FailedCommit_SurfacesAtTheProducersNextCall_AndNothingLaterIsCommitted()
    {
        _store.FailOn = 2;
        await using var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 4, UseLeases = false });
        for (var i = 0; i < 8; i++) await writer.AddAsync(Rec(i));
        var ex = await Assert.ThrowsAsync<SyncStoreException>(async () =>
        {
            for (var i = 8; i < 40; i++) await writer.AddAsync(Rec(i));
            await writer.CompleteAsync();
        });
        Assert.Contains("injected", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, _store.Commits); // batch 2 failed; no batch after it was started
        Assert.Equal("p1", Assert.Single(await _sqlite.GetCheckpointsAsync("met", CancellationToken.None)).Cursor);
    }

    [Fact]
    public async Task ShouldCommit_IsAskedOnTheCallersThread_BeforeAnyWait_AndSkippedBatchesWriteNothing()
    {
        var thread = Environment.CurrentManagedThreadId;
        var asked = new List<int>();
        await using var writer = new SyncWriter(_ => throw new InvalidOperationException("no store may be opened when every batch is skipped"), new SyncWriterOptions
        {
            BatchSize = 2,
            UseLeases = false,
            ShouldCommit = b =>
            {
                asked.Add(Environment.CurrentManagedThreadId);
                return false;
            },
        });
        for (var i = 0; i < 5; i++)
        {
            var t = writer.AddAsync(Rec(i));
            Assert.True(t.IsCompletedSuccessfully); // skipped batches never wait
        }
        await writer.CompleteAsync();
        Assert.Equal(3, asked.Count);
        Assert.All(asked, t => Assert.Equal(thread, t));
        Assert.True(writer.OnlySkipped);
        Assert.Equal(0, writer.Batches);
    }

    [Fact]
    public async Task Leases_BusySourceThrowsNamingTheHolder_ReleasedAtTheEnd()
    {
        var other = LeaseIdentity.Create();
        var held = await _sqlite.TryAcquireLeaseAsync(new LeaseRequest { Resource = LeaseResource.For("met"), Identity = other, Duration = TimeSpan.FromMinutes(5) }, CancellationToken.None);
        Assert.True(held.Acquired);
        await using (var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 4, StoreDescription = "test.db", Identity = LeaseIdentity.Create() }))
        {
            var busy = await Assert.ThrowsAsync<SyncSourceBusyException>(() => writer.AddAsync(Rec(0)).AsTask());
            Assert.Contains("test.db", busy.Message, StringComparison.Ordinal);
            Assert.Equal(0, writer.Received);
        }
        await _sqlite.ReleaseLeaseAsync(held.Lease!, CancellationToken.None);

        await using (var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 4, Events = Said }))
        {
            for (var i = 0; i < 4; i++) await writer.AddAsync(Rec(i));
            await writer.CompleteAsync();
            Assert.Contains(_store.Batches, b => b.Lease is not null); // every batch carries the lease into its transaction
            Assert.True(TryTakeMessage(out var m) && m.Text.StartsWith("lease=met ", StringComparison.Ordinal));
        }
        // Released: another worker takes it at once.
        var again = await _sqlite.TryAcquireLeaseAsync(new LeaseRequest { Resource = LeaseResource.For("met"), Identity = other, Duration = TimeSpan.FromMinutes(5) }, CancellationToken.None);
        Assert.True(again.Acquired);
        Assert.Null(again.TookOverFrom);
    }

    [Fact]
    public async Task Metrics_CountFetchedCommittedDeadLetteredAndCommitLatency()
    {
        await using var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 4, UseLeases = false });
        for (var i = 0; i < 8; i++) await writer.AddAsync(Rec(i, valid: i != 3));
        await writer.CompleteAsync();
        var m = Assert.Single(writer.Metrics);
        Assert.Equal("met", m.Source);
        Assert.Equal(8, m.RecordsFetched);
        Assert.Equal(7, m.RecordsCommitted);
        Assert.Equal(1, m.RecordsDeadLettered);
        Assert.Equal(0, m.QueueDepth);
        Assert.Equal(2, m.CommitLatency.Count);
        Assert.NotNull(m.LastSuccess);
        Assert.Equal(1, writer.InvalidReceived);
        Assert.Equal(1, writer.DeadLettered);
    }

    /// <summary>Forwards to a real store; can hold commits until released and fail the Nth.</summary>
    [Fact]
    public async Task Sessions_OnePerBatch_DisposedOnceCommitted_NoneWhenSkipped()
    {
        await using (var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 4, UseLeases = false }))
        {
            for (var i = 0; i < 10; i++) await writer.AddAsync(Rec(i, valid: i != 5));
            await writer.CompleteAsync();
            Assert.Equal(9, writer.Inserted);
            Assert.Equal(1, writer.DeadLettered);
        }
        Assert.Equal([4, 3, 2], _store.Batches.Select(b => b.Records));
        Assert.Equal(3, _store.SessionsOpened);
        Assert.Equal(3, _store.SessionsDisposed);

        var asked = 0;
        await using (var writer = new SyncWriter(_ => throw new InvalidOperationException("no store"), new SyncWriterOptions
        {
            BatchSize = 2,
            UseLeases = false,
            ShouldCommit = b =>
            {
                asked++;
                Assert.Equal(2, b.Records.Count);
                return false;
            },
        }))
        {
            await writer.AddAsync(Rec(0));
            await writer.AddAsync(Rec(1));
            await writer.CompleteAsync();
        }
        Assert.Equal(1, asked);
        Assert.Equal(3, _store.SessionsOpened);
    }

    [Fact]
    public async Task Sessions_PreviousCommitFailed_NextSessionDisposedUncommitted()
    {
        _store.FailOn = 1;
        _store.Hold = true;
        await using var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 2, UseLeases = false });
        await writer.AddAsync(Rec(0));
        await writer.AddAsync(Rec(1)); // batch 1 commits in the background, held
        await writer.AddAsync(Rec(2));
        var second = writer.AddAsync(Rec(3)).AsTask(); // batch 2 is filled into its session, then waits for batch 1
        Assert.True(await _store.Started.WaitAsync(TimeSpan.FromSeconds(10)));
        _store.Release(); // batch 1 fails
        await Assert.ThrowsAsync<SyncStoreException>(() => second);
        Assert.Equal(2, _store.SessionsOpened);
        Assert.Equal(2, _store.SessionsDisposed);
        Assert.Equal(1, _store.Commits);
        Assert.Empty(await _store.GetCheckpointsAsync("met", CancellationToken.None));
    }

    /// <summary>A line the writer said: a warning or not, its text, and the record it reports as dead-lettered.</summary>
    private sealed record SaidLine(bool IsWarning, string Text, MuseumRecord? DeadLettered);

    private bool TryTakeMessage(out SaidLine line)
    {
        line = null!;
        if (!_said.TryDequeue(out var e)) return false;
        line = new SaidLine(e.Level == SyncEventLevel.Warning, e.Message, e.Id == SyncEventIds.RecordDeadLettered ? e.Record : null);
        return true;
    }

    private List<SaidLine> Drain(SyncWriter writer)
    {
        _ = writer;
        var list = new List<SaidLine>();
        while (TryTakeMessage(out var m)) list.Add(m);
        return list;
    }

    [Fact]
    public async Task InvalidRecords_ReportedOnlyAfterTheirBatchCommits_FirstNThenOneClosingLine()
    {
        _store.Hold = true;
        await using var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 4, UseLeases = false, StoreDescription = "w.db", MaxInvalidNotices = 2, Events = Said });
        await writer.AddAsync(Rec(0));
        for (var i = 1; i < 4; i++) await writer.AddAsync(Rec(i, valid: false));
        await _store.Started.WaitAsync(TimeSpan.FromSeconds(10));
        // Batch 1 is in its transaction, not committed: nothing may call its records dead letters yet.
        Assert.DoesNotContain(Drain(writer), m => m.IsWarning);
        _store.Hold = false;
        _store.Release();
        for (var i = 4; i < 8; i++) await writer.AddAsync(Rec(i, valid: i % 2 == 0));
        await writer.CompleteAsync();

        var warnings = Drain(writer).Where(m => m.IsWarning).ToList();
        Assert.Equal(3, warnings.Count); // two records one by one, then one line for the other three
        Assert.Equal(["id1", "id2"], warnings.Take(2).Select(m => m.DeadLettered?.ObjectId));
        Assert.StartsWith("Record 'id1' of source 'met' (line 2 of page 1) is invalid and was dead-lettered: ", warnings[0].Text, StringComparison.Ordinal);
        Assert.Contains("'title' is missing.", warnings[0].Text, StringComparison.Ordinal);
        Assert.Null(warnings[2].DeadLettered);
        Assert.Equal("... and 3 more invalid records of source 'met' were dead-lettered (only the first 2 of a run are listed one by one); see Get-SyncDeadLetter -Source met on w.db.", warnings[2].Text);
        Assert.Equal(5, writer.DeadLettered);
    }

    [Fact]
    public async Task InvalidRecords_FailedCommit_NeverSaidToBeDeadLettered()
    {
        _store.FailOn = 1;
        await using var writer = new SyncWriter(_store, new SyncWriterOptions { BatchSize = 2, UseLeases = false, Events = Said });
        await writer.AddAsync(Rec(0, valid: false));
        await writer.AddAsync(Rec(1, valid: false));
        await Assert.ThrowsAsync<SyncStoreException>(() => writer.CompleteAsync());
        Assert.DoesNotContain(Drain(writer), m => m.IsWarning || m.DeadLettered is not null);
    }

    [Fact]
    public async Task InvalidRecords_BatchNotCommitted_SaidInTheConditional()
    {
        await using var writer = new SyncWriter(_ => throw new InvalidOperationException("no store may be opened when every batch is skipped"), new SyncWriterOptions
        {
            BatchSize = 2,
            UseLeases = false,
            MaxInvalidNotices = 1,
            ShouldCommit = _ => false,
            Events = Said,
        });
        for (var i = 0; i < 4; i++) await writer.AddAsync(Rec(i, valid: false));
        await writer.CompleteAsync();

        var warnings = Drain(writer).Where(m => m.IsWarning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, m => Assert.Null(m.DeadLettered));
        Assert.Contains("Record 'id0' of source 'met'", warnings[0].Text, StringComparison.Ordinal);
        Assert.Contains("It would be dead-lettered; its batch was not committed", warnings[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("... and 3 more invalid records of source 'met' would be dead-lettered", warnings[1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(warnings, m => m.Text.Contains("was dead-lettered", StringComparison.Ordinal) || m.Text.Contains("were dead-lettered", StringComparison.Ordinal));
    }

    private sealed record CommittedBatch(int Records, SyncLease? Lease);

    private sealed class GatedStore(ISyncStore inner) : ISyncStore
    {
        private SemaphoreSlim _gate = new(0);
        private int _commits;

        public volatile bool Hold;
        public int FailOn;
        public readonly SemaphoreSlim Started = new(0);
        public readonly List<string?> Checkpoints = new();
        public readonly List<CommittedBatch> Batches = new();

        public int Commits => Volatile.Read(ref _commits);

        public void Release() => _gate.Release();

        public string Provider => inner.Provider;

        public string DisplayName => inner.DisplayName;

        public int SessionsOpened;
        public int SessionsDisposed;

        public ISyncSession BeginSession(string source)
        {
            Interlocked.Increment(ref SessionsOpened);
            return new GatedSession(this, inner.BeginSession(source));
        }

        private async Task<BatchResult> CompleteAsync(ISyncSession session, SessionCompletion done, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _commits);
            Started.Release();
            if (Hold) await _gate.WaitAsync(cancellationToken);
            if (n == FailOn) throw new SyncStoreException("injected failure", isTransient: false, null);
            var records = session.RecordCount;
            var result = await session.CompleteAsync(done, cancellationToken);
            lock (Checkpoints)
            {
                Batches.Add(new CommittedBatch(records, done.Lease));
                if (done.AdvanceCheckpoint) Checkpoints.Add(done.CheckpointPosition);
            }
            return result;
        }

        private sealed class GatedSession(GatedStore store, ISyncSession inner) : ISyncSession
        {
            public string Source => inner.Source;

            public int RecordCount => inner.RecordCount;

            public void AddRecord(MuseumRecord record) => inner.AddRecord(record);

            public void AddDeletion(MuseumRecord record) => inner.AddDeletion(record);

            public void AddDeadLetter(MuseumRecord record) => inner.AddDeadLetter(record);

            public void AddResolvedDeadLetter(ResolvedDeadLetter letter) => inner.AddResolvedDeadLetter(letter);

            public Task<BatchResult> CompleteAsync(SessionCompletion completion, CancellationToken cancellationToken) => store.CompleteAsync(inner, completion, cancellationToken);

            public ValueTask DisposeAsync()
            {
                Interlocked.Increment(ref store.SessionsDisposed);
                return inner.DisposeAsync();
            }
        }

        public Task<IReadOnlyList<SchemaMigration>> InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken) => inner.GetSchemaStatusAsync(cancellationToken);

        public Task<IReadOnlyList<SyncCheckpoint>> GetCheckpointsAsync(string? source, CancellationToken cancellationToken) => inner.GetCheckpointsAsync(source, cancellationToken);

        public Task<SyncCheckpoint> SetCheckpointAsync(CheckpointChange change, CancellationToken cancellationToken) => inner.SetCheckpointAsync(change, cancellationToken);

        public Task<SyncCheckpoint?> ResetCheckpointAsync(string source, CancellationToken cancellationToken) => inner.ResetCheckpointAsync(source, cancellationToken);

        public Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken) => inner.GetDeadLettersAsync(query, cancellationToken);

        public Task<LeaseAttempt> TryAcquireLeaseAsync(LeaseRequest request, CancellationToken cancellationToken) => inner.TryAcquireLeaseAsync(request, cancellationToken);

        public Task<bool> RenewLeaseAsync(SyncLease lease, CancellationToken cancellationToken) => inner.RenewLeaseAsync(lease, cancellationToken);

        public Task ReleaseLeaseAsync(SyncLease lease, CancellationToken cancellationToken) => inner.ReleaseLeaseAsync(lease, cancellationToken);

        public ValueTask DisposeAsync()
        {
            _gate.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
