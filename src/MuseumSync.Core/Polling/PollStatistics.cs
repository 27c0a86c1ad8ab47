using System.Globalization;

namespace MuseumSync.Polling;

/// <summary>
/// What a poll did on the wire: requests, retries and why, waits for quotas and budgets, circuit breaks. Updated while
/// the poll runs (thread-safe); <c>Invoke-MuseumPoll -SummaryVariable</c> hands it to the caller at the end.
/// </summary>
internal sealed class PollStatistics
{
    private readonly Metrics.StatusCounts _responses = new();
    private long _requests, _retries, _status429, _status5xx, _throttled, _networkErrors, _timeouts, _bodyBreaks;
    private long _quotaWaits, _quotaWaitMs, _budgetWaits, _budgetWaitMs, _circuitOpened, _circuitWaitMs, _tokenRefreshes;
    private long _pages, _records, _invalid, _deleted;

    /// <summary>The source polled.</summary>
    public string? Source { get; internal set; }

    /// <summary>HTTP requests sent (every attempt).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Attempts repeated after a retryable failure.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>429 answers received.</summary>
    public long TooManyRequests => Interlocked.Read(ref _status429);

    /// <summary>408 and 5xx answers received.</summary>
    public long ServerErrors => Interlocked.Read(ref _status5xx);

    /// <summary>Firewall/CDN throttle pages received (HTML where data was expected).</summary>
    public long ThrottlePages => Interlocked.Read(ref _throttled);

    /// <summary>Connections that failed (refused, reset) before a response.</summary>
    public long NetworkErrors => Interlocked.Read(ref _networkErrors);

    /// <summary>Attempts that timed out waiting for headers.</summary>
    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Bodies that broke off or stalled mid-stream and were read again.</summary>
    public long BodyBreaks => Interlocked.Read(ref _bodyBreaks);

    /// <summary>Times a request waited because the server's quota was spent.</summary>
    public long QuotaWaits => Interlocked.Read(ref _quotaWaits);

    /// <summary>Total time spent waiting for quota resets.</summary>
    public TimeSpan QuotaWaitTime => TimeSpan.FromMilliseconds(Interlocked.Read(ref _quotaWaitMs));

    /// <summary>Times a request waited for the client-side budget (<c>-RequestsPerSecond</c>, <c>-RequestLimit</c>).</summary>
    public long BudgetWaits => Interlocked.Read(ref _budgetWaits);

    /// <summary>Total time spent waiting for the client-side budget.</summary>
    public TimeSpan BudgetWaitTime => TimeSpan.FromMilliseconds(Interlocked.Read(ref _budgetWaitMs));

    /// <summary>Times the circuit breaker opened (the source paused).</summary>
    public long CircuitBreaks => Interlocked.Read(ref _circuitOpened);

    /// <summary>Total time requests waited for an open circuit.</summary>
    public TimeSpan CircuitWaitTime => TimeSpan.FromMilliseconds(Interlocked.Read(ref _circuitWaitMs));

    /// <summary>OAuth2 tokens refreshed after a 401.</summary>
    public long TokenRefreshes => Interlocked.Read(ref _tokenRefreshes);

    /// <summary>Pages (or id-list chunks) read.</summary>
    public long Pages => Interlocked.Read(ref _pages);

    /// <summary>Records written to the pipeline.</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>Of those, invalid ones.</summary>
    public long Invalid => Interlocked.Read(ref _invalid);

    /// <summary>Of those, deletions (OAI-PMH status="deleted").</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    internal void Request() => Interlocked.Increment(ref _requests);

    /// <summary>HTTP responses by status code, every attempt included (0: the attempt got no response).</summary>
    public IReadOnlyDictionary<int, long> ResponsesByStatus => _responses.Snapshot();

    internal void Response(int status) => _responses.Add(status);

    internal void Retry() => Interlocked.Increment(ref _retries);

    internal void Status(int status)
    {
        if (status == 429) Interlocked.Increment(ref _status429);
        else if (status is 408 or >= 500) Interlocked.Increment(ref _status5xx);
    }

    internal void ThrottlePage() => Interlocked.Increment(ref _throttled);

    internal void NetworkError() => Interlocked.Increment(ref _networkErrors);

    internal void Timeout() => Interlocked.Increment(ref _timeouts);

    internal void BodyBreak() => Interlocked.Increment(ref _bodyBreaks);

    internal void QuotaWait(TimeSpan wait)
    {
        Interlocked.Increment(ref _quotaWaits);
        Interlocked.Add(ref _quotaWaitMs, (long)wait.TotalMilliseconds);
    }

    internal void BudgetWait(TimeSpan wait)
    {
        Interlocked.Increment(ref _budgetWaits);
        Interlocked.Add(ref _budgetWaitMs, (long)wait.TotalMilliseconds);
    }

    internal void CircuitOpened() => Interlocked.Increment(ref _circuitOpened);

    internal void CircuitWait(TimeSpan wait) => Interlocked.Add(ref _circuitWaitMs, (long)wait.TotalMilliseconds);

    internal void TokenRefresh() => Interlocked.Increment(ref _tokenRefreshes);

    internal void Page() => Interlocked.Increment(ref _pages);

    private string? _incomplete;

    /// <summary>
    /// Why the feed is incomplete: it ended while its own total says there is more (the run's status is then
    /// <c>Incomplete</c>, with this as a warning); null when it ended as its total says, or no total was given.
    /// </summary>
    public string? Incomplete
    {
        get => Volatile.Read(ref _incomplete);
        internal set => Volatile.Write(ref _incomplete, value);
    }

    private int _untilIgnored;

    /// <summary>True when an OAI-PMH repository returned a record dated after <c>until=</c> (it ignores the upper bound).</summary>
    public bool UntilIgnored
    {
        get => Volatile.Read(ref _untilIgnored) != 0;
        internal set => Volatile.Write(ref _untilIgnored, value ? 1 : 0);
    }

    internal void Record(MuseumRecord record)
    {
        Interlocked.Increment(ref _records);
        if (!record.IsValid) Interlocked.Increment(ref _invalid);
        if (record.IsDeleted) Interlocked.Increment(ref _deleted);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Source}: {Records} records ({Invalid} invalid, {Deleted} deleted) in {Pages} pages; {Requests} requests, {Retries} retries (429: {TooManyRequests}, 5xx/408: {ServerErrors}, throttle pages: {ThrottlePages}, network: {NetworkErrors}, timeouts: {Timeouts}, broken bodies: {BodyBreaks}); quota waits {QuotaWaits} ({QuotaWaitTime.TotalSeconds:0.0} s), budget waits {BudgetWaits} ({BudgetWaitTime.TotalSeconds:0.0} s), circuit breaks {CircuitBreaks} ({CircuitWaitTime.TotalSeconds:0.0} s)");
}
