using MuseumSync.Resilience;

namespace MuseumSync.Core.Tests.Resilience;

public class RateLimitHeadersTests
{
    private static readonly DateTimeOffset s_now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static RateLimitInfo Read(params (string Name, string Value)[] headers)
    {
        using var r = new HttpResponseMessage();
        foreach (var (n, v) in headers) r.Headers.TryAddWithoutValidation(n, v);
        Assert.True(RateLimitHeaders.TryRead(r.Headers, s_now, out var info));
        return info;
    }

    [Fact]
    public void TryRead_XRateLimitWithSecondsFromNow_ReadsDelta()
    {
        var i = Read(("X-RateLimit-Limit", "50"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "3"));
        Assert.Equal(new RateLimitInfo(50, 0, TimeSpan.FromSeconds(3)), i);
    }

    [Fact]
    public void TryRead_XRateLimitResetAsEpochSeconds_DetectedAndConverted()
    {
        var epoch = s_now.AddSeconds(90).ToUnixTimeSeconds();
        var i = Read(("X-RateLimit-Remaining", "4"), ("X-RateLimit-Reset", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(4, i.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(90), i.ResetAfter);
    }

    [Fact]
    public void TryRead_EpochInThePast_ZeroWait()
    {
        var i = Read(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", s_now.AddSeconds(-5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(TimeSpan.Zero, i.ResetAfter);
    }

    [Fact]
    public void TryRead_IetfSeparateFields_Read()
    {
        var i = Read(("RateLimit-Limit", "100"), ("RateLimit-Remaining", "7"), ("RateLimit-Reset", "30"));
        Assert.Equal(new RateLimitInfo(100, 7, TimeSpan.FromSeconds(30)), i);
    }

    [Fact]
    public void TryRead_IetfCombinedDraft7Field_Read()
    {
        var i = Read(("RateLimit", "limit=100, remaining=50, reset=12"));
        Assert.Equal(new RateLimitInfo(100, 50, TimeSpan.FromSeconds(12)), i);
    }

    [Fact]
    public void TryRead_IetfStructuredFieldsWithPolicy_TightestPolicyWins()
    {
        var i = Read(("RateLimit", "\"burst\";r=3;t=1, \"daily\";r=900;t=3600"), ("RateLimit-Policy", "\"burst\";q=10;w=1, \"daily\";q=1000;w=86400"));
        Assert.Equal(3, i.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(1), i.ResetAfter); // the reset of the policy with the least left
        Assert.Equal(10, i.Limit);
    }

    [Fact]
    public void TryRead_NoHeaders_False()
    {
        using var r = new HttpResponseMessage();
        Assert.False(RateLimitHeaders.TryRead(r.Headers, s_now, out _));
    }
}
