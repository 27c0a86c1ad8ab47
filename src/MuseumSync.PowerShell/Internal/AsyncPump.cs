using System.Threading.Channels;
using MuseumSync.Run;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// Runs an async producer on the thread pool and hands what it produces to the pipeline thread through a bounded
/// channel: the producer is paced by the pipeline (memory stays flat), and every Write* call happens on the pipeline
/// thread, where PowerShell requires it. The producer's exception comes back unwrapped.
/// </summary>
internal sealed class AsyncPump
{
    private readonly Channel<PipelineMessage> _channel;

    public AsyncPump(int capacity, QueuedEventSink events)
    {
        Events = events;
        // The core publishes events without waiting; a wake-up is only needed when the reader may be idle.
        events.Wake = () => _channel!.Writer.TryWrite(EventsWaiting.Instance);
        _channel = Channel.CreateBounded<PipelineMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelWriter<PipelineMessage> Writer => _channel.Writer;

    /// <summary>The events the core publishes while the producer runs; drained on the pipeline thread with the messages.</summary>
    public QueuedEventSink Events { get; }

    /// <summary>Runs work (store work, say) off the pipeline thread and returns its result (exceptions unwrapped).</summary>
    public static T Run<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();

    /// <summary>
    /// Starts <paramref name="producer"/> and calls <paramref name="onMessage"/> on this thread for each message, and
    /// <paramref name="onEvent"/> for each event of <see cref="Events"/>, until it ends. When <paramref name="onMessage"/> throws (a WriteError under -ErrorAction Stop), the producer is cancelled
    /// and waited for before the exception goes on, so nothing it started outlives the call.
    /// </summary>
    public void Run(Func<CancellationToken, Task> producer, Action<PipelineMessage> onMessage, Action<SyncEvent> onEvent, CancellationToken cancellationToken)
    {
        using var producing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var task = Task.Run(async () =>
        {
            try
            {
                await producer(producing.Token).ConfigureAwait(false);
            }
            finally
            {
                _channel.Writer.TryComplete();
            }
        }, CancellationToken.None);

        var reader = _channel.Reader;
        try
        {
            while (true)
            {
                while (reader.TryRead(out var message))
                {
                    Drain(onEvent);
                    if (message is not EventsWaiting) onMessage(message);
                }
                Drain(onEvent);
                bool more;
                try
                {
                    more = reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                if (!more) break;
            }
        }
        catch
        {
            producing.Cancel();
            _channel.Writer.TryComplete(); // a producer waiting for room in the channel stops waiting
            // The producer's own outcome is moot now: the caller's exception is the one that goes on.
            task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).GetAwaiter().GetResult();
            throw;
        }
        // Surfaces the producer's own exception (not an AggregateException).
        try
        {
            task.GetAwaiter().GetResult();
        }
        finally
        {
            Drain(onEvent);
        }
    }

    private void Drain(Action<SyncEvent> onEvent)
    {
        while (Events.TryTake(out var e)) onEvent(e);
    }
}
