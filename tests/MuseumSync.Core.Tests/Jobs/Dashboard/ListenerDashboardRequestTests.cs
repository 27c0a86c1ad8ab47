using System.Net;
using System.Text;
using MuseumSync.Jobs.Dashboard;

namespace MuseumSync.Core.Tests.Jobs.Dashboard;

public sealed class ListenerDashboardRequestTests
{
    private static readonly IPEndPoint s_local = new(IPAddress.Loopback, 8123);
    private static readonly IPEndPoint s_remote = new(IPAddress.Loopback, 50000);

    [Fact]
    public async Task GetFormValuesAsync_UrlEncodedForm_GivesEveryValueOfAKey_Decoded()
    {
        var body = Encoding.UTF8.GetBytes("jobs%5B%5D=12&jobs%5B%5D=13&metrics[]=succeeded:count&name=a+b%C3%A9");
        var request = new ListenerDashboardRequest("POST", "/jobs/failed/requeue", string.Empty, s_local, s_remote, "application/x-www-form-urlencoded; charset=UTF-8", body);

        Assert.Equal(["12", "13"], await request.GetFormValuesAsync("jobs[]"));
        Assert.Equal(["succeeded:count"], await request.GetFormValuesAsync("metrics[]"));
        Assert.Equal(["a bé"], await request.GetFormValuesAsync("name"));
        Assert.Empty(await request.GetFormValuesAsync("missing"));
    }

    [Fact]
    public async Task GetFormValuesAsync_BodyThatIsNotAForm_GivesNothing()
    {
        var request = new ListenerDashboardRequest("POST", "/stats", string.Empty, s_local, s_remote, "application/json", Encoding.UTF8.GetBytes("jobs[]=1"));

        Assert.Empty(await request.GetFormValuesAsync("jobs[]"));
    }

    [Fact]
    public void Properties_MapTheListenersRequest()
    {
        var request = new ListenerDashboardRequest("GET", "/jobs/details/7", "?from=20&count=10", s_local, s_remote, null, []);

        Assert.Equal("GET", request.Method);
        Assert.Equal("/jobs/details/7", request.Path);
        Assert.Equal(string.Empty, request.PathBase);
        Assert.Equal("20", request.GetQuery("from"));
        Assert.Equal("10", request.GetQuery("count"));
        Assert.Null(request.GetQuery("missing"));
        Assert.Equal("127.0.0.1", request.LocalIpAddress);
        Assert.Equal("127.0.0.1", request.RemoteIpAddress);
    }

    [Fact]
    public async Task Response_BuffersUpToItsLimit_ThenRefuses()
    {
        using var response = new ListenerDashboardResponse(maxBytes: 1024 * 1024);
        await response.WriteAsync("<html>");
        response.StatusCode = 204; // still settable: nothing is sent before the dispatcher is done
        response.SetExpire(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Assert.Equal("<html>", Encoding.UTF8.GetString(response.Content));
        Assert.Equal("Wed, 02 Jan 2030 03:04:05 GMT", response.Expires);
        var error = Assert.Throws<InvalidOperationException>(() => response.Body.Write(new byte[1024 * 1024]));
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
    }
}
