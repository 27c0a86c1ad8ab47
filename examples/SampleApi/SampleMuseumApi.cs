using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MuseumSync.SampleApi;

/// <summary>
/// An in-process sample museum: serves a <see cref="SampleCollection"/> as cursor-paged NDJSON
/// on 127.0.0.1 (<c>GET /objects?cursor=C&amp;limit=L</c>, <c>GET /health</c>).
/// </summary>
public sealed class SampleMuseumApi : IAsyncDisposable
{
    private const string NdjsonContentType = "application/x-ndjson; charset=utf-8";
    private const int FlushThresholdBytes = 32 * 1024;
    private static readonly byte[] NewLine = [(byte)'\n'];

    private readonly WebApplication _app;
    private readonly SampleApiOptions _options;
    private int _pagesServed;
    private int _recordsServed;
    private int _requests;
    private int _disposed;

    private SampleMuseumApi(WebApplication app, SampleApiOptions options, SampleCollection collection)
    {
        _app = app;
        _options = options;
        Collection = collection;
    }

    /// <summary>Root of the API, with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary><see cref="BaseAddress"/> + "objects".</summary>
    public Uri ObjectsUri { get; private set; } = null!;

    /// <summary>The feed being served.</summary>
    public SampleCollection Collection { get; }

    /// <summary>Completed (fully written, status 200) <c>/objects</c> responses.</summary>
    public int PagesServed => Volatile.Read(ref _pagesServed);

    /// <summary>Feed lines in completed <c>/objects</c> responses.</summary>
    public int RecordsServed => Volatile.Read(ref _recordsServed);

    /// <summary>All HTTP requests received, whatever their outcome.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Generates the collection and starts Kestrel on 127.0.0.1.</summary>
    public static async Task<SampleMuseumApi> StartAsync(SampleApiOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Snapshot();
        snapshot.Validate();

        var collection = SampleCollection.Generate(snapshot.RecordCount, snapshot.Seed, snapshot.InvalidRate, snapshot.DuplicateRate);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(SampleMuseumApi).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, snapshot.Port);
        });

        // Ctrl+C / SIGTERM are the host program's business, not this in-process server's.
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();

        var app = builder.Build();
        var api = new SampleMuseumApi(app, snapshot, collection);
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref api._requests);
            return next(context);
        });
        app.MapGet("/health", new RequestDelegate(HandleHealthAsync));
        app.MapGet("/objects", new RequestDelegate(api.HandleObjectsAsync));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("Kestrel reported no listening address.");
            api.BaseAddress = new Uri(address.TrimEnd('/') + "/", UriKind.Absolute);
            api.ObjectsUri = new Uri(api.BaseAddress, "objects");
            return api;
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops Kestrel.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Task HandleHealthAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("ok", context.RequestAborted);
    }

    private async Task HandleObjectsAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var aborted = context.RequestAborted;

        var limit = _options.DefaultPageSize;
        var limitValues = request.Query["limit"];
        if (limitValues.Count > 1
            || (limitValues.Count == 1 && !int.TryParse(limitValues[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out limit))
            || limit < 1 || limit > _options.MaxPageSize)
        {
            await WriteErrorAsync(
                context,
                "invalid limit",
                string.Create(CultureInfo.InvariantCulture, $"limit must be an integer between 1 and {_options.MaxPageSize}.")).ConfigureAwait(false);
            return;
        }

        var offset = 0;
        var cursorValues = request.Query["cursor"];
        if (cursorValues.Count > 1
            || (cursorValues.Count == 1 && !string.IsNullOrEmpty(cursorValues[0])
                && !SampleCursor.TryDecode(cursorValues[0]!, _options.Seed, out offset)))
        {
            await WriteErrorAsync(context, "invalid cursor", "The cursor was not issued by this server; start again without a cursor.")
                .ConfigureAwait(false);
            return;
        }

        var lines = Collection.Utf8Lines;
        var start = Math.Min(offset, lines.Count);
        var end = (int)Math.Min((long)start + limit, lines.Count);

        if (_options.PageLatency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(_options.PageLatency, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return;
            }
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = NdjsonContentType;
        response.Headers["X-Total-Count"] = lines.Count.ToString(CultureInfo.InvariantCulture);
        if (end < lines.Count)
        {
            var next = SampleCursor.Encode(end, _options.Seed);
            response.Headers["X-Next-Cursor"] = next;
            response.Headers.Link = string.Create(
                CultureInfo.InvariantCulture, $"<{ObjectsUri.AbsoluteUri}?cursor={next}&limit={limit}>; rel=\"next\"");
        }

        try
        {
            var body = response.BodyWriter;
            var pending = 0;
            for (var i = start; i < end; i++)
            {
                var line = lines[i];
                body.Write(line);
                body.Write(NewLine);
                pending += line.Length + 1;
                if (pending >= FlushThresholdBytes)
                {
                    pending = 0;
                    var flushed = await body.FlushAsync(aborted).ConfigureAwait(false);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        return;
                    }
                }
            }

            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }

        if (!aborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _pagesServed);
            Interlocked.Add(ref _recordsServed, end - start);
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, string error, string detail)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("error", error);
            json.WriteString("detail", detail);
            json.WriteNumber("status", StatusCodes.Status400BadRequest);
            json.WriteEndObject();
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A host lifetime that ignores console signals (the embedding program handles them).</summary>
    private sealed class PassiveHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
