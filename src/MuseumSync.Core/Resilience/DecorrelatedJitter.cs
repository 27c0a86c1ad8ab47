namespace MuseumSync.Resilience;

/// <summary>
/// Backoff with decorrelated jitter ("sleep = min(cap, random(base, previous × 3))"), for the waits Polly does not
/// drive: reading a page again after its body broke off. The random source is injectable so tests are exact.
/// </summary>
internal struct DecorrelatedJitter
{
    private readonly TimeSpan _base;
    private readonly TimeSpan _cap;
    private readonly Func<double> _random;
    private TimeSpan _previous;

    public DecorrelatedJitter(TimeSpan baseDelay, TimeSpan cap, Func<double>? random)
    {
        _base = baseDelay;
        _cap = cap;
#pragma warning disable CA5394 // jitter, not security
        _random = random ?? Random.Shared.NextDouble;
#pragma warning restore CA5394
        // The first wait is the base delay itself; later ones spread up to three times the previous.
        _previous = baseDelay / 3;
    }

    public TimeSpan Next()
    {
        var low = _base.TotalMilliseconds;
        var high = Math.Max(low, _previous.TotalMilliseconds * 3);
        var ms = Math.Min(_cap.TotalMilliseconds, low + (_random() * (high - low)));
        _previous = TimeSpan.FromMilliseconds(ms);
        return _previous;
    }
}
