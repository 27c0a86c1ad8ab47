namespace MuseumSync.Resilience;

/// <summary>
/// Paces requests by what the server says is left of its quota, so the server never has to answer 429.
/// <para>
/// A response's <c>Remaining</c> counts every request that reached the server before it. Requests started after that
/// one, and those started before it but still in flight, may reach the server later, so they are subtracted: what is
/// left is the number of requests that may still start. When it reaches zero, the next request waits for the reset.
/// With several requests in flight this stays exact even when responses come back out of order.
/// </para>
/// </summary>
internal sealed class HeaderQuota
{
    private readonly object _lock = new();
    private readonly List<long> _inFlight = new();
    private long _nextSequence;
    private long? _allowance;
    private long? _limit;
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private bool _blocked;

    /// <summary>The wait used when the quota is spent but the server names no reset. The value is 1 s.</summary>
    public static TimeSpan DefaultReset { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests that may still start before the reset (null: unknown, no limit known yet).</summary>
    public long? Allowance
    {
        get
        {
            lock (_lock) return _allowance;
        }
    }

    /// <summary>Admits a request (true, with its sequence number) or says how long to wait before asking again.</summary>
    public bool TryAdmit(DateTimeOffset now, out long sequence, out TimeSpan wait)
    {
        lock (_lock)
        {
            if (_blocked)
            {
                if (now < _blockedUntil)
                {
                    sequence = -1;
                    wait = _blockedUntil - now;
                    return false;
                }
                // The window has reset: the whole limit is there again, less what is still in flight.
                _blocked = false;
                _allowance = _limit is { } l ? l - _inFlight.Count : null;
            }
            if (_allowance is { } a)
            {
                if (a <= 0)
                {
                    // No reset known: try again after the default window.
                    _blocked = true;
                    _blockedUntil = now + DefaultReset;
                    sequence = -1;
                    wait = DefaultReset;
                    return false;
                }
                _allowance = a - 1;
            }
            sequence = _nextSequence++;
            _inFlight.Add(sequence);
            wait = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>Records the response of request <paramref name="sequence"/> (or its failure: <paramref name="info"/> null).</summary>
    /// <returns>The time until the reset when this response spent the quota; otherwise null.</returns>
    public TimeSpan? Complete(long sequence, RateLimitInfo? info, DateTimeOffset now)
    {
        lock (_lock)
        {
            _inFlight.Remove(sequence);
            if (info is not { } i) return null;
            if (i.Limit is { } l) _limit = l;
            if (i.Remaining is not { } remaining) return null;
            var startedLater = _nextSequence - sequence - 1;
            var inFlightEarlier = 0;
            foreach (var s in _inFlight)
            {
                if (s < sequence) inFlightEarlier++;
            }
            var allowance = remaining - startedLater - inFlightEarlier;
            _allowance = allowance;
            if (allowance > 0) return null;
            var reset = i.ResetAfter ?? DefaultReset;
            var until = now + reset;
            if (!_blocked || until > _blockedUntil)
            {
                _blockedUntil = until;
            }
            _blocked = true;
            return reset;
        }
    }
}
