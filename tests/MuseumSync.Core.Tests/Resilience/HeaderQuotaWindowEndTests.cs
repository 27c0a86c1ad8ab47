using MuseumSync.Resilience;

namespace MuseumSync.Core.Tests.Resilience;

/// <summary>
/// A reset in whole seconds is rounded up, so the answer that spends a fixed window names a reset up to a second after
/// the window's real end; the first answers of the same window name it more closely. Issue #18's fan-out under a quota
/// lost up to a second per window to this.
/// </summary>
public class HeaderQuotaWindowEndTests
{
    private static readonly DateTimeOffset s_now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Admits and answers requests one after another, 100 ms apart, each answer saying a reset of one second.</summary>
    private static TimeSpan? AnswerInTurn(HeaderQuota q, params long[] remaining)
    {
        TimeSpan? last = null;
        for (var i = 0; i < remaining.Length; i++)
        {
            var at = s_now.AddMilliseconds(100 * i);
            Assert.True(q.TryAdmit(at, out var ticket, out _));
            last = q.Complete(ticket, new RateLimitInfo(3, remaining[i], TimeSpan.FromSeconds(1)), at);
        }
        return last;
    }

    [Fact]
    public void Complete_WindowSpentByItsLimitOfAnswers_WaitsForTheEarliestEndTheyName()
    {
        var q = new HeaderQuota();

        // Counts 1, 2, 3 of one window: the first answer (at 0 ms, reset 1 s) says it ends by 1,000 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(800), AnswerInTurn(q, 2, 1, 0));

        Assert.False(q.TryAdmit(s_now.AddMilliseconds(999), out _, out _));
        Assert.True(q.TryAdmit(s_now.AddMilliseconds(1000), out _, out _));
    }

    [Fact]
    public void Complete_LaterWindowSpent_UsesOnlyItsOwnAnswers()
    {
        var q = new HeaderQuota();

        // 0 ms: count 2 of an earlier window (its end, 1,000 ms, is not this one's); then counts 1, 2, 3 of the next
        // one at 100, 200, 300 ms: it ends by 1,100 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(800), AnswerInTurn(q, 1, 2, 1, 0));
    }

    [Theory]
    [InlineData(new long[] { 2, 2, 0 })] // a count twice: two windows (or another client) in between
    [InlineData(new long[] { 1, 1, 0 })]
    [InlineData(new long[] { 1, 0 })] // fewer answers than the limit
    public void Complete_AnswersThatMayBeOfTwoWindows_WaitTheWholeResetOfTheSpendingAnswer(long[] remaining)
    {
        var q = new HeaderQuota();

        Assert.Equal(TimeSpan.FromSeconds(1), AnswerInTurn(q, remaining));
    }

    [Fact]
    public void Complete_AnAnswerMissing_WaitsTheWholeReset()
    {
        var q = new HeaderQuota();
        q.TryAdmit(s_now, out var a, out _);
        q.TryAdmit(s_now, out var b, out _);
        q.TryAdmit(s_now, out var c, out _);
        q.Complete(a, new RateLimitInfo(3, 2, TimeSpan.FromSeconds(1)), s_now);
        q.Complete(b, null, s_now.AddMilliseconds(100)); // no headers (a failure)

        Assert.Equal(TimeSpan.FromSeconds(1), q.Complete(c, new RateLimitInfo(3, 0, TimeSpan.FromSeconds(1)), s_now.AddMilliseconds(200)));
    }
}
