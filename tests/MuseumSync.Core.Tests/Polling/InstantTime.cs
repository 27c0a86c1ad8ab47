using System.Collections.Concurrent;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>
/// A virtual clock for waits: every timer fires at once and moves the clock to its due time, and every requested wait
/// is recorded. Backoff, Retry-After, quota resets and circuit breaks then take microseconds, and a test can assert the
/// exact waits. (Timeouts stay on the system clock: the poller's internal constructor takes both.)
/// </summary>
internal sealed class InstantTime : TimeProvider
{
    private long _ticks;

    public InstantTime(DateTimeOffset? start = null) => _ticks = (start ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)).UtcTicks;

    /// <summary>Every wait requested, in order.</summary>
    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public IReadOnlyList<TimeSpan> WaitList => Waits.ToArray();

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    private void AdvanceTo(long target)
    {
        while (true)
        {
            var now = Interlocked.Read(ref _ticks);
            if (now >= target || Interlocked.CompareExchange(ref _ticks, target, now) == now) return;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan) return new NoTimer();
        Waits.Enqueue(dueTime);
        AdvanceTo(Interlocked.Read(ref _ticks) + Math.Max(0, dueTime.Ticks));
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
