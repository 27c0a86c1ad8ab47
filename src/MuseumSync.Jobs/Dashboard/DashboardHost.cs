using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;

namespace MuseumSync.Jobs.Dashboard;

/// <summary>
/// Hangfire's dashboard served by <see cref="HttpListener"/> on 127.0.0.1, without ASP.NET Core (which pwsh does not
/// load): each request passes <see cref="RequestGuard"/>, then goes to the dispatcher of Hangfire's own route table,
/// as Hangfire.AspNetCore's middleware does it. Bounded: requests at once, the body read, the response built, and the
/// time a request may take (a slow client is cut off). Disposing it stops it.
/// </summary>
internal sealed class DashboardHost : IDisposable
{
    private const int MaxProblems = 100;
    private static readonly TimeSpan s_stopWait = TimeSpan.FromSeconds(5);

    private readonly HttpListener _listener;
    private readonly JobStorage _storage;
    private readonly DashboardOptions _dashboard;
    private readonly DashboardHostOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly Task _accepting;
    private int _disposed;

    private DashboardHost(HttpListener listener, Uri url, JobStorage storage, DashboardHostOptions options)
    {
        _listener = listener;
        Url = url;
        _storage = storage;
        _options = options;
        Guard = new RequestGuard(url, options.MaxRequestBodyBytes);
        _slots = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        _dashboard = new DashboardOptions
        {
            // No "back to site" link: there is no site.
            AppPath = null,
            // Hangfire writes the title into the navigation bar as HTML; a source name or a path is text.
            DashboardTitle = WebUtility.HtmlEncode(options.Title),
            // Hangfire would print the storage's connection string on every page; the title says which store it is.
            DisplayStorageConnectionString = false,
            IsReadOnlyFunc = _ => !options.AllowActions,
            // Hangfire's default (LocalRequestsOnlyAuthorizationFilter) stays, behind the guard's own loopback check.
        };
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The dashboard's address, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The checks every request passes (its token is on every page).</summary>
    internal RequestGuard Guard { get; }

    /// <summary>Starts listening on 127.0.0.1 and serving the dashboard of <paramref name="storage"/>.</summary>
    /// <exception cref="DashboardStartException">The port is taken or the system refused to listen on it.</exception>
    public static DashboardHost Start(JobStorage storage, DashboardHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // The pages deserialize jobs to show their names: the same type resolution as the workers'.
        JobEngine.Configure();
        HttpListenerException? last = null;
        var port = options.Port;
        // A free port found by binding port 0 can be taken by another program before the listener binds it: try again.
        for (var attempt = 0; attempt < (options.Port == 0 ? 10 : 1); attempt++)
        {
            if (options.Port == 0) port = FreePort();
            var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            listener.Prefixes.Add(url.ToString());
            try
            {
                listener.Start();
                return new DashboardHost(listener, url, storage, options);
            }
            catch (HttpListenerException ex)
            {
                listener.Close();
                last = ex;
            }
        }
        var fix = OperatingSystem.IsWindows() && last?.ErrorCode == 5
            ? $"Windows lets an administrator reserve it once for you: netsh http add urlacl url=http://127.0.0.1:{port}/ user=%USERDOMAIN%\\%USERNAME%"
            : "Another program may be listening on it: choose another -Port, or 0 (the default) for a free one.";
        throw new DashboardStartException($"The dashboard cannot listen on 127.0.0.1:{port} ({last?.Message}). {fix}", last);
    }

    /// <summary>Takes one problem a request ran into (a page that failed, a client cut off), oldest first.</summary>
    public bool TryTakeProblem(out string problem) => _problems.TryDequeue(out problem!);

    /// <summary>Stops listening, cuts off requests in flight, and waits for them (a few seconds at most).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        try
        {
            _listener.Stop();
        }
        catch (ObjectDisposedException)
        {
        }
        var finished = true;
        try
        {
            Task.WhenAll(_inFlight.Keys.Append(_accepting)).WaitAsync(s_stopWait).ConfigureAwait(false).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            // Connections are closed with the listener; a request still in Hangfire's storage call cannot hold the caller longer than this.
            finished = false;
        }
        _listener.Close();
        if (finished)
        {
            // A request that outlived the wait still releases its slot: these are left to the collector then.
            _stop.Dispose();
            _slots.Dispose();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext http;
            try
            {
                http = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                if (_stop.IsCancellationRequested || !_listener.IsListening) return;
                Note($"The dashboard could not accept a connection: {ex.Message}");
                continue;
            }
            var serving = ServeAsync(http);
            _inFlight.TryAdd(serving, true);
            _ = serving.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(HttpListenerContext http)
    {
        await Task.Yield();
        if (!_slots.Wait(0))
        {
            await RefuseAsync(http, new Refusal(503, $"The dashboard is serving {_options.MaxConcurrentRequests} requests already; try again in a moment."), CancellationToken.None).ConfigureAwait(false);
            return;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_options.RequestTimeout);
            // Reads and writes of HttpListener's streams do not all observe a token: aborting the response closes the
            // connection, which ends them.
            using var abort = timeout.Token.Register(() => Abort(http));
            try
            {
                await ServeCoreAsync(http, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (timeout.IsCancellationRequested && !_stop.IsCancellationRequested)
            {
                Note($"The dashboard cut off {http.Request.HttpMethod} {http.Request.Url?.AbsolutePath} after {_options.RequestTimeout.TotalSeconds:0.#} s ({ex.GetType().Name}).");
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The client went away, or the dashboard is stopping.
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
            {
                // A request HttpListener took but cannot be answered (a malformed header): it must not end the server.
                Note($"The dashboard could not answer a request: {ex.Message}");
                Abort(http);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task ServeCoreAsync(HttpListenerContext http, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var refusal = Guard.Check(new RequestFacts(
            request.HttpMethod,
            request.RemoteEndPoint?.Address,
            request.Headers["Host"],
            request.Headers["Origin"],
            request.Headers["Referer"],
            request.Headers[RequestGuard.TokenHeader],
            request.ContentLength64));
        if (refusal is not null)
        {
            await RefuseAsync(http, refusal, cancellationToken).ConfigureAwait(false);
            return;
        }
        var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        var route = DashboardRoutes.Routes.FindDispatcher(path);
        if (route is null)
        {
            await RefuseAsync(http, new Refusal(404, $"The dashboard has no page {path}."), cancellationToken).ConfigureAwait(false);
            return;
        }
        var body = Array.Empty<byte>();
        if (request.HasEntityBody)
        {
            body = await ReadBodyAsync(request.InputStream, cancellationToken).ConfigureAwait(false);
            if (body.Length > _options.MaxRequestBodyBytes)
            {
                await RefuseAsync(http, new Refusal(413, $"The request body is over the dashboard's limit of {_options.MaxRequestBodyBytes} bytes."), cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        using var response = new ListenerDashboardResponse(_options.MaxResponseBytes);
        var context = new ListenerDashboardContext(_storage, _dashboard, ListenerDashboardRequest.From(request, body), response, Guard);
        foreach (var filter in _dashboard.Authorization)
        {
            if (!filter.Authorize(context))
            {
                await RefuseAsync(http, new Refusal(403, "The dashboard answers this machine only."), cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        context.UriMatch = route.Item2;
        try
        {
            await route.Item1.Dispatch(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Note($"The dashboard could not serve {request.HttpMethod} {path}: {ex.GetType().Name}: {ex.Message}");
            await RefuseAsync(http, new Refusal(500, $"The dashboard could not serve {path}; the PowerShell session that runs it says why."), cancellationToken).ConfigureAwait(false);
            return;
        }
        await SendAsync(http, response.StatusCode, response.ContentType, response.Expires, response.Content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads at most one byte over the limit (so an oversized chunked body is noticed without being kept).</summary>
    private async Task<byte[]> ReadBodyAsync(Stream input, CancellationToken cancellationToken)
    {
        var limit = _options.MaxRequestBodyBytes + 1;
        var buffer = new byte[Math.Min(limit, 16 * 1024)];
        using var body = new MemoryStream();
        while (body.Length < limit)
        {
            var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - body.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }

    private static Task RefuseAsync(HttpListenerContext http, Refusal refusal, CancellationToken cancellationToken) =>
        SendAsync(http, refusal.Status, "text/plain; charset=utf-8", null, Encoding.UTF8.GetBytes(refusal.Reason + "\n"), cancellationToken);

    private static async Task SendAsync(HttpListenerContext http, int status, string? contentType, string? expires, ArraySegment<byte> content, CancellationToken cancellationToken)
    {
        var response = http.Response;
        response.StatusCode = status;
        if (!string.IsNullOrEmpty(contentType)) response.ContentType = contentType;
        var headers = response.Headers;
        headers["X-Content-Type-Options"] = "nosniff";
        // Not in a frame of another site (clickjacking the action buttons), and no address sent to other sites.
        headers["X-Frame-Options"] = "DENY";
        headers["Content-Security-Policy"] = "frame-ancestors 'none'";
        headers["Referrer-Policy"] = "same-origin";
        if (expires is not null) headers["Expires"] = expires;
        else headers["Cache-Control"] = "no-store";
        response.ContentLength64 = content.Count;
        if (content.Count > 0 && !string.Equals(http.Request.HttpMethod, "HEAD", StringComparison.OrdinalIgnoreCase))
        {
            await response.OutputStream.WriteAsync(content.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        response.Close();
    }

    private static void Abort(HttpListenerContext http)
    {
        try
        {
            http.Response.Abort();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or HttpListenerException)
        {
        }
    }

    private void Note(string problem)
    {
        _problems.Enqueue(problem);
        while (_problems.Count > MaxProblems) _problems.TryDequeue(out _);
    }
}
