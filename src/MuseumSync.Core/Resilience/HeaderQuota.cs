namespace MuseumSync.Resilience;

/// <summary>
/// Paces requests by what the server says is left of its quota, so the server never has to answer 429.
/// <para>
/// A response's <c>Remaining</c> counts every request that reached the server before it. Requests started after that
/// one, and those started before it but still in flight, may reach the server later, so they are subtracted: what is
/// left is the number of requests that may still start. When it reaches zero, the next request waits for the reset.
/// With several requests in flight this stays exact even when responses come back out of order.
/// </para>
/// <para>
/// A rolling window (api.data.gov: <c>X-RateLimit-Limit</c> and <c>-Remaining</c>, no reset, an hour that rolls) never
/// resets all at once, so spending what is left and then waiting ends in 429s. With the window known, once half the
/// limit is spent the starts are spaced by the window divided by what is left: what is left then shrinks geometrically
/// and lasts the window, while the requests of an hour ago drop out of it and the server's count rises again.
/// </para>
/// </summary>
internal sealed class HeaderQuota
{
    private readonly object _lock = new();
    private readonly TimeSpan? _rollingWindow;
    private readonly List<long> _inFlight = new();
    private long _nextSequence;
    private long? _allowance;
    private long? _limit;
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private bool _blocked;
    private TimeSpan _spacing;
    private DateTimeOffset _nextStart = DateTimeOffset.MinValue;

    /// <summary>A quota whose window resets when the server says (or, when it names no reset, rolls over <paramref name="rollingWindow"/>).</summary>
    public HeaderQuota(TimeSpan? rollingWindow = null) => _rollingWindow = rollingWindow;

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

    /// <summary>The spacing of starts on a rolling window that is half spent (zero when none); a wait while it is set is pacing, not a spent quota.</summary>
    public TimeSpan Spacing
    {
        get
        {
            lock (_lock) return _blocked ? TimeSpan.Zero : _spacing;
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
                // The window has reset: the whole limit is there again, less what is still in flight. A rolling window
                // frees its slots one by one: one request asks, and its answer says how many are free.
                _blocked = false;
                _allowance = _rollingWindow is not null ? 1 : _limit is { } l ? l - _inFlight.Count : null;
            }
            if (now < _nextStart)
            {
                sequence = -1;
                wait = _nextStart - now;
                return false;
            }
            if (_allowance is { } a)
            {
                if (a <= 0)
                {
                    // No reset known: try again after the default window (a rolling one: the time one slot takes to free).
                    var retry = RollingSlot() ?? DefaultReset;
                    _blocked = true;
                    _blockedUntil = now + retry;
                    sequence = -1;
                    wait = retry;
                    return false;
                }
                _allowance = a - 1;
            }
            if (_spacing > TimeSpan.Zero) _nextStart = now + _spacing;
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
            _spacing = i.ResetAfter is null && _rollingWindow is { } window && allowance > 0 && (_limit is not { } limit || allowance * 2 <= limit)
                ? TimeSpan.FromMilliseconds(Math.Ceiling((window / allowance).TotalMilliseconds)) // whole milliseconds: a timer rounds a fraction down to none
                : TimeSpan.Zero;
            _nextStart = _spacing == TimeSpan.Zero ? DateTimeOffset.MinValue : now + _spacing;
            if (allowance > 0) return null;
            var reset = i.ResetAfter ?? RollingSlot() ?? DefaultReset;
            var until = now + reset;
            if (!_blocked || until > _blockedUntil)
            {
                _blockedUntil = until;
            }
            _blocked = true;
            return reset;
        }
    }

    /// <summary>On a rolling window, the average time one request's slot takes to free (the window over the limit); null otherwise.</summary>
    private TimeSpan? RollingSlot() => _rollingWindow is { } w ? TimeSpan.FromMilliseconds(Math.Ceiling((w / Math.Max(1, _limit ?? 1)).TotalMilliseconds)) : null;
}
