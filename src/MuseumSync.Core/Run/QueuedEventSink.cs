using System.Collections.Concurrent;

namespace MuseumSync.Run;

/// <summary>
/// A sink its owner drains on its own thread (a cmdlet: its pipeline thread): the core publishes from any thread
/// without waiting. Verbose lines and progress ticks beyond <see cref="MaxPending"/> waiting ones are dropped and
/// counted (the count is said once the reader catches up); warnings and errors are always kept.
/// </summary>
internal sealed class QueuedEventSink : ISyncEventSink
{
    /// <summary>Droppable events that may wait for the pipeline thread.</summary>
    public const int MaxPending = 10_000;

    private readonly ConcurrentQueue<SyncEvent> _queue = new();
    private readonly bool _verbose;
    private int _pendingDroppable;
    private long _dropped;
    private int _wakeRequested;

    /// <summary>Creates an empty queue.</summary>
    /// <param name="verbose">True when the owner writes verbose lines (else they are not even built).</param>
    /// <param name="wake">Called after an event is queued, to wake a reader that waits (must not block).</param>
    public QueuedEventSink(bool verbose, Action? wake = null)
    {
        _verbose = verbose;
        Wake = wake;
    }

    /// <summary>Wakes the reader; set by whatever drains this queue (must not block).</summary>
    public Action? Wake { get; set; }

    /// <summary>True when events wait.</summary>
    public bool HasPending => !_queue.IsEmpty;

    /// <inheritdoc />
    public bool IsEnabled(SyncEventLevel level) => level != SyncEventLevel.Verbose || _verbose;

    /// <inheritdoc />
    public void Publish(SyncEvent syncEvent)
    {
        ArgumentNullException.ThrowIfNull(syncEvent);
        if (!IsEnabled(syncEvent.Level)) return;
        if (syncEvent.IsDroppable)
        {
            if (Interlocked.Increment(ref _pendingDroppable) > MaxPending)
            {
                Interlocked.Decrement(ref _pendingDroppable);
                Interlocked.Increment(ref _dropped);
                return;
            }
        }
        _queue.Enqueue(syncEvent);
        // One wake-up until the reader has drained the queue, not one per event.
        if (Interlocked.Exchange(ref _wakeRequested, 1) == 0) Wake?.Invoke();
    }

    /// <summary>Takes the next event (the owner's thread); a note on dropped verbose lines comes first once there is room again.</summary>
    public bool TryTake(out SyncEvent syncEvent)
    {
        if (Interlocked.Read(ref _dropped) > 0 && Volatile.Read(ref _pendingDroppable) < MaxPending / 2)
        {
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            syncEvent = new SyncEvent(SyncEventLevel.Verbose, SyncEventIds.EventsDropped, $"{dropped} verbose lines were dropped: the console could not keep up with them.");
            return true;
        }
        if (!_queue.TryDequeue(out syncEvent!))
        {
            // Re-armed before the last look, so an event queued in between either is taken now or wakes the reader.
            Volatile.Write(ref _wakeRequested, 0);
            if (!_queue.TryDequeue(out syncEvent!)) return false;
        }
        if (syncEvent.IsDroppable) Interlocked.Decrement(ref _pendingDroppable);
        return true;
    }
}
