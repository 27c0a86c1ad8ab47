namespace MuseumSync.Metrics;

/// <summary>
/// The counters of one source's run, updated from any thread (poller, committer, pipeline) without locks, and written
/// as Prometheus text by <see cref="PrometheusTextFormatter"/>. Every value is cumulative for the run, so a textfile
/// collector reading the file at any moment sees a consistent, monotonic series.
/// </summary>
internal sealed class SyncMetrics
{
    private long _fetched;
    private long _committed;
    private long _deadLettered;
    private long _retries;
    private long _throttleWaits;
    private long _throttleWaitTicks;
    private long _circuitOpens;
    private long _queueDepth;
    private long _lastSuccessUnixMs;
    private readonly StatusCounts _requestsByStatus = new();
    private volatile Polling.PollStatistics? _poll;

    /// <summary>Creates the metrics of <paramref name="source"/>.</summary>
    public SyncMetrics(string source, double[]? commitLatencyBucketsSeconds = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Source = source;
        CommitLatency = new Histogram(commitLatencyBucketsSeconds ?? Histogram.DefaultCommitBuckets);
    }

    /// <summary>The source the metrics belong to (the <c>source</c> label).</summary>
    public string Source { get; }

    /// <summary>Commit latency of each batch, in seconds.</summary>
    public Histogram CommitLatency { get; }

    /// <summary>
    /// Takes the wire-side figures (responses by status, retries, throttle waits, circuit opens, records read) from
    /// the poll feeding this run, so one file describes both halves of <c>Invoke-MuseumPoll | Sync-MuseumRecord</c>.
    /// </summary>
    public void Attach(Polling.PollStatistics poll) => _poll = poll ?? throw new ArgumentNullException(nameof(poll));

    /// <summary>The poll whose figures are reported, if one is attached.</summary>
    public Polling.PollStatistics? Poll => _poll;

    /// <summary>Records read from the source.</summary>
    public long RecordsFetched => Math.Max(Interlocked.Read(ref _fetched), _poll?.Records ?? 0);

    /// <summary>Valid records committed.</summary>
    public long RecordsCommitted => Interlocked.Read(ref _committed);

    /// <summary>Records written to the dead-letter table.</summary>
    public long RecordsDeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Request retries.</summary>
    public long Retries => Interlocked.Read(ref _retries) + (_poll?.Retries ?? 0);

    /// <summary>Times a request waited for a rate limit or a throttle to pass.</summary>
    public long ThrottleWaits => Interlocked.Read(ref _throttleWaits) + (_poll is { } p ? p.QuotaWaits + p.BudgetWaits : 0);

    /// <summary>Total time spent waiting for rate limits and throttles.</summary>
    public TimeSpan ThrottleWaitTime => TimeSpan.FromTicks(Interlocked.Read(ref _throttleWaitTicks)) + (_poll is { } p ? p.QuotaWaitTime + p.BudgetWaitTime : TimeSpan.Zero);

    /// <summary>Times the circuit breaker opened.</summary>
    public long CircuitBreakerOpens => Interlocked.Read(ref _circuitOpens) + (_poll?.CircuitBreaks ?? 0);

    /// <summary>Records fetched but not yet committed.</summary>
    public long QueueDepth => Math.Max(0, Interlocked.Read(ref _queueDepth) + Math.Max(0, (_poll?.Records ?? 0) - Interlocked.Read(ref _fetched)));

    /// <summary>When a batch was last committed; null before the first.</summary>
    public DateTimeOffset? LastSuccess
    {
        get
        {
            var ms = Interlocked.Read(ref _lastSuccessUnixMs);
            return ms == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }

    /// <summary>HTTP responses by status code (0: no response, a network error).</summary>
    public IReadOnlyDictionary<int, long> RequestsByStatus
    {
        get
        {
            var all = _requestsByStatus.Snapshot();
            if (_poll is { } p)
            {
                foreach (var (status, n) in p.ResponsesByStatus) all[status] = all.GetValueOrDefault(status) + n;
            }
            return all;
        }
    }

    /// <summary>Counts fetched records.</summary>
    public void AddFetched(long count = 1)
    {
        Interlocked.Add(ref _fetched, count);
        Interlocked.Add(ref _queueDepth, count);
    }

    /// <summary>Counts a committed batch: its valid records, its dead letters and how long the commit took.</summary>
    public void AddCommitted(long records, long deadLettered, TimeSpan latency, DateTimeOffset now)
    {
        Interlocked.Add(ref _committed, records);
        Interlocked.Add(ref _deadLettered, deadLettered);
        Interlocked.Add(ref _queueDepth, -(records + deadLettered));
        CommitLatency.Observe(latency.TotalSeconds);
        Interlocked.Exchange(ref _lastSuccessUnixMs, now.ToUnixTimeMilliseconds());
    }

    /// <summary>Counts an HTTP response (status 0 for a request that got none).</summary>
    public void AddRequest(int status) => _requestsByStatus.Add(status);

    /// <summary>Counts a retry.</summary>
    public void AddRetry() => Interlocked.Increment(ref _retries);

    /// <summary>Counts a wait for a rate limit or throttle.</summary>
    public void AddThrottleWait(TimeSpan wait)
    {
        Interlocked.Increment(ref _throttleWaits);
        Interlocked.Add(ref _throttleWaitTicks, Math.Max(0, wait.Ticks));
    }

    /// <summary>Counts a circuit breaker opening.</summary>
    public void AddCircuitOpen() => Interlocked.Increment(ref _circuitOpens);
}
