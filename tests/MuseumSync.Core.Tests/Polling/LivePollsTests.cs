using System.Diagnostics;
using MuseumSync.Polling;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>The registry that lets Sync-MuseumRecord -MetricsPath report the poll feeding it.</summary>
public sealed class LivePollsTests
{
    [Fact]
    public void Find_SameSourceNameInAnotherScope_IsNotThisScopesPoll()
    {
        var mine = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        var since = Stopwatch.GetTimestamp();
        var myPoll = new PollStatistics();
        using var a = LivePolls.Register(mine, "demo", myPoll);
        // Another runspace starts a poll of a source with the same name later: it must not replace this one's.
        using var b = LivePolls.Register(theirs, "demo", new PollStatistics());

        Assert.Same(myPoll, LivePolls.Find(mine, "demo", since));
        Assert.NotSame(myPoll, LivePolls.Find(theirs, "demo", since));
    }

    [Fact]
    public void Dispose_RemovesOnlyItsOwnEntry_AndAnOlderPollIsNotFound()
    {
        var scope = Guid.NewGuid();
        var first = LivePolls.Register(scope, "demo", new PollStatistics());
        var registered = Stopwatch.GetTimestamp();
        long since;
        do since = Stopwatch.GetTimestamp(); while (since <= registered);
        Assert.Null(LivePolls.Find(scope, "demo", since)); // started before the sync began: not the one feeding it
        var second = new PollStatistics();
        using (LivePolls.Register(scope, "demo", second))
        {
            first.Dispose(); // the replaced registration leaves the newer one alone
            Assert.Same(second, LivePolls.Find(scope, "demo", since));
        }
        Assert.Null(LivePolls.Find(scope, "demo", 0));
    }
}
