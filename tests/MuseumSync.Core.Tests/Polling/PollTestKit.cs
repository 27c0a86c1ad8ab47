using System.Text;
using Microsoft.AspNetCore.Http;
using MuseumSync.Http;
using MuseumSync.Polling;
using MuseumSync.Resilience;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>Shared helpers for the poller tests: requests with fast (virtual) waits, and collecting a poll.</summary>
internal static class PollTestKit
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    public static string Line(string id, string? title = null) => $$"""{"ObjectID":"{{id}}","title":"{{title ?? "Object " + id}}"}""";

    public static HttpResilienceOptions FastResilience(int retries = 6) => new()
    {
        MaxRetryAttempts = retries,
        BaseDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(60),
        AttemptTimeout = TimeSpan.FromSeconds(20),
        Randomizer = () => 0.5,
    };

    /// <summary>A poller whose waits run on <paramref name="time"/> and whose timeouts run on the system clock.</summary>
    public static MuseumPoller Poller(HttpClient http, InstantTime time, List<string>? log = null, List<string>? warnings = null) =>
        new(http, time, TimeProvider.System, log is null ? null : m =>
        {
            lock (log) log.Add(m);
        }, warnings is null ? null : m =>
        {
            lock (warnings) warnings.Add(m);
        });

    public static async Task<List<MuseumRecord>> PollAllAsync(MuseumPoller poller, PollRequest request, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TestTimeout);
        var list = new List<MuseumRecord>();
        await foreach (var r in poller.PollAsync(request, cts.Token)) list.Add(r);
        return list;
    }

    public static string[] Ids(IEnumerable<MuseumRecord> records) => records.Select(r => r.ObjectId ?? "?").ToArray();

    public static HttpClient Client(int connections = 32) => MuseumHttp.CreateClient(MuseumHttp.CreateHandler(connections), disposeHandler: true);

    public static async Task WriteJsonAsync(HttpContext ctx, string json, int status = 200, string contentType = "application/json")
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(json);
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    /// <summary>Sends headers and half the body, then drops the connection: a body cut mid-stream.</summary>
    public static async Task WriteHalfAndDropAsync(HttpContext ctx, string body, string contentType)
    {
        ctx.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        // Abort resets the connection, and a reset discards what the client has not read yet: the client must have read
        // the headers by then, or the break is a failed request instead of a broken body. 50 ms was not always enough
        // on a loaded 2-core machine (EnvelopeBodyCutMidPage_… saw 0 body breaks once in CI).
        await Task.Delay(500);
        ctx.Abort();
    }
}
