using System.Globalization;
using MuseumSync.Polling;

namespace MuseumSync.Resilience;

/// <summary>
/// Holds requests back while the source's circuit is open, until its break is over: then one trial request goes out
/// (Polly's half-open state). Waiting here is not a retry attempt; only requests that were sent count.
/// </summary>
internal sealed class BreakerGate
{
    private readonly TimeProvider _time;
    private readonly Action<string>? _log;
    private readonly PollStatistics _stats;
    private long _reopenAtTicks;

    public BreakerGate(TimeProvider time, Action<string>? log, PollStatistics stats)
    {
        _time = time;
        _log = log;
        _stats = stats;
    }

    public void Opened(TimeSpan breakDuration) => Interlocked.Exchange(ref _reopenAtTicks, (_time.GetUtcNow() + breakDuration).UtcTicks);

    public void Closed() => Interlocked.Exchange(ref _reopenAtTicks, 0);

    /// <summary>Waits out an open circuit; <paramref name="atLeast"/> is the break Polly still reports (when it rejected a call).</summary>
    public ValueTask WaitAsync(string correlationId, TimeSpan? atLeast, CancellationToken cancellationToken)
    {
        // Not async: the usual call (the circuit is closed) waits for nothing, so no state machine runs or gets compiled (issue #18).
        var now = _time.GetUtcNow();
        var until = Interlocked.Read(ref _reopenAtTicks);
        var wait = until > now.UtcTicks ? TimeSpan.FromTicks(until - now.UtcTicks) : TimeSpan.Zero;
        if (atLeast is { } a && a > wait) wait = a;
        if (wait <= TimeSpan.Zero)
        {
            if (atLeast is null) return ValueTask.CompletedTask;
            // Rejected while another request is the trial: give it a moment.
            wait = TimeSpan.FromMilliseconds(50);
        }
        _stats.CircuitWait(wait);
        _log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"circuit open: waiting {wait.TotalMilliseconds:0} ms before a trial request; correlation {correlationId}"));
        return new ValueTask(Task.Delay(wait, _time, cancellationToken));
    }
}
