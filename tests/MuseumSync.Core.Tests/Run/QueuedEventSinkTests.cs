using MuseumSync.Run;

namespace MuseumSync.Core.Tests.Run;

/// <summary>The core's events never make a network or commit thread wait for the reader (a console, a log).</summary>
public sealed class QueuedEventSinkTests
{
    private static SyncEvent Verbose(int i) => new(SyncEventLevel.Verbose, SyncEventIds.PollDecision, "line " + i);

    [Fact]
    public async Task Publish_NobodyReading_ReturnsAtOnceAndWakesTheReaderOnce()
    {
        var wakes = 0;
        var queue = new QueuedEventSink(verbose: true, () => Interlocked.Increment(ref wakes));

        var publishing = Task.Run(() =>
        {
            for (var i = 0; i < 3 * QueuedEventSink.MaxPending; i++) queue.Publish(Verbose(i));
            queue.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.CircuitOpened, "circuit opened for source demo"));
        });

        await publishing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(publishing.IsCompletedSuccessfully);
        Assert.Equal(1, wakes); // one wake-up until the reader drains, not one per event
    }

    [Fact]
    public void TryTake_MoreVerboseThanMaxPending_DropsOnlyVerboseAndSaysHowMany()
    {
        var queue = new QueuedEventSink(verbose: true);
        for (var i = 0; i < QueuedEventSink.MaxPending + 5; i++) queue.Publish(Verbose(i));
        queue.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.CircuitOpened, "circuit opened for source demo"));

        var taken = new List<SyncEvent>();
        while (queue.TryTake(out var e)) taken.Add(e);

        Assert.Equal(QueuedEventSink.MaxPending, taken.Count(e => e.Id == SyncEventIds.PollDecision));
        Assert.Single(taken, e => e.Level == SyncEventLevel.Warning); // warnings are never dropped
        Assert.Contains(taken, e => e.Id == SyncEventIds.EventsDropped && e.Message.StartsWith("5 verbose lines were dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void TryTake_Drained_NextEventWakesTheReaderAgain()
    {
        var wakes = 0;
        var queue = new QueuedEventSink(verbose: true, () => Interlocked.Increment(ref wakes));
        queue.Publish(Verbose(1));
        Assert.True(queue.TryTake(out _));
        Assert.False(queue.TryTake(out _));

        queue.Publish(Verbose(2));

        Assert.Equal(2, wakes);
    }

    [Fact]
    public void Publish_VerboseNotWanted_NothingQueued()
    {
        var queue = new QueuedEventSink(verbose: false);

        queue.Publish(Verbose(1));

        Assert.False(queue.IsEnabled(SyncEventLevel.Verbose));
        Assert.False(queue.TryTake(out _));
    }
}
