using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MuseumSync.Core.Tests.Lido;

/// <summary>A Kestrel server on 127.0.0.1 (ephemeral port) that records every request path: schema downloads, and proof that hostile documents fetch nothing.</summary>
internal sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _paths = new();

    private LocalHttpServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<string> Paths => _paths.ToArray();

    public static async Task<LocalHttpServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var server = new LocalHttpServer(app);
        app.Run(async ctx =>
        {
            server._paths.Enqueue(ctx.Request.Path + ctx.Request.QueryString);
            await handler(ctx);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
