namespace MuseumSync.Resilience;

/// <summary>
/// Paces requests by what the server says is left of its quota, so the server never has to answer 429.
/// <para>
/// With several requests in flight the server does not count them in the order they started, and their answers do not
/// come back in the order it counted them. So the figures of a window rest on one answer, the <em>basis</em>: the one
/// counted last as far as this client can tell. What may still start is the basis's <c>Remaining</c>, less every request
/// that may be counted after it: those still in flight, and those that completed after the basis started without saying
/// they were counted before it. (A request that completed before the basis started was counted before it.)
/// </para>
/// <para>
/// Within a window the count only grows. An answer with less left than the basis, from a request started after the
/// window began, becomes the basis. An answer with as much left or more was counted earlier: it frees its own slot and
/// raises nothing else, however late it comes. The figures start again (a new window, a higher allowance) only when the
/// server shows that a window has passed:
/// <list type="bullet">
/// <item>an answer from a request started after an earlier answer of the window arrived, with more left than that one
/// had: the server counted it later, yet found more left, so the window reset in between (on a rolling window: slots
/// freed);</item>
/// <item>an answer whose reset lies wholly after the basis's, allowing for the second by which a reset in whole seconds
/// may have been rounded and for the time the request took: an epoch reset, or the relative reset of a long window
/// (two answers of a one-second window, saying "1 s" 300 ms apart, name the same window as far as this can tell);</item>
/// <item>the clock passing the basis's reset, with every request that completed after the basis started counted against
/// the new window (the server may have counted it after the reset).</item>
/// </list>
/// An answer whose reset lies wholly before the basis's belongs to a window already over and changes nothing. An answer
/// with less left from a request started before the window began may be a stale one of the window before: it stays
/// counted, but neither lowers the figures nor blocks. A failure (no answer, or one without <c>Remaining</c>) stays
/// counted too: the server may have counted it. Where no window can be told apart, the figures only ever err low; and
/// when only such requests of unknown place fill what the server said is left, a request asks again after about one
/// round trip (an answer on its way may place them) instead of waiting for the reset.
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
    /// <summary>The completions remembered to place later answers against; older ones still in question count as unplaced.</summary>
    private const int MaxRemembered = 4096;

    /// <summary>The figures the causal test compares answers with; older ones are dropped (a reset is then noticed later, never wrongly).</summary>
    private const int MaxMarks = 1024;

    /// <summary>A completion whose place in the server's count is unknown: it counts against every later answer.</summary>
    private const long Unplaced = -1;

    /// <summary>A completion counted in a window already over: it counts against none.</summary>
    private const long Elsewhere = long.MaxValue;

    /// <summary>A reset in whole seconds may have been rounded (up, down or to the nearest) by up to this much.</summary>
    private static readonly TimeSpan s_resetRounding = TimeSpan.FromSeconds(1);

    /// <summary>The shortest wait for an answer on its way.</summary>
    private static readonly TimeSpan s_minRetry = TimeSpan.FromMilliseconds(1);

    private readonly object _lock = new();
    private readonly TimeSpan? _rollingWindow;
    private readonly Dictionary<long, Flight> _inFlight = new();
    private readonly Queue<Done> _done = new();          // recent completions, to place later answers against
    private readonly List<Mark> _marks = new();          // the figures of this window, for the causal test
    private long _nextSequence;
    private long _completions;                           // completions so far: the index of the next one
    private long _forgottenBefore;                       // completions before this index were let go of _done
    private long? _limit;
    private long? _allowance;
    private long? _remaining;                            // the basis's Remaining (null: no figures yet)
    private long _unplaced;                              // completions that may be counted after the basis
    private long _basisFrom;                             // completions before the basis started (a rollover counts from here)
    private long _basisIndex = -1;                       // the basis's own completion index
    private DateTimeOffset? _resetFrom;                  // the basis's reset lies between these two instants
    private DateTimeOffset? _resetBy;
    private long _windowStart;                           // requests numbered below started before this window was known
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private bool _blocked;
    private TimeSpan _spacing;
    private DateTimeOffset _nextStart = DateTimeOffset.MinValue;
    private TimeSpan _roundTrip = s_minRetry;
    private DateTimeOffset _latest = DateTimeOffset.MinValue;

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
            lock (_lock) return _blocked || (_allowance <= 0 && _resetBy is not null) ? TimeSpan.Zero : _spacing;
        }
    }

    /// <summary>Admits a request (true, with its sequence number) or says how long to wait before asking again.</summary>
    public bool TryAdmit(DateTimeOffset now, out long sequence, out TimeSpan wait)
    {
        lock (_lock)
        {
            now = Latest(now);
            RollOverIfDue(now);
            if (_blocked)
            {
                if (now < _blockedUntil)
                {
                    sequence = -1;
                    wait = _blockedUntil - now;
                    return false;
                }
                // The window has reset: the whole limit is there again, less what may be counted in it already. A
                // rolling window frees its slots one by one: one request asks, and its answer says how many are free.
                _blocked = false;
                if (_rollingWindow is not null) _allowance = 1;
                else RollOver();
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
                    sequence = -1;
                    if (_remaining > 0 && _unplaced > 0 && _inFlight.Count > 0)
                    {
                        // The server said there is room; what fills it here is, in part, requests that completed with no
                        // known place in its count. An answer on its way may place them (before it): ask again after
                        // about one round trip rather than wait for the reset.
                        wait = _resetBy is { } until && until - now < _roundTrip ? until - now : _roundTrip;
                        return false;
                    }
                    if (_resetBy is { } by)
                    {
                        // Spent until the basis's window resets (RollOverIfDue saw it has not yet).
                        wait = by - now;
                        return false;
                    }
                    // No reset known: try again after the default window (a rolling one: the time one slot takes to free).
                    wait = RollingSlot() ?? DefaultReset;
                    _blocked = true;
                    _blockedUntil = now + wait;
                    return false;
                }
                _allowance = a - 1;
            }
            if (_spacing > TimeSpan.Zero) _nextStart = now + _spacing;
            sequence = _nextSequence++;
            _inFlight.Add(sequence, new Flight(now, _completions));
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
            now = Latest(now);
            RollOverIfDue(now);
            if (!_inFlight.Remove(sequence, out var flight)) return null;
            var index = _completions++;
            _roundTrip = TimeSpan.FromTicks(Math.Clamp((now - flight.Admitted).Ticks, s_minRetry.Ticks, DefaultReset.Ticks));
            if (info?.Limit is { } l) _limit = l;
            var place = Unplaced;
            var rebased = false;
            if (info is { Remaining: { } remaining } i)
            {
                DateTimeOffset? resetFrom = i.ResetAfter is { } r ? flight.Admitted + r - s_resetRounding : null;
                DateTimeOffset? resetBy = i.ResetAfter is { } r2 ? now + r2 : null;
                var answer = Classify(sequence, remaining, resetFrom, resetBy);
                switch (answer)
                {
                    case Answer.NewWindow or Answer.AfterTheBasisWindow or Answer.CountedLater:
                        Rebase(flight, index, remaining, resetFrom, resetBy, answer);
                        rebased = true;
                        place = remaining;
                        break;
                    case Answer.CountedEarlier:
                        place = remaining;
                        break;
                    case Answer.WindowOver:
                        place = Elsewhere;
                        break;
                    default:
                        _unplaced++;
                        break;
                }
                Recompute();
                _spacing = i.ResetAfter is null && _rollingWindow is { } window && _allowance is { } left && left > 0 && (_limit is not { } limit || left * 2 <= limit)
                    ? TimeSpan.FromMilliseconds(Math.Ceiling((window / left).TotalMilliseconds)) // whole milliseconds: a timer rounds a fraction down to none
                    : TimeSpan.Zero;
                _nextStart = _spacing == TimeSpan.Zero ? DateTimeOffset.MinValue : now + _spacing;
            }
            else
            {
                _unplaced++;
                Recompute();
            }
            _done.Enqueue(new Done(index, place));
            Prune();
            return rebased && _allowance <= 0 ? Spent(now) : null;
        }
    }

    /// <summary>Where an answer stands against the basis.</summary>
    private Answer Classify(long sequence, long remaining, DateTimeOffset? resetFrom, DateTimeOffset? resetBy)
    {
        if (_remaining is not { } least) return Answer.NewWindow;
        if (resetFrom > _resetBy) return Answer.AfterTheBasisWindow;
        if (resetBy < _resetFrom) return Answer.WindowOver;
        if (CountedAfterMoreSpent(sequence, remaining) is { } mark) return mark == _marks.Count - 1 ? Answer.AfterTheBasisWindow : Answer.NewWindow;
        // Less left than the basis: counted after it, unless the request started before this window began, when it may
        // be a stale answer of the window before (kept counted, but it neither lowers the figures nor blocks).
        if (remaining < least) return sequence >= _windowStart ? Answer.CountedLater : Answer.Unplaced;
        // As much left as the basis and started after it arrived: counted after it all the same (a count held at 0, or a
        // request the server did not count).
        if (remaining == least && _marks.Count > 0 && sequence >= _marks[^1].Sequence) return Answer.CountedLater;
        return Answer.CountedEarlier;
    }

    /// <summary>
    /// Whether request <paramref name="sequence"/> started after an answer of this window arrived that had less left
    /// than it has: the server counted it later, yet found more left, so the window reset in between (or, on a rolling
    /// window, slots freed).
    /// </summary>
    /// <returns>The index of that figure in <see cref="_marks"/>; null when there is none.</returns>
    private int? CountedAfterMoreSpent(long sequence, long remaining)
    {
        for (var k = _marks.Count - 1; k >= 0; k--)
        {
            if (_marks[k].Sequence <= sequence) return remaining > _marks[k].Remaining ? k : null;
        }
        return null;
    }

    /// <summary>Makes an answer the basis: what may still be counted after it is what is in flight, and what completed since it started without a place before it.</summary>
    private void Rebase(Flight flight, long index, long remaining, DateTimeOffset? resetFrom, DateTimeOffset? resetBy, Answer answer)
    {
        // The old basis, when its window is known to be over, cannot have been counted after this answer in this one.
        _unplaced = CountCompleted(flight.Completions, remaining, except: answer == Answer.AfterTheBasisWindow ? _basisIndex : -1);
        _remaining = remaining;
        _basisFrom = flight.Completions;
        _basisIndex = index;
        _resetFrom = resetFrom;
        _resetBy = resetBy;
        if (answer != Answer.CountedLater)
        {
            _windowStart = _nextSequence;
            _marks.Clear();
            _blocked = false;
        }
        _marks.Add(new Mark(_nextSequence, remaining));
    }

    /// <summary>
    /// The later of <paramref name="now"/> and the latest time seen: a caller that read the clock and then waited for the
    /// lock while others moved on must not reckon its waits from the past (they would reach past the reset).
    /// </summary>
    private DateTimeOffset Latest(DateTimeOffset now)
    {
        if (now > _latest) _latest = now;
        return _latest;
    }

    /// <summary>Starts the next window when the clock has passed the basis's reset.</summary>
    private void RollOverIfDue(DateTimeOffset now)
    {
        if (_resetBy is { } by && now >= by) RollOver();
    }

    /// <summary>
    /// A new window: the whole limit, less what is in flight and whatever completed after the basis started (the reset
    /// came after the server counted the basis, so those may have been counted after the reset).
    /// </summary>
    private void RollOver()
    {
        _unplaced = CountCompleted(_basisFrom, Elsewhere - 1, except: _basisIndex);
        _remaining = _limit;
        _basisFrom = _completions;
        _basisIndex = -1;
        _resetFrom = null;
        _resetBy = null;
        _windowStart = _nextSequence;
        _marks.Clear();
        Recompute();
    }

    /// <summary>Completions from index <paramref name="from"/> on (but <paramref name="except"/>) with at most <paramref name="remaining"/> left or no place.</summary>
    private long CountCompleted(long from, long remaining, long except)
    {
        var count = from < _forgottenBefore ? _forgottenBefore - from : 0;
        foreach (var d in _done)
        {
            if (d.Index >= from && d.Index != except && d.Place <= remaining) count++;
        }
        return count;
    }

    private void Recompute() => _allowance = _remaining is { } r ? r - _inFlight.Count - _unplaced : null;

    /// <summary>The wait for the reset of the window this answer spent; a spent quota without a reset blocks for the default (or a rolling slot).</summary>
    private TimeSpan Spent(DateTimeOffset now)
    {
        if (_resetBy is { } by) return by - now;
        var reset = RollingSlot() ?? DefaultReset;
        var until = now + reset;
        if (!_blocked || until > _blockedUntil) _blockedUntil = until;
        _blocked = true;
        return reset;
    }

    /// <summary>Forgets completions no later answer or rollover can ask about, and figures no later answer can follow.</summary>
    private void Prune()
    {
        var oldestCompletions = _completions;
        var oldestSequence = _nextSequence;
        foreach (var (s, f) in _inFlight)
        {
            if (f.Completions < oldestCompletions) oldestCompletions = f.Completions;
            if (s < oldestSequence) oldestSequence = s;
        }
        if (_remaining is not null && _basisFrom < oldestCompletions) oldestCompletions = _basisFrom; // a rollover counts from there
        while (_done.Count > 0 && (_done.Peek().Index < oldestCompletions || _done.Count > MaxRemembered))
        {
            var d = _done.Dequeue();
            if (d.Index >= oldestCompletions) _forgottenBefore = d.Index + 1;
        }
        // Every later answer comes from a request numbered oldestSequence or more: the last mark at or before it is the
        // earliest any of them can be compared with.
        var first = 0;
        for (var k = _marks.Count - 1; k >= 0; k--)
        {
            if (_marks[k].Sequence <= oldestSequence)
            {
                first = k;
                break;
            }
        }
        first = Math.Max(first, _marks.Count - MaxMarks);
        if (first > 0) _marks.RemoveRange(0, first);
    }

    /// <summary>On a rolling window, the average time one request's slot takes to free (the window over the limit); null otherwise.</summary>
    private TimeSpan? RollingSlot() => _rollingWindow is { } w ? TimeSpan.FromMilliseconds(Math.Ceiling((w / Math.Max(1, _limit ?? 1)).TotalMilliseconds)) : null;

    private enum Answer
    {
        /// <summary>The answer shows a window after one of this window's figures (or opens the first): the figures start again from it.</summary>
        NewWindow,

        /// <summary>The answer shows a window after the basis's own: the figures start again from it, and the basis no longer counts.</summary>
        AfterTheBasisWindow,

        /// <summary>Counted after the basis in its window: the answer becomes the basis.</summary>
        CountedLater,

        /// <summary>Counted before the basis (as much left or more): it frees its own slot and changes nothing else.</summary>
        CountedEarlier,

        /// <summary>Counted in a window already over: it counts against nothing now.</summary>
        WindowOver,

        /// <summary>Its place is unknown: it stays counted against the window.</summary>
        Unplaced,
    }

    /// <summary>A request in flight: when it started, and how many completions came before.</summary>
    private readonly record struct Flight(DateTimeOffset Admitted, long Completions);

    /// <summary>A completion: its index, and its <c>Remaining</c> as placed (<see cref="Unplaced"/>, <see cref="Elsewhere"/>).</summary>
    private readonly record struct Done(long Index, long Place);

    /// <summary>A figure of the window: requests numbered <see cref="Sequence"/> or more started after an answer with <see cref="Remaining"/> left arrived.</summary>
    private readonly record struct Mark(long Sequence, long Remaining);
}
