using MuseumSync.Resilience;

namespace MuseumSync.Core.Tests.Resilience;

public class HeaderQuotaTests
{
    private static readonly DateTimeOffset s_now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Complete_RemainingZero_NextRequestWaitsForTheReset()
    {
        var q = new HeaderQuota();
        Assert.True(q.TryAdmit(s_now, out var t, out _));
        Assert.Equal(TimeSpan.FromSeconds(2), q.Complete(t, new RateLimitInfo(10, 0, TimeSpan.FromSeconds(2)), s_now));

        Assert.False(q.TryAdmit(s_now.AddSeconds(1), out _, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.True(q.TryAdmit(s_now.AddSeconds(2), out _, out _));
    }

    [Fact]
    public void Complete_RequestsStillInFlight_CountAgainstWhatIsLeft()
    {
        var q = new HeaderQuota();
        var tickets = new long[4];
        for (var i = 0; i < 4; i++) q.TryAdmit(s_now, out tickets[i], out _);
        // The first answer says 3 are left, but 3 more requests are already on their way: nothing may start.
        q.Complete(tickets[0], new RateLimitInfo(5, 3, TimeSpan.FromSeconds(1)), s_now);
        Assert.False(q.TryAdmit(s_now, out _, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
    }

    [Fact]
    public void Complete_AnswersOutOfOrder_LaterStartsStillCounted()
    {
        var q = new HeaderQuota();
        q.TryAdmit(s_now, out var a, out _);
        q.TryAdmit(s_now, out var b, out _);
        // b's answer arrives first (Remaining 4 after a and b), then a's stale answer (Remaining 5): b still counts.
        q.Complete(b, new RateLimitInfo(6, 4, TimeSpan.FromSeconds(1)), s_now);
        q.Complete(a, new RateLimitInfo(6, 5, TimeSpan.FromSeconds(1)), s_now);
        Assert.Equal(4, q.Allowance);
    }

    [Fact]
    public void TryAdmit_AfterReset_KnownLimitLessInFlight()
    {
        var q = new HeaderQuota();
        q.TryAdmit(s_now, out var a, out _);
        q.Complete(a, new RateLimitInfo(3, 0, TimeSpan.FromSeconds(1)), s_now);
        Assert.True(q.TryAdmit(s_now.AddSeconds(1), out _, out _));
        Assert.Equal(2, q.Allowance);
    }

    [Fact]
    public void Complete_RollingWindowHalfSpent_StartsSpacedByWindowOverWhatIsLeft()
    {
        // api.data.gov: X-RateLimit-Limit/-Remaining and no reset header, on a rolling hour
        // (https://api.data.gov/docs/developer-manual/#web-service-rate-limits).
        var q = new HeaderQuota(TimeSpan.FromHours(1));
        q.TryAdmit(s_now, out var a, out _);
        Assert.Null(q.Complete(a, new RateLimitInfo(1000, 600, null), s_now));
        Assert.True(q.TryAdmit(s_now, out var b, out _)); // more than half left: no pacing

        q.Complete(b, new RateLimitInfo(1000, 400, null), s_now);
        Assert.False(q.TryAdmit(s_now, out _, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(9), wait); // 3,600 s over 400 left
        Assert.True(q.TryAdmit(s_now.AddSeconds(9), out _, out _));
        Assert.False(q.TryAdmit(s_now.AddSeconds(10), out _, out _));
    }

    [Fact]
    public void Complete_RollingWindowSpent_WaitsOneSlotThenProbesWithOneRequest()
    {
        var q = new HeaderQuota(TimeSpan.FromHours(1));
        q.TryAdmit(s_now, out var a, out _);
        Assert.Equal(TimeSpan.FromSeconds(36), q.Complete(a, new RateLimitInfo(100, 0, null), s_now));
        Assert.False(q.TryAdmit(s_now.AddSeconds(35), out _, out _));
        Assert.True(q.TryAdmit(s_now.AddSeconds(36), out _, out _));
        Assert.Equal(0, q.Allowance);
    }
}
