namespace MuseumSync.Resilience;

/// <summary>
/// A client-side request budget: at most <c>limit</c> request starts in any window of <c>window</c> (a sliding log of
/// the last starts). Each caller reserves its slot under the lock and waits outside it, so concurrent callers queue fairly.
/// </summary>
internal sealed class ClientBudget
{
    private readonly object _lock = new();
    private readonly long[] _starts;
    private readonly long _windowTicks;
    private int _head;
    private int _count;

    public ClientBudget(int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _starts = new long[limit];
        _windowTicks = window.Ticks;
    }

    /// <summary>The budget of <see cref="RateLimitOptions"/>, or null when it sets none.</summary>
    public static ClientBudget? From(RateLimitOptions options)
    {
        if (options.RequestLimit is { } n) return new ClientBudget(n, options.RequestWindow);
        if (options.RequestsPerSecond is { } rps)
        {
            // r per second = N starts per N/r seconds; N is the burst allowed (at least 1).
            var burst = Math.Max(1, (int)Math.Floor(rps));
            return new ClientBudget(burst, TimeSpan.FromSeconds(burst / rps));
        }
        return null;
    }

    public int Limit => _starts.Length;

    public TimeSpan Window => TimeSpan.FromTicks(_windowTicks);

    /// <summary>Reserves the next start and returns how long to wait for it (zero: go now).</summary>
    public TimeSpan Reserve(DateTimeOffset now)
    {
        var t = now.UtcTicks;
        lock (_lock)
        {
            if (_count < _starts.Length)
            {
                _starts[(_head + _count) % _starts.Length] = t;
                _count++;
                return TimeSpan.Zero;
            }
            var start = Math.Max(t, _starts[_head] + _windowTicks);
            _starts[_head] = start;
            _head = (_head + 1) % _starts.Length;
            return TimeSpan.FromTicks(start - t);
        }
    }
}
