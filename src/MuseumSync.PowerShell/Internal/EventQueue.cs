using System.Collections.Concurrent;
using MuseumSync.Run;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// A cmdlet's one <see cref="ISyncEventSink"/>: the core publishes from any thread without waiting, the cmdlet drains
/// on its pipeline thread. Verbose lines and progress ticks beyond <see cref="MaxPending"/> waiting ones are dropped and
/// counted (the count is said once the reader catches up); warnings and errors are always kept.
/// </summary>
internal sealed class EventQueue : ISyncEventSink
{
    /// <summary>Droppable events that may wait for the pipeline thread.</summary>
    public const int MaxPending = 10_000;

    private readonly ConcurrentQueue<SyncEvent> _queue = new();
    private readonly bool _verbose;
    private int _pendingDroppable;
    private long _dropped;
    private int _wakeRequested;

    /// <param name="verbose">True when the cmdlet writes verbose lines (else they are not even built).</param>
    /// <param name="wake">Called after an event is queued, to wake a reader that waits (must not block).</param>
    public EventQueue(bool verbose, Action? wake = null)
    {
        _verbose = verbose;
        Wake = wake;
    }

    /// <summary>Wakes the reader; set by the pump that drains this queue.</summary>
    public Action? Wake { get; set; }

    /// <summary>True when events wait.</summary>
    public bool HasPending => !_queue.IsEmpty;

    public bool IsEnabled(SyncEventLevel level) => level != SyncEventLevel.Verbose || _verbose;

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

    /// <summary>Takes the next event (pipeline thread); a note on dropped verbose lines comes first once there is room again.</summary>
    public bool TryTake(out SyncEvent syncEvent)
    {
        if (Interlocked.Read(ref _dropped) > 0 && Volatile.Read(ref _pendingDroppable) < MaxPending / 2)
        {
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            syncEvent = new SyncEvent(SyncEventLevel.Verbose, "EventsDropped", $"{dropped} verbose lines were dropped: the console could not keep up with them.");
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
