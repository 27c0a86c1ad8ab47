using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using MuseumSync.Tests.Shared;

namespace MuseumSync.PowerShell.Tests;

/// <summary>A Kestrel server on 127.0.0.1 (<see cref="LoopbackServer"/>) for the poll tests; it records every request URL and header set.</summary>
internal sealed class PollTestServer : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private PollTestServer()
    {
    }

    public Uri BaseUri => _server.BaseUri;

    public ConcurrentQueue<(string PathAndQuery, IHeaderDictionary Headers)> Requests { get; } = new();

    public string Url(string pathAndQuery) => new Uri(BaseUri, pathAndQuery).AbsoluteUri;

    public static async Task<PollTestServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var s = new PollTestServer();
        s._server = await LoopbackServer.StartAsync(async ctx =>
        {
            s.Requests.Enqueue((ctx.Request.Path + ctx.Request.QueryString, new HeaderDictionary(ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value))));
            await handler(ctx);
        });
        return s;
    }

    public static async Task WriteJsonAsync(HttpContext ctx, string json, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json, ctx.RequestAborted);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
