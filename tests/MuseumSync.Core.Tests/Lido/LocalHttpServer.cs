using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using MuseumSync.Tests.Shared;

namespace MuseumSync.Core.Tests.Lido;

/// <summary>A Kestrel server on 127.0.0.1 (<see cref="LoopbackServer"/>) that records every request path: schema downloads, and proof that hostile documents fetch nothing.</summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _paths = new();
    private LoopbackServer _server = null!;

    private LocalHttpServer()
    {
    }

    public Uri BaseUri => _server.BaseUri;

    public IReadOnlyList<string> Paths => _paths.ToArray();

    public static async Task<LocalHttpServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var server = new LocalHttpServer();
        server._server = await LoopbackServer.StartAsync(async ctx =>
        {
            server._paths.Enqueue(ctx.Request.Path + ctx.Request.QueryString);
            await handler(ctx);
        });
        return server;
    }

    /// <summary>Serves the files of <paramref name="folder"/> under each of <paramref name="prefixes"/> (for example <c>/v1.1/</c>); 404 otherwise.</summary>
    public static Task<LocalHttpServer> ServeFolderAsync(string folder, params string[] prefixes) => StartAsync(async ctx =>
    {
        var path = ctx.Request.Path.Value ?? "/";
        foreach (var prefix in prefixes)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var file = Path.GetFullPath(Path.Combine(folder, path[prefix.Length..]));
            if (file.StartsWith(Path.GetFullPath(folder), StringComparison.Ordinal) && File.Exists(file))
            {
                ctx.Response.ContentType = "application/xml";
                await ctx.Response.SendFileAsync(file);
                return;
            }
        }
        ctx.Response.StatusCode = 404;
    });

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
