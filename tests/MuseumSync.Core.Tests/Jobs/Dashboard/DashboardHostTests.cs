using System.Net;
using System.Net.Sockets;
using System.Text;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using MuseumSync.Jobs;
using MuseumSync.Jobs.Dashboard;
using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Jobs.Dashboard;

/// <summary>The dashboard over HttpListener, against the SQLite job storage the workers use.</summary>
public sealed class DashboardHostTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ms-dashboard-").FullName;
    private readonly JobStorage _storage;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

    public DashboardHostTests()
    {
        _storage = JobStorageFactory.Create(new StoreOptions { Database = Path.Combine(_dir, "museum.db") }, new JobEngineOptions());
        JobEngine.Configure();
    }

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // The SQLite storage may still hold its file for a moment; the temp folder is cleaned by the system.
        }
    }

    private string CreateJob(string key, IState state)
    {
        var method = typeof(SyncJob).GetMethod(nameof(SyncJob.RunAsync))!;
        var job = new Job(typeof(SyncJob), method, new object?[] { "met", "sub-1", key, null, CancellationToken.None }, JobEngineOptions.DefaultQueue);
        // No filters: Hangfire's global AutomaticRetry would turn a Failed state into Scheduled.
        return new BackgroundJobClient(_storage, new JobFilterCollection()).Create(job, state);
    }

    private string StateOf(string id)
    {
        using var connection = _storage.GetConnection();
        return connection.GetStateData(id).Name;
    }

    private DashboardHost Start(bool allowActions = false, int maxConcurrent = 8, int timeoutSec = 30) =>
        DashboardHost.Start(_storage, new DashboardHostOptions { AllowActions = allowActions, MaxConcurrentRequests = maxConcurrent, RequestTimeout = TimeSpan.FromSeconds(timeoutSec), MaxRequestBodyBytes = 1024 });

    private static HttpRequestMessage Requeue(DashboardHost host, string jobId, string? origin, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Url, "jobs/failed/requeue"))
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("jobs[]", jobId)]),
        };
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (token is not null) request.Headers.Add(RequestGuard.TokenHeader, token);
        return request;
    }

    [Fact]
    public async Task Get_SucceededJobs_ShowsEachJobBySourceKeyAndSubmission_WithoutTheConnectionString()
    {
        CreateJob("ids:0", new SucceededState(null, 1, 1));
        CreateJob("ids:20", new SucceededState(null, 1, 1));
        using var host = Start();

        Assert.Equal("127.0.0.1", host.Url.Host);
        Assert.NotEqual(0, host.Url.Port);
        using var response = await _http.GetAsync(new Uri(host.Url, "jobs/succeeded"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("MuseumSync met: ids:0 of submission sub-1", html, StringComparison.Ordinal);
        Assert.Contains("MuseumSync met: ids:20 of submission sub-1", html, StringComparison.Ordinal);
        Assert.Contains($"<meta name=\"csrf-token\" content=\"{host.Guard.Token}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("museum.hangfire.db", html, StringComparison.Ordinal); // Hangfire's storage line is off
        Assert.DoesNotContain("Requeue jobs", html, StringComparison.Ordinal); // read-only: no buttons
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());

        // The home page, a script and the stats the page polls (a POST from its own page) all answer.
        using var home = await _http.GetAsync(host.Url);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        using var missing = await _http.GetAsync(new Uri(host.Url, "no/such/page"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var stats = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Url, "stats")) { Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("metrics[]", "succeeded:count")]) };
        stats.Headers.Add("Origin", host.Url.GetLeftPart(UriPartial.Authority));
        stats.Headers.Add(RequestGuard.TokenHeader, host.Guard.Token);
        using var statsResponse = await _http.SendAsync(stats);
        Assert.Equal(HttpStatusCode.OK, statsResponse.StatusCode);
        Assert.Contains("\"succeeded:count\"", await statsResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_TitleWithMarkup_IsShownAsText()
    {
        using var host = DashboardHost.Start(_storage, new DashboardHostOptions { Title = "MuseumSync jobs: <img src=x onerror=alert(1)> (C:\\a&b.db)" });

        var html = await _http.GetStringAsync(host.Url);

        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ReadOnly_IsRefused401_AndTheJobStaysFailed()
    {
        var id = CreateJob("ids:40", new FailedState(new InvalidOperationException("boom")));
        using var host = Start();

        using var response = await _http.SendAsync(Requeue(host, id, host.Url.GetLeftPart(UriPartial.Authority), host.Guard.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(FailedState.StateName, StateOf(id));
    }

    [Fact]
    public async Task Post_AllowActions_FromItsOwnPage_RequeuesTheJob()
    {
        var id = CreateJob("ids:40", new FailedState(new InvalidOperationException("boom")));
        using var host = Start(allowActions: true);
        using var page = await _http.GetAsync(new Uri(host.Url, "jobs/failed"));
        Assert.Contains("Requeue jobs", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var response = await _http.SendAsync(Requeue(host, id, host.Url.GetLeftPart(UriPartial.Authority), host.Guard.Token));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(EnqueuedState.StateName, StateOf(id));
    }

    [Theory]
    [InlineData("http://evil.example", true)]
    [InlineData(null, true)]
    [InlineData("self", false)]
    public async Task Post_AllowActions_FromAnotherOriginOrWithoutTheToken_IsRefused403_AndChangesNothing(string? origin, bool withToken)
    {
        var id = CreateJob("ids:40", new FailedState(new InvalidOperationException("boom")));
        using var host = Start(allowActions: true);

        using var response = await _http.SendAsync(Requeue(host, id, origin == "self" ? host.Url.GetLeftPart(UriPartial.Authority) : origin, withToken ? host.Guard.Token : null));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(FailedState.StateName, StateOf(id));
    }

    [Fact]
    public async Task Post_ChunkedBodyOverTheLimit_Is413()
    {
        var id = CreateJob("ids:40", new FailedState(new InvalidOperationException("boom")));
        using var host = Start(allowActions: true);
        using var request = Requeue(host, id, host.Url.GetLeftPart(UriPartial.Authority), host.Guard.Token);
        request.Content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes("jobs[]=" + new string('1', 5000)))); // no length: chunked
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(FailedState.StateName, StateOf(id));
    }

    /// <summary>Connects and sends the head of a POST whose body never comes.</summary>
    private static async Task<TcpClient> StartSlowPostAsync(DashboardHost host)
    {
        var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, host.Url.Port);
        var head = $"POST /stats HTTP/1.1\r\nHost: {host.Url.Authority}\r\nOrigin: {host.Url.GetLeftPart(UriPartial.Authority)}\r\n{RequestGuard.TokenHeader}: {host.Guard.Token}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n";
        await slow.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        return slow;
    }

    [Fact]
    public async Task Requests_OverTheConcurrentLimit_Get503AtOnce_UntilASlotIsFree()
    {
        using var host = Start(maxConcurrent: 1, timeoutSec: 60);
        using (await StartSlowPostAsync(host))
        {
            // While the slow POST holds the only slot, another request is answered 503 at once (polled: the server takes the slot asynchronously).
            HttpStatusCode status = 0;
            for (var i = 0; i < 100 && status != HttpStatusCode.ServiceUnavailable; i++)
            {
                using var busy = await _http.GetAsync(new Uri(host.Url, "jobs/succeeded"));
                status = busy.StatusCode;
                if (status != HttpStatusCode.ServiceUnavailable) await Task.Delay(50);
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        }

        // The slow client went away: its slot is free again.
        HttpStatusCode after = 0;
        for (var i = 0; i < 100 && after != HttpStatusCode.OK; i++)
        {
            using var response = await _http.GetAsync(new Uri(host.Url, "jobs/succeeded"));
            after = response.StatusCode;
            if (after != HttpStatusCode.OK) await Task.Delay(50);
        }
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task SlowClient_IsCutOffAfterTheRequestTimeout()
    {
        using var host = Start(timeoutSec: 1);
        using var slow = await StartSlowPostAsync(host);

        // Its connection is closed after the timeout (1 s; 15 s is only this test's bound).
        var buffer = new byte[4096];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        int read;
        try
        {
            do
            {
                read = await slow.GetStream().ReadAsync(buffer, wait.Token);
            }
            while (read > 0);
        }
        catch (IOException)
        {
            read = 0; // reset: closed as well
        }
        Assert.Equal(0, read);
        Assert.False(wait.IsCancellationRequested, "the slow request was not cut off within 15 s");
        // And the session that runs the dashboard is told (a warning of Start-MuseumSyncDashboard).
        string? problem = null;
        for (var i = 0; i < 100 && !host.TryTakeProblem(out problem); i++) await Task.Delay(50);
        Assert.StartsWith("The dashboard cut off POST /stats after 1 s", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_PortTaken_ThrowsAndSaysWhatToDo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = Assert.Throws<DashboardStartException>(() => DashboardHost.Start(_storage, new DashboardHostOptions { Port = port }));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("-Port", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.20")]
    [InlineData("::1")]
    public void Start_AnyAddressBut127001_IsRefusedWithTheWayToReachItRemotely(string address)
    {
        var error = Assert.Throws<ArgumentException>(() => DashboardHost.Start(_storage, new DashboardHostOptions { Address = IPAddress.Parse(address) }));

        Assert.Contains("127.0.0.1 only", error.Message, StringComparison.Ordinal);
        Assert.Contains("SSH tunnel", error.Message, StringComparison.Ordinal);
        Assert.Contains("reverse proxy that authenticates", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_StopsListening()
    {
        var host = Start();
        var url = new Uri(host.Url, "jobs/succeeded");
        host.Dispose();

        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetAsync(url));
    }
}
