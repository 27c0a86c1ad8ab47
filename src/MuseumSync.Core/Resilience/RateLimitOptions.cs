namespace MuseumSync.Resilience;

/// <summary>
/// How fast a source may be asked. Rate-limit response headers (<c>X-RateLimit-*</c>, IETF <c>RateLimit</c>) are honoured
/// by default: once the quota is spent, the next request waits for the reset. A client-side budget serves APIs that
/// publish a limit but send no headers.
/// </summary>
internal sealed class RateLimitOptions
{
    /// <summary>At most this many requests per second (spread evenly, bursts up to the whole-number part); null for no client-side pace. The default is null.</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>At most this many requests in any <see cref="RequestWindow"/>; null for none. The default is null.</summary>
    public int? RequestLimit { get; set; }

    /// <summary>The window of <see cref="RequestLimit"/>. The default is 1 s.</summary>
    public TimeSpan RequestWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// At most this many requests per UTC day (Harvard Art Museums: 2,500), counted in the store for every run and worker
    /// that syncs the source into it, so a scheduled task does not spend tomorrow's budget today; once spent, the run
    /// stops with a transient error and resumes from its checkpoint the next day. Null for none. The default is null.
    /// </summary>
    public long? DailyRequestBudget { get; set; }

    /// <summary>The default of <see cref="PaceJitterBound"/>: 10 ms.</summary>
    public static readonly TimeSpan DefaultPaceJitterBound = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How late after its slot a request may still start when the pace is shared through the store (several processes or
    /// workers of one source): a slot missed by more (a late timer, a busy host) is let go and the request takes the next
    /// one. The shared pace leaves room for this much lateness and one request of headroom in every window of the limit,
    /// so the server never sees the limit spent: at 50 per second and 10 ms, 48.5 requests a second. The default is 10 ms.
    /// </summary>
    public TimeSpan PaceJitterBound { get; set; } = DefaultPaceJitterBound;

    /// <summary>
    /// The request budget this source shares through its store (or, with a daily budget and no store, keeps in memory);
    /// set by <see cref="Run.PollSource"/>, not by users. The default is null.
    /// </summary>
    public SharedRequestBudget? Shared { get; set; }

    /// <summary>Read <c>X-RateLimit-Remaining</c>/<c>-Reset</c> and the IETF <c>RateLimit</c> fields and wait when the quota is spent. The default is true.</summary>
    public bool UseResponseHeaders { get; set; } = true;

    /// <summary>
    /// The window over which the server's quota rolls when its headers report <c>Limit</c> and <c>Remaining</c> but no
    /// reset (api.data.gov, and so the Smithsonian: 1,000 requests in any hour). Once half the limit is spent, requests
    /// are spaced by this window divided by what is left, so the quota lasts the window instead of running out and
    /// drawing 429s. Null: no reset means the default one-second wait once the quota is spent. The default is null.
    /// </summary>
    public TimeSpan? RollingWindow { get; set; }

    /// <summary>
    /// The longest wait for a quota reset. A longer one (a daily quota spent) ends the run with a transient error, to be
    /// resumed from the checkpoint later, instead of blocking for hours. The default is 15 minutes.
    /// </summary>
    public TimeSpan MaxQuotaWait { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (RequestsPerSecond is { } rps && (double.IsNaN(rps) || rps <= 0 || rps > 100_000)) throw new ArgumentOutOfRangeException(nameof(RequestsPerSecond), rps, "Use a positive rate up to 100,000 requests per second.");
        if (RequestLimit is { } n && n is < 1 or > 10_000_000) throw new ArgumentOutOfRangeException(nameof(RequestLimit), n, "Use a positive request limit.");
        if (DailyRequestBudget is { } daily && daily is < 1 or > 100_000_000) throw new ArgumentOutOfRangeException(nameof(DailyRequestBudget), daily, "Use a positive daily request budget up to 100,000,000.");
        if (RequestWindow <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestWindow), RequestWindow, "The window must be positive.");
        if (RollingWindow is { } rolling && (rolling <= TimeSpan.Zero || rolling > TimeSpan.FromDays(1))) throw new ArgumentOutOfRangeException(nameof(RollingWindow), rolling, "A rolling quota window is positive and at most one day.");
        if (PaceJitterBound < TimeSpan.FromMilliseconds(1) || PaceJitterBound > TimeSpan.FromSeconds(1)) throw new ArgumentOutOfRangeException(nameof(PaceJitterBound), PaceJitterBound, "The pace's jitter bound is from 1 ms to 1 s.");
        if (MaxQuotaWait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MaxQuotaWait), MaxQuotaWait, "The maximum quota wait cannot be negative.");
    }
}
