using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MuseumSync.Compliance;
using MuseumSync.Metrics;
using MuseumSync.Run;
using MuseumSync.Storage;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Sync;

/// <summary>What a <see cref="SyncWriter"/> needs besides its store.</summary>
internal sealed class SyncWriterOptions
{
    /// <summary>Records per transaction.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>The default of <see cref="MaxBatchBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxBatchBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The payload bytes one transaction may collect: a batch is committed early, before <see cref="BatchSize"/> records,
    /// once its records' payloads reach this, so a batch of large records does not hold <see cref="BatchSize"/> times their
    /// size in memory. The default is 64 MiB (1,000 records of 64 KB).
    /// </summary>
    public long MaxBatchBytes { get; init; } = DefaultMaxBatchBytes;

    /// <summary>Store every record under this source name (null: each record's own source).</summary>
    public string? Source { get; init; }

    /// <summary>Take, renew and check a lease per source (off under -WhatIf).</summary>
    public bool UseLeases { get; init; } = true;

    /// <summary>How long a lease lasts without a renewal.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Who this worker is, as the lease row says.</summary>
    public LeaseIdentity Identity { get; init; } = LeaseIdentity.Create();

    /// <summary>The scale-out submission this writer works for (a feed job); null for a plain run, which an unfinished submission of its source keeps out (<see cref="Jobs.SubmissionGate"/>).</summary>
    public string? Submission { get; init; }

    /// <summary>Decides each record's access tier (null: no compliance routing).</summary>
    public ComplianceEngine? Compliance { get; init; }

    /// <summary>Where the data goes, for messages (never a connection string).</summary>
    public string StoreDescription { get; init; } = "the store";

    /// <summary>
    /// Asked on the producer's thread before each batch is committed; false skips the batch (-WhatIf, -Confirm "No").
    /// </summary>
    public Func<SyncBatch, bool>? ShouldCommit { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Writes commit-latency histograms and counters per source when set.</summary>
    public bool CollectMetrics { get; init; } = true;

    /// <summary>
    /// Invalid records reported one by one per run, each as a warning once its batch is committed (or, when the batch
    /// is not committed, in the conditional); the rest are counted in one closing warning per source. 0 reports only
    /// the counts. The default is 10.
    /// </summary>
    public int MaxInvalidNotices { get; init; } = 10;

    /// <summary>The default of <see cref="MaxDeletePercent"/>: 10.</summary>
    public const double DefaultMaxDeletePercent = 10;

    /// <summary>
    /// The share of a source's rows (in percent, 0–100) one run may delete; the batch that would take the run's deletions
    /// past it is not written and the run stops with a <see cref="SyncDeleteThresholdException"/>. The default is 10.
    /// </summary>
    public double MaxDeletePercent { get; init; } = DefaultMaxDeletePercent;

    /// <summary>Deletes whatever share of the rows the source reports deleted (<see cref="MaxDeletePercent"/> does not apply). The default is false.</summary>
    public bool ForceDeletes { get; init; }

    /// <summary>
    /// Where the writer says what it did (<see cref="SyncEventIds.BatchCommitted"/>, <see cref="SyncEventIds.LeaseTaken"/>,
    /// <see cref="SyncEventIds.RecordDeadLettered"/>, …), from the commit thread: the sink must not block. The default listens to nothing.
    /// </summary>
    public ISyncEventSink Events { get; init; } = SyncEventSinks.None;
}

/// <summary>
/// The sync core shared by <c>Sync-MuseumRecord</c> and <c>Invoke-MuseumSync</c>: applies the compliance rules,
/// collects records into batches (<see cref="BatchBuilder"/>: the checkpoint moves only to the end of a complete
/// page), leases each source, and commits each batch with its checkpoint in one transaction.
/// <para>
/// Commits run in the background, one at a time and in order: batch N commits while batch N+1 fills, so the producer
/// (the PowerShell pipeline, or the poller) and the database work at the same time. A producer that outruns the
/// database waits for the commit in flight before it hands over the next batch, so at most two batches are held in
/// memory. A commit failure is thrown to the producer at its next call; nothing after the last committed batch is
/// written, and the next run resumes from its checkpoint.
/// </para>
/// Single producer: <see cref="AddAsync"/>, <see cref="FlushAsync"/> and <see cref="CompleteAsync"/> are called from one
/// thread at a time. The counters may be read from any thread.
/// </summary>
internal sealed class SyncWriter : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<ISyncStore>> _openStore;
    private readonly SyncWriterOptions _options;
    private readonly BatchBuilder _builder;
    private readonly Dictionary<string, LeaseKeeper> _leases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SyncMetrics> _metrics = new(StringComparer.Ordinal);
    private readonly ISyncEventSink _events;
    private readonly CancellationTokenSource _cts = new();
    private readonly DeadLetterNotices _notices;
    private readonly DeleteGuard _deleteGuard;
    private ISyncStore? _store;
    private bool _ownsStore;
    private Task _inflight = Task.CompletedTask;
    private string? _endpoint;
    private string? _lastSource;
    private string? _lastPosition;
    private long _received, _inserted, _updated, _unchanged, _deleted, _dead, _deadSeen, _resolved, _superseded, _batches, _skipped, _invalidSeen;
    private string? _checkpoint;
    private int _checkpointMoved;
    private bool _completed;

    /// <summary>Creates a writer that opens its store on first use (none is opened when every batch is skipped).</summary>
    public SyncWriter(Func<CancellationToken, Task<ISyncStore>> openStore, SyncWriterOptions options)
    {
        _openStore = openStore ?? throw new ArgumentNullException(nameof(openStore));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _builder = new BatchBuilder(options.BatchSize, options.Source) { MaxBatchBytes = options.MaxBatchBytes };
        _events = options.Events ?? throw new ArgumentException("SyncWriterOptions.Events is null; leave it out to listen to nothing.", nameof(options));
        _notices = new DeadLetterNotices(options.MaxInvalidNotices, _events);
        _deleteGuard = new DeleteGuard(options);
        _ownsStore = true;
    }

    /// <summary>Creates a writer over an open store (the caller keeps ownership of it).</summary>
    public SyncWriter(ISyncStore store, SyncWriterOptions options)
        : this(_ => Task.FromResult(store ?? throw new ArgumentNullException(nameof(store))), options)
    {
        _store = store;
        _ownsStore = false;
    }

    /// <summary>Records received.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Records received invalid (dead-lettered when their batch commits).</summary>
    public long InvalidReceived => Interlocked.Read(ref _invalidSeen);

    /// <summary>Batches committed.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Records inserted by committed batches.</summary>
    public long Inserted => Interlocked.Read(ref _inserted);

    /// <summary>Records updated by committed batches.</summary>
    public long Updated => Interlocked.Read(ref _updated);

    /// <summary>Records found unchanged by committed batches.</summary>
    public long Unchanged => Interlocked.Read(ref _unchanged);

    /// <summary>Records dead-lettered by committed batches.</summary>
    public long DeadLettered => Interlocked.Read(ref _dead);

    /// <summary>The source of the last record received.</summary>
    public string? LastSource => Volatile.Read(ref _lastSource);

    /// <summary>The position of the last record received (where the feed is now).</summary>
    public string? LastPosition => Volatile.Read(ref _lastPosition);

    /// <summary>The last committed checkpoint of this run (null when none moved).</summary>
    public string? Checkpoint => Volatile.Read(ref _checkpoint);

    /// <summary>True once this run moved a checkpoint.</summary>
    public bool CheckpointMoved => Volatile.Read(ref _checkpointMoved) != 0;

    /// <summary>The metrics of every source this writer has seen.</summary>
    public IReadOnlyCollection<SyncMetrics> Metrics => _metrics.Values.ToArray();

    /// <summary>The metrics of <paramref name="source"/> (created on first use).</summary>
    public SyncMetrics MetricsFor(string source) => _metrics.GetOrAdd(source, static s => new SyncMetrics(s));

    /// <summary>
    /// Adds a record (or, with <paramref name="replay"/>, a dead letter's record validated again): applies the compliance
    /// rules, takes the source's lease on first sight, and hands the batch to the committer when it is full. Returns
    /// the record as it will be stored (with its access-tier decision). Invalid records are reported through the
    /// <see cref="SyncWriterOptions.Events"/> once their batch is committed.
    /// Throws <see cref="SyncSourceBusyException"/> when another worker holds the source, and the error of a failed
    /// commit.
    /// </summary>
    public async ValueTask<MuseumRecord> AddAsync(MuseumRecord record, DeadLetter? replay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_completed, this);
        ThrowIfFailed();
        record = _options.Compliance?.Apply(record) ?? record;
        // Values no store can hold (a NUL, an over-long id) make the record a dead letter here, before any transaction,
        // so one record never fails its batch on every rerun.
        record = StorableRecord.Check(record);
        var source = _options.Source ?? record.Source;
        if (_options.UseLeases && !_leases.ContainsKey(source)) await EnsureLeaseAsync(source, cancellationToken).ConfigureAwait(false);
        ThrowIfLeaseLost();
        Interlocked.Increment(ref _received);
        var invalid = !record.IsValid && !BatchBuilder.IsDeletion(record);
        if (invalid) Interlocked.Increment(ref _invalidSeen);
        if (_options.CollectMetrics) MetricsFor(source).AddFetched();
        // Everything up to here ran on the caller's thread without waiting (the lease is taken once per source, and a
        // caller that must ask ShouldCommit on its own thread takes it first). Batches are taken, and ShouldCommit asked,
        // before the first wait for the committer.
        var before = _builder.NeedsFlushBefore(record) ? TakeBatch() : null;
        _endpoint ??= Endpoint(record.SourceUrl);
        Volatile.Write(ref _lastSource, source);
        if (record.Position is not null) Volatile.Write(ref _lastPosition, record.Position);
        // Hashed here, on the producer's thread, so the committer (the slowest stage) only reads the hash.
        if (record.IsValid) Storage.RecordHash.Prepare(record);
        var full = replay is null ? _builder.Add(record) : _builder.AddReplay(record, replay);
        if (invalid) _notices.Add(record, source, replay is not null);
        var after = full ? TakeBatch() : null;
        if (before is { } b) await StartCommitAsync(b, cancellationToken).ConfigureAwait(false);
        if (after is { } a) await StartCommitAsync(a, cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>Hands the open batch (and any checkpoint it completes) to the committer.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        if (TakeBatch() is { } taken) await StartCommitAsync(taken, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits what is left, waits for every commit, says how many invalid records were not listed, and gives the leases back.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed) return;
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await _inflight.ConfigureAwait(false);
        _notices.Close(_options.StoreDescription);
        _completed = true;
        await ReleaseLeasesAsync().ConfigureAwait(false);
    }

    /// <summary>The run's figures as a summary object.</summary>
    public SyncSummary Summarize(string status, TimeSpan duration, string? provider, string? error = null) => new()
    {
        Source = LastSource ?? _options.Source,
        Status = status,
        Error = error,
        Received = Received,
        Inserted = Inserted,
        Updated = Updated,
        Unchanged = Unchanged,
        Superseded = Interlocked.Read(ref _superseded),
        Deleted = Interlocked.Read(ref _deleted),
        DeadLettered = DeadLettered,
        DeadLettersSeenBefore = Interlocked.Read(ref _deadSeen),
        DeadLettersResolved = Interlocked.Read(ref _resolved),
        Batches = Batches,
        Checkpoint = CheckpointMoved ? Checkpoint : null,
        Duration = duration,
        RecordsPerSecond = duration.TotalSeconds > 0 ? Math.Round(Received / duration.TotalSeconds, 1) : 0,
        Database = _options.StoreDescription,
        Provider = provider,
    };

    /// <summary>True when every batch so far was skipped by <see cref="SyncWriterOptions.ShouldCommit"/>.</summary>
    public bool OnlySkipped => Interlocked.Read(ref _skipped) > 0 && Batches == 0;

    /// <summary>A batch handed to the committer, with the invalid records to report once it is committed.</summary>
    private readonly record struct TakenBatch(SyncBatch Batch, DeadLetterNotices.Notice[] Notices);

    private TakenBatch? TakeBatch()
    {
        var batch = _builder.Take(_endpoint, _options.Time.GetUtcNow());
        var notices = _notices.Take();
        if (batch is null) return null;
        if (_options.ShouldCommit is { } ask && !ask(batch))
        {
            Interlocked.Increment(ref _skipped);
            _notices.Skipped(batch, notices);
            return null;
        }
        return new TakenBatch(batch, notices);
    }

    private async ValueTask StartCommitAsync(TakenBatch taken, CancellationToken cancellationToken)
    {
        var (batch, notices) = taken;
        // The batch goes into the store's session here, on the producer's thread (the session hashes each record as it
        // takes it), while the previous batch may still be committing.
        var store = await EnsureStoreAsync(cancellationToken).ConfigureAwait(false);
        var session = store.BeginSession(batch.Source);
        try
        {
            Fill(session, batch);
            // One commit in flight: wait for the previous one (its failure surfaces here), then start this one.
            await _inflight.ConfigureAwait(false);
            ThrowIfLeaseLost();
            if (_options.UseLeases && !_leases.ContainsKey(batch.Source)) await EnsureLeaseAsync(batch.Source, cancellationToken).ConfigureAwait(false);
            // Counted against what is committed (the previous batch included); a run past its share of deletions stops here.
            await _deleteGuard.CheckAsync(store, batch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false); // discarded: nothing of it is written
            throw;
        }
        var completion = new SessionCompletion
        {
            AdvanceCheckpoint = batch.AdvanceCheckpoint,
            CheckpointPosition = batch.CheckpointPosition,
            Watermark = batch.Watermark,
            Endpoint = batch.Endpoint,
            Superseded = batch.Superseded,
            Lease = _leases.TryGetValue(batch.Source, out var keeper) ? keeper.Lease : null,
            Now = batch.Now,
        };
        var records = batch.Records.Count;
        // The records live on in the session only (packed, for SQLite); the batch keeps what the messages need.
        var told = new SyncBatch { Source = batch.Source, Records = [], DeadLetters = batch.DeadLetters, Deletions = batch.Deletions, Superseded = batch.Superseded };
        var token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        _inflight = Task.Run(() => CommitAsync(session, told, records, completion, notices, token), CancellationToken.None);
    }

    /// <summary>Puts a batch's rows into a session (the writer's commits and a scale-out job's one commit).</summary>
    internal static void Fill(ISyncSession session, SyncBatch batch)
    {
        foreach (var r in batch.Records) session.AddRecord(r);
        foreach (var r in batch.Deletions) session.AddDeletion(r);
        foreach (var r in batch.DeadLetters) session.AddDeadLetter(r);
        foreach (var d in batch.ResolvedDeadLetters) session.AddResolvedDeadLetter(d);
    }

    private async Task CommitAsync(ISyncSession session, SyncBatch batch, int records, SessionCompletion completion, DeadLetterNotices.Notice[] notices, CancellationTokenSource token)
    {
        using var _ = token;
        var started = Stopwatch.GetTimestamp();
        BatchResult result;
        await using (session.ConfigureAwait(false))
        {
            result = await session.CompleteAsync(completion, token.Token).ConfigureAwait(false);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var number = Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _inserted, result.Inserted);
        Interlocked.Add(ref _updated, result.Updated);
        Interlocked.Add(ref _unchanged, result.Unchanged);
        Interlocked.Add(ref _deleted, result.Deleted);
        Interlocked.Add(ref _dead, result.DeadLettered);
        Interlocked.Add(ref _deadSeen, result.DeadLettersSeenBefore);
        Interlocked.Add(ref _resolved, result.DeadLettersResolved);
        Interlocked.Add(ref _superseded, batch.Superseded);
        if (completion.AdvanceCheckpoint)
        {
            Volatile.Write(ref _checkpoint, completion.CheckpointPosition);
            Volatile.Write(ref _checkpointMoved, 1);
        }
        if (_options.CollectMetrics)
        {
            MetricsFor(batch.Source).AddCommitted(records + batch.Superseded + batch.Deletions.Count, batch.DeadLetters.Count, elapsed, _options.Time.GetUtcNow());
        }
        if (_events.IsEnabled(SyncEventLevel.Verbose))
        {
            _events.Publish(new SyncEvent(SyncEventLevel.Verbose, SyncEventIds.BatchCommitted, string.Create(CultureInfo.InvariantCulture,
            $"batch={number} source={batch.Source} records={records} inserted={result.Inserted} updated={result.Updated} unchanged={result.Unchanged} superseded={batch.Superseded} deleted={result.Deleted} dead_lettered={result.DeadLettered} dead_seen_before={result.DeadLettersSeenBefore} resolved={result.DeadLettersResolved} checkpoint={(completion.AdvanceCheckpoint ? Quote(completion.CheckpointPosition ?? "(start)") : "unchanged")} commit_ms={elapsed.TotalMilliseconds:0.0}"))
            { Source = batch.Source });
        }
        // Only now, with the transaction committed, are these records dead letters.
        _notices.Committed(batch, notices);
    }

    private static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) ? "\"" + s + "\"" : s;

    private void ThrowIfFailed()
    {
        // A failed commit stops the producer at once instead of after the next batch has filled.
        if (_inflight.IsFaulted || _inflight.IsCanceled) _inflight.GetAwaiter().GetResult();
    }

    private void ThrowIfLeaseLost()
    {
        foreach (var keeper in _leases.Values)
        {
            if (!keeper.IsLost) continue;
            throw new SyncLeaseLostException(
                $"The lease on '{keeper.Lease.Resource}' in {_options.StoreDescription} was taken by another worker (this one could not renew it within {_options.LeaseDuration.TotalSeconds:0} s). This run stops; nothing after the last committed batch was written.");
        }
    }

    private async Task<ISyncStore> EnsureStoreAsync(CancellationToken cancellationToken)
    {
        if (_store is not null) return _store;
        _store = await _openStore(cancellationToken).ConfigureAwait(false);
        return _store;
    }

    /// <summary>Takes the lease on <paramref name="source"/> now (before anything is fetched); throws <see cref="SyncSourceBusyException"/> when it is held.</summary>
    public async ValueTask EnsureLeaseAsync(string source, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        if (!_options.UseLeases || _leases.ContainsKey(source)) return;
        var store = await EnsureStoreAsync(cancellationToken).ConfigureAwait(false);
        var request = new LeaseRequest { Resource = LeaseResource.For(source), Identity = _options.Identity, Duration = _options.LeaseDuration };
        var attempt = await store.TryAcquireLeaseAsync(request, cancellationToken).ConfigureAwait(false);
        if (!attempt.Acquired) throw new SyncSourceBusyException(attempt.Holder!, _options.StoreDescription);
        var lease = attempt.Lease!;
        try
        {
            await Jobs.SubmissionGate.ThrowIfHeldAsync(store, source, _options.Submission, _options.StoreDescription, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SyncSourceBusyException or SyncStoreException or OperationCanceledException)
        {
            try
            {
                await store.ReleaseLeaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
            }
            catch (SyncStoreException)
            {
                // The lease expires by itself.
            }
            throw;
        }
        if (attempt.TookOverFrom is { } previous)
        {
            _events.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.LeaseTakenOver,
                $"Took over the lease on '{request.Resource}' from a worker that is gone ({previous}); its last batch was rolled back, this run resumes from the checkpoint.")
            { Source = source });
        }
        if (_events.IsEnabled(SyncEventLevel.Verbose))
        {
            _events.Publish(new SyncEvent(SyncEventLevel.Verbose, SyncEventIds.LeaseTaken, string.Create(CultureInfo.InvariantCulture,
                $"lease={lease.Resource} store=\"{_options.StoreDescription}\" holder={_options.Identity.Host} pid={_options.Identity.ProcessId} expires={lease.ExpiresAt:u} (renewed by every batch)"))
            { Source = source });
        }
        _leases[source] = new LeaseKeeper(store, lease, _options.Time);
    }

    private async Task ReleaseLeasesAsync()
    {
        if (_leases.Count == 0) return;
        var keepers = _leases.Values.ToArray();
        _leases.Clear();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        foreach (var keeper in keepers)
        {
            try
            {
                await keeper.DisposeAsync().ConfigureAwait(false);
                if (_store is not null && !keeper.IsLost) await _store.ReleaseLeaseAsync(keeper.Lease, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SyncStoreException or OperationCanceledException)
            {
                // The lease expires by itself; nothing is lost.
            }
        }
    }

    private static string? Endpoint(string? url)
    {
        if (url is null) return null;
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : url[..q];
    }

    /// <summary>Cancels a commit in flight (Ctrl+C): the transaction rolls back and nothing after the last committed batch is written.</summary>
    public void Cancel() => _cts.Cancel();

    /// <summary>Waits for the commit in flight (its error is dropped: the caller has already reported one), gives the leases back, closes an owned store.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _inflight.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MuseumSyncException or OperationCanceledException or ArgumentException or InvalidOperationException)
        {
            // Reported to the producer already, or the run was stopped.
        }
        _completed = true;
        await ReleaseLeasesAsync().ConfigureAwait(false);
        if (_ownsStore && _store is not null) await _store.DisposeAsync().ConfigureAwait(false);
        _store = null;
        _cts.Dispose();
    }
}
