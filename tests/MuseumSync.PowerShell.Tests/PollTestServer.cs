using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MuseumSync.PowerShell.Tests;

/// <summary>A Kestrel server on 127.0.0.1 for the poll tests; it records every request URL and header set.</summary>
internal sealed class PollTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PollTestServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<(string PathAndQuery, IHeaderDictionary Headers)> Requests { get; } = new();

    public string Url(string pathAndQuery) => new Uri(BaseUri, pathAndQuery).AbsoluteUri;

    public static async Task<PollTestServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        PollTestServer? self = null;
        app.Run(async ctx =>
        {
            self!.Requests.Enqueue((ctx.Request.Path + ctx.Request.QueryString, new HeaderDictionary(ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value))));
            await handler(ctx);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        self = new PollTestServer(app, new Uri(address.TrimEnd('/') + "/"));
        return self;
    }

    public static async Task WriteJsonAsync(HttpContext ctx, string json, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json, ctx.RequestAborted);
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
        }
        await _app.DisposeAsync();
    }
}
