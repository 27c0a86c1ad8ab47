using System.Collections.Concurrent;
using System.Net;

namespace MuseumSync.Http;

/// <summary>
/// One pooled <see cref="SocketsHttpHandler"/> for the process. Every poll shares its connections, and a pooled
/// connection lives at most <see cref="PooledConnectionLifetime"/>, so DNS changes are picked up on long runs.
/// </summary>
internal static class MuseumHttp
{
    private static readonly Lazy<HttpClient> s_shared = new(() => CreateClient(CreateHandler(allowAutoRedirect: true)));
    private static readonly ConcurrentDictionary<int, HttpClient> s_byConnections = new();

    /// <summary>How long a pooled connection is reused. The value is 5 minutes.</summary>
    public static TimeSpan PooledConnectionLifetime { get; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The shared client for downloads that carry no credentials (LIDO schemas, IIIF manifests); it follows redirects.
    /// Requests carry their own timeouts and cancellation; the client's own timeout is infinite.
    /// </summary>
    public static HttpClient Shared => s_shared.Value;

    /// <summary>
    /// A shared client whose handler opens at most <paramref name="maxConnectionsPerServer"/> connections to one server:
    /// the connection bound of <c>-ThrottleLimit</c>. One per distinct limit for the life of the process, so connections are pooled across runs.
    /// </summary>
    public static HttpClient ForConcurrency(int maxConnectionsPerServer) =>
        s_byConnections.GetOrAdd(Math.Clamp(maxConnectionsPerServer, 1, 256), n => CreateClient(CreateHandler(n)));

    /// <summary>
    /// Creates a handler with MuseumSync's pooling settings. Polls use it without automatic redirects (the default):
    /// .NET would forward an API key header to any host a redirect names, so the poller follows redirects itself, same-origin only.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(int maxConnectionsPerServer = 32, bool allowAutoRedirect = false) => new()
    {
        PooledConnectionLifetime = PooledConnectionLifetime,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        MaxConnectionsPerServer = maxConnectionsPerServer,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        AllowAutoRedirect = allowAutoRedirect,
        UseCookies = false,
    };

    /// <summary>Creates a client over <paramref name="handler"/> with MuseumSync's user agent.</summary>
    public static HttpClient CreateClient(HttpMessageHandler handler, bool disposeHandler = false)
    {
        var client = new HttpClient(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd($"MuseumSync/{typeof(MuseumHttp).Assembly.GetName().Version?.ToString(3) ?? "0"}");
        return client;
    }
}
