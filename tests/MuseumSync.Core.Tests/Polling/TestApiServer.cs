using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>One request as the server saw it.</summary>
internal sealed record SeenRequest(int Number, string PathAndQuery, string? Cursor, string? Limit, string? CorrelationId, string Accept);

/// <summary>A real Kestrel server on 127.0.0.1 with an ephemeral port, answering with a test's handler.</summary>
internal sealed class TestApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenRequest> _requests = new();
    private int _count;

    private TestApiServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>The server's root, for example http://127.0.0.1:41234/.</summary>
    public Uri BaseUri { get; }

    public IReadOnlyList<SeenRequest> Requests => _requests.ToArray();

    public int RequestCount => Volatile.Read(ref _count);

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>Starts a server; <paramref name="handler"/> gets the context and the 1-based request number.</summary>
    public static async Task<TestApiServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        TestApiServer? server = null;
        app.Run(async ctx =>
        {
            var s = server!;
            var n = Interlocked.Increment(ref s._count);
            var q = ctx.Request.Query;
            s._requests.Enqueue(new SeenRequest(
                n,
                ctx.Request.Path + ctx.Request.QueryString,
                q.TryGetValue("cursor", out var c) ? c.ToString() : null,
                q.TryGetValue("limit", out var l) ? l.ToString() : null,
                ctx.Request.Headers.TryGetValue("X-Correlation-ID", out var id) ? id.ToString() : null,
                ctx.Request.Headers.Accept.ToString()));
            await handler(ctx, n);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new TestApiServer(app, new Uri(address.TrimEnd('/') + "/"));
        return server;
    }

    /// <summary>Waits until the client goes away or the server stops: a server that never answers.</summary>
    public static async Task HangAsync(HttpContext ctx)
    {
        var stopping = ctx.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
            // the client went away, or the test is over
        }
    }

    /// <summary>Writes NDJSON lines (each with its newline).</summary>
    public static async Task WriteLinesAsync(HttpContext ctx, IEnumerable<string> lines)
    {
        ctx.Response.ContentType ??= "application/x-ndjson";
        foreach (var line in lines)
        {
            await ctx.Response.WriteAsync(line + "\n", ctx.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // a handler still blocked on a cancelled test; the disposal below tears it down.
        }
        await _app.DisposeAsync();
    }
}
