namespace MuseumSync.Resilience;

/// <summary>How a poll retries a page. Every default is safe for a public museum API.</summary>
public sealed class HttpResilienceOptions
{
    /// <summary>Retries after the first attempt. The default is 6.</summary>
    public int MaxRetryAttempts { get; set; } = 6;

    /// <summary>The base of the exponential backoff (with decorrelated jitter). The default is 200 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts, also the cap on <c>Retry-After</c>. The default is 60 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one attempt may take to return response headers. The default is 100 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxRetryAttempts is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(MaxRetryAttempts), MaxRetryAttempts, "Use 0 to 100 retries.");
        if (BaseDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "The base delay cannot be negative.");
        if (MaxDelay < BaseDelay) throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "The maximum delay must be at least the base delay.");
        if (AttemptTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "The attempt timeout must be positive.");
    }
}
