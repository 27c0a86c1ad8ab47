using System.Net;
using System.Net.Sockets;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Resilience;

/// <summary>An endpoint that cannot be reached fails fast and says where and why (issue 13).</summary>
public sealed class UnreachableTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    /// <summary>A loopback port nothing listens on: bind a listener, take its port, close it.</summary>
    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task PollAsync_ConnectionRefusedBeforeAnyResponse_FailsAtOnceNamingUrlAndCause()
    {
        var port = ClosedPort();
        var time = new InstantTime();
        var log = new List<string>();
        var poller = Poller(_http, time, log);
        var request = new PollRequest { Uri = new Uri($"http://127.0.0.1:{port}/objects?api_key=SECRET"), Source = "down", Resilience = FastResilience() };

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(poller, request));

        Assert.Equal("MuseumPollUnreachable", ex.ErrorId);
        Assert.Equal(1, poller.Statistics.Requests); // no retries, no circuit breaks
        Assert.Empty(time.WaitList);
        Assert.Equal(0, poller.Statistics.CircuitBreaks);
        Assert.Contains($"http://127.0.0.1:{port}/objects", ex.Message, StringComparison.Ordinal);
        Assert.Contains("refused", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("stops at once", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A socket error that reaches the pipeline unwrapped (a handler in between that does not wrap it): a transient
    /// failure, retried, then MuseumPollUnreachable naming the URL, never a bare SocketException.</summary>
    [Fact]
    public async Task PollAsync_UnwrappedSocketError_RetriedThenUnreachableNamingTheUrl()
    {
        var time = new InstantTime();
        using var http = new HttpClient(new ThrowingHandler(() => new SocketException((int)SocketError.ConnectionReset)));
        var poller = Poller(http, time);
        var request = new PollRequest { Uri = new Uri("http://127.0.0.1:9/objects?api_key=SECRET"), Source = "down", Resilience = FastResilience(retries: 2) };

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(poller, request));

        Assert.Equal("MuseumPollUnreachable", ex.ErrorId);
        Assert.True(ex.IsTransient);
        Assert.Equal(3, poller.Statistics.Requests); // the first attempt and two retries
        Assert.IsType<SocketException>(ex.InnerException);
        Assert.Contains("http://127.0.0.1:9/objects", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingHandler(Func<Exception> failure) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromException<HttpResponseMessage>(failure());
    }

    [Fact]
    public async Task PollAsync_UnknownHostBeforeAnyResponse_FailsAtOnce()
    {
        var time = new InstantTime();
        var poller = Poller(_http, time);
        // .invalid never resolves (RFC 6761).
        var request = new PollRequest { Uri = new Uri("http://museum-api.invalid/objects"), Source = "down", Resilience = FastResilience() };

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(poller, request));

        Assert.Equal("MuseumPollUnreachable", ex.ErrorId);
        Assert.Equal(1, poller.Statistics.Requests);
        Assert.Empty(time.WaitList);
        Assert.Contains("museum-api.invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollAsync_RefusedAfterTheSourceAnswered_RetriedAndCircuitWarningNamesUrlAndCause()
    {
        var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            ctx.Response.Headers["X-Next-Cursor"] = "2";
            await TestApiServer.WriteLinesAsync(ctx, [Line("1")]);
        });
        var baseUri = server.BaseUri;
        var time = new InstantTime();
        var log = new List<string>();
        var poller = Poller(_http, time, log);
        var resilience = FastResilience(retries: 6);
        resilience.BaseDelay = TimeSpan.FromMilliseconds(1);
        resilience.MaxDelay = TimeSpan.FromMilliseconds(10);
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(1);
        var request = new PollRequest { Uri = new Uri(baseUri, "objects"), Source = "flaky", Resilience = resilience };
        var records = new List<MuseumRecord>();

        var ex = await Assert.ThrowsAsync<MuseumPollException>(async () =>
        {
            using var cts = new CancellationTokenSource(TestTimeout);
            await foreach (var r in poller.PollAsync(request, cts.Token))
            {
                records.Add(r);
                await server.DisposeAsync(); // the source goes away after its first page
                time.Advance(TimeSpan.FromSeconds(5)); // and its one success leaves the breaker's window
            }
        });

        Assert.Single(records);
        Assert.Equal("MuseumPollUnreachable", ex.ErrorId);
        Assert.True(poller.Statistics.Retries > 0, "a source that has answered once is retried");
        var opened = log.Where(m => m.StartsWith("circuit opened", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(opened);
        Assert.All(opened, m =>
        {
            Assert.Contains(new Uri(baseUri, "objects").AbsoluteUri, m, StringComparison.Ordinal);
            Assert.Contains("refused", m, StringComparison.OrdinalIgnoreCase);
        });
    }
}
