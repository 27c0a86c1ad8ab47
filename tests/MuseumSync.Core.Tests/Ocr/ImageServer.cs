using System.Collections.Concurrent;
using MuseumSync.Core.Tests.Polling;

namespace MuseumSync.Core.Tests.Ocr;

/// <summary>A 127.0.0.1 server of images and IIIF manifests whose content a test can change between runs; counts requests per path.</summary>
internal sealed class ImageServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Body, string Type)> _content = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private TestApiServer _server = null!;

    public static async Task<ImageServer> StartAsync()
    {
        var s = new ImageServer();
        s._server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var path = ctx.Request.Path.Value ?? "/";
            s._hits.AddOrUpdate(path, 1, (_, n) => n + 1);
            if (!s._content.TryGetValue(path, out var c))
            {
                ctx.Response.StatusCode = 404;
                return;
            }
            ctx.Response.ContentType = c.Type;
            ctx.Response.ContentLength = c.Body.Length;
            await ctx.Response.Body.WriteAsync(c.Body, ctx.RequestAborted);
        });
        return s;
    }

    public string Url(string path) => new Uri(_server.BaseUri, path.TrimStart('/')).AbsoluteUri;

    public void Put(string path, byte[] body, string type = "image/png") => _content[path] = (body, type);

    public int Hits(string path) => _hits.TryGetValue(path, out var n) ? n : 0;

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
