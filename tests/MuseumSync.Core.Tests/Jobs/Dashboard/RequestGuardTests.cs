using System.Net;
using MuseumSync.Jobs.Dashboard;

namespace MuseumSync.Core.Tests.Jobs.Dashboard;

public sealed class RequestGuardTests
{
    private static readonly RequestGuard s_guard = new(new Uri("http://127.0.0.1:8123/"), maxBodyBytes: 1024);

    private static RequestFacts Get(string host = "127.0.0.1:8123", IPAddress? remote = null) =>
        new("GET", remote ?? IPAddress.Loopback, host, null, null, null, -1);

    private static RequestFacts Post(string? origin = "http://127.0.0.1:8123", string? referer = null, string? token = "", long length = 10) =>
        new("POST", IPAddress.Loopback, "127.0.0.1:8123", origin, referer, token == "" ? s_guard.Token : token, length);

    [Fact]
    public void Check_GetFromThisMachineToItsAddress_Passes()
    {
        Assert.Null(s_guard.Check(Get()));
        Assert.Null(s_guard.Check(Get(remote: IPAddress.IPv6Loopback)));
        Assert.Null(s_guard.Check(Post()));
    }

    [Fact]
    public void Check_RemoteClient_Is403()
    {
        var refusal = s_guard.Check(Get(remote: IPAddress.Parse("192.168.1.20")));
        Assert.Equal(403, refusal?.Status);
        Assert.Contains("SSH tunnel", refusal!.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil.example:8123")] // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1
    [InlineData("localhost:8123")]
    [InlineData("127.0.0.1:9999")]
    [InlineData(null)]
    public void Check_HostOtherThanTheDashboards_Is421(string? host)
    {
        Assert.Equal(421, s_guard.Check(Get(host: host!))?.Status);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")] // a CORS preflight is never answered, so a page of another site cannot send the token header
    public void Check_MethodTheDashboardDoesNotUse_Is405(string method)
    {
        Assert.Equal(405, s_guard.Check(Get() with { Method = method })?.Status);
    }

    [Theory]
    [InlineData("http://evil.example", null)]
    [InlineData("null", null)] // a sandboxed page
    [InlineData("http://127.0.0.1:9999", null)]
    [InlineData("https://127.0.0.1:8123", null)]
    [InlineData(null, null)] // neither header: not known to be from the dashboard
    [InlineData(null, "http://evil.example/page")]
    [InlineData(null, "not a url")]
    public void Check_PostFromAnotherOrigin_Is403(string? origin, string? referer)
    {
        var refusal = s_guard.Check(Post(origin: origin, referer: referer));
        Assert.Equal(403, refusal?.Status);
        Assert.Contains("own pages", refusal!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PostWithoutOriginButWithTheDashboardsReferer_Passes()
    {
        Assert.Null(s_guard.Check(Post(origin: null, referer: "http://127.0.0.1:8123/jobs/failed")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public void Check_PostWithoutThePagesToken_Is403(string? token)
    {
        var refusal = s_guard.Check(Post(token: token));
        Assert.Equal(403, refusal?.Status);
        Assert.Contains(RequestGuard.TokenHeader, refusal!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PostBodyOverTheLimit_Is413_AndAGetWithABody_Is400()
    {
        Assert.Equal(413, s_guard.Check(Post(length: 1025))?.Status);
        Assert.Null(s_guard.Check(Post(length: 1024)));
        Assert.Equal(400, s_guard.Check(Get() with { ContentLength = 5 })?.Status);
    }

    [Fact]
    public void Token_IsRandomPerGuard()
    {
        var other = new RequestGuard(new Uri("http://127.0.0.1:8123/"), 1024);
        Assert.NotEqual(s_guard.Token, other.Token);
        Assert.True(s_guard.Token.Length >= 40);
        Assert.Equal(403, other.Check(Post())?.Status); // one dashboard's token is not another's
    }
}
