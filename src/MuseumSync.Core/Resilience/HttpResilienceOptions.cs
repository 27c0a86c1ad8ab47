namespace MuseumSync.Resilience;

/// <summary>How a poll retries a request, pauses a throttled or failing source, and times out. Every default is safe for a public museum API.</summary>
internal sealed class HttpResilienceOptions
{
    /// <summary>Retries after the first attempt. The default is 6.</summary>
    public int MaxRetryAttempts { get; set; } = 6;

    /// <summary>The base of the exponential backoff (with decorrelated jitter). The default is 200 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts, also the cap on <c>Retry-After</c> and on <see cref="ThrottleCooldown"/>. The default is 60 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one attempt may take to return response headers, and the longest silence while a body streams. The default is 100 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The pause after a firewall or CDN throttle page (a 403 or a 200 answered with HTML where data was expected; The Met's
    /// firewall does this for about a minute after bursts) before the request is tried again. Capped by <see cref="MaxDelay"/>.
    /// The default is 60 s.
    /// </summary>
    public TimeSpan ThrottleCooldown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a whole run may take; null for no limit. The default is null.</summary>
    public TimeSpan? RunTimeout { get; set; }

    /// <summary>The random source of the backoff jitter, a function returning [0, 1). The default (null) is <see cref="Random.Shared"/>; tests pass a fixed one.</summary>
    public Func<double>? Randomizer { get; set; }

    /// <summary>
    /// How many redirects (301, 302, 303, 307, 308) one request follows. MuseumSync follows them itself, and only to the
    /// source's own or allowed origins, so its credentials never go to another host. The default is 5.
    /// </summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>The circuit breaker that pauses a source after a run of failures.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxRetryAttempts is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(MaxRetryAttempts), MaxRetryAttempts, "Use 0 to 100 retries.");
        if (BaseDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "The base delay cannot be negative.");
        if (MaxDelay < BaseDelay) throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "The maximum delay must be at least the base delay.");
        if (AttemptTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "The attempt timeout must be positive.");
        if (ThrottleCooldown < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ThrottleCooldown), ThrottleCooldown, "The throttle cool-down cannot be negative.");
        if (MaxRedirects is < 0 or > 50) throw new ArgumentOutOfRangeException(nameof(MaxRedirects), MaxRedirects, "Use 0 to 50 redirects.");
        if (RunTimeout is { } run && run <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RunTimeout), run, "The run timeout must be positive (or null for none).");
        ArgumentNullException.ThrowIfNull(CircuitBreaker);
        CircuitBreaker.Validate();
    }
}
