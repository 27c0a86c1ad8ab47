namespace MuseumSync.Resilience;

/// <summary>
/// The circuit breaker of one source: after <see cref="FailureThreshold"/> failures in a row (5xx, 408, timeouts, broken
/// connections, firewall throttle pages; not 429, which only sets the pace) the source pauses for <see cref="BreakDuration"/>,
/// then one trial request decides whether it closes again.
/// </summary>
internal sealed class CircuitBreakerOptions
{
    /// <summary>False turns the breaker off. The default is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Failures in a row (within <see cref="SamplingDuration"/>) that open the circuit. The default is 5.</summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>The window in which the failures are counted. The default is 60 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the source pauses once the circuit opens. The default is 60 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (FailureThreshold is < 2 or > 10_000) throw new ArgumentOutOfRangeException(nameof(FailureThreshold), FailureThreshold, "Use 2 to 10,000 failures.");
        if (SamplingDuration < TimeSpan.FromMilliseconds(500)) throw new ArgumentOutOfRangeException(nameof(SamplingDuration), SamplingDuration, "Use a sampling window of at least 0.5 s.");
        if (BreakDuration < TimeSpan.FromMilliseconds(500)) throw new ArgumentOutOfRangeException(nameof(BreakDuration), BreakDuration, "Use a break of at least 0.5 s.");
    }
}
