using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MuseumSync.Tests.Shared;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>One request as the server saw it.</summary>
internal sealed record SeenRequest(int Number, string PathAndQuery, string? Cursor, string? Limit, string? CorrelationId, string Accept);

/// <summary>A real Kestrel server on 127.0.0.1 with an ephemeral port (<see cref="LoopbackServer"/>), answering with a test's handler and recording each request.</summary>
internal sealed class TestApiServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<SeenRequest> _requests = new();
    private LoopbackServer _server = null!;
    private int _count;

    private TestApiServer()
    {
    }

    /// <summary>The server's root, for example http://127.0.0.1:41234/.</summary>
    public Uri BaseUri => _server.BaseUri;

    public IReadOnlyList<SeenRequest> Requests => _requests.ToArray();

    public int RequestCount => Volatile.Read(ref _count);

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>Starts a server; <paramref name="handler"/> gets the context and the 1-based request number.</summary>
    public static async Task<TestApiServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        var s = new TestApiServer();
        s._server = await LoopbackServer.StartAsync(async ctx =>
        {
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
        return s;
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

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
