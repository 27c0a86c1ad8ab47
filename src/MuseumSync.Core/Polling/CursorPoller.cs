using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using MuseumSync.Http;
using MuseumSync.Json;
using MuseumSync.Mapping;
using MuseumSync.Paging;
using MuseumSync.Resilience;
using Polly;

namespace MuseumSync.Polling;

/// <summary>
/// Streams a cursor-paged NDJSON endpoint: <c>?cursor=…&amp;limit=…</c>, the next cursor in <c>X-Next-Cursor</c> or
/// <c>Link: &lt;…&gt;; rel="next"</c>, and no next when the feed is done. Each line is parsed as it arrives; a page is
/// never buffered. A body that breaks off mid-page is read again from the page's cursor, skipping what was already
/// returned, so the caller sees every line exactly once.
/// </summary>
public sealed class CursorPoller
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Action<string>? _verbose;

    /// <summary>Creates a poller over a (pooled) client.</summary>
    public CursorPoller(HttpClient http, TimeProvider? time = null, Action<string>? verbose = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _time = time ?? TimeProvider.System;
        _verbose = verbose;
    }

    /// <summary>The header that carries the next cursor.</summary>
    public const string NextCursorHeader = "X-Next-Cursor";

    /// <summary>The header that carries the correlation id of every request.</summary>
    public const string CorrelationHeader = "X-Correlation-ID";

    /// <summary>Reads every page from <see cref="PollRequest.StartPosition"/> to the end of the feed.</summary>
    public async IAsyncEnumerable<MuseumRecord> PollAsync(PollRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var pipeline = HttpRetryPipeline.Create(request.Resilience, _time, _verbose);
        var factory = new RecordFactory(request.FieldMap);
        var position = request.StartPosition;
        long pageNumber = 0;
        while (request.MaxPages is null || pageNumber < request.MaxPages)
        {
            pageNumber++;
            var url = PageUrl(request, position);
            var correlationId = Guid.NewGuid().ToString();
            var masked = UrlMasker.Mask(url);
            var yielded = 0;
            var bodyFailures = 0;
            string? next;
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await SendAsync(pipeline, url, correlationId, cancellationToken).ConfigureAwait(false);
                EnsureUsable(response, url, correlationId);
                next = NextPosition(response, url);
                var resume = next ?? position;
                var origin = new RecordOrigin(request.Source, position, pageNumber, 0, masked, correlationId, _time.GetUtcNow());
                _verbose?.Invoke($"GET {masked} -> {(int)response.StatusCode} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms; correlation {correlationId}; next {(next is null ? "(none: last page)" : Shorten(next))}");

                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var reader = new NdjsonReader(stream);
                // A body that stalls is treated like one that broke off: the idle timer restarts on every line.
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                MuseumRecord? held = null;
                var line = 0;
                Exception? broken = null;
                while (true)
                {
                    bool more;
                    try
                    {
                        idle.CancelAfter(request.Resilience.AttemptTimeout);
                        more = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (IsBodyFailure(ex) && !cancellationToken.IsCancellationRequested)
                    {
                        broken = ex;
                        break;
                    }
                    if (!more) break;
                    line++;
                    if (line <= yielded) continue; // returned before the body broke off on an earlier attempt
                    var record = factory.Create(reader.Current, origin with { LineNumber = line }, resume, endOfPage: false);
                    if (held is not null)
                    {
                        yield return held;
                        yielded++;
                    }
                    held = record;
                }

                if (broken is not null)
                {
                    bodyFailures++;
                    if (bodyFailures > request.MaxBodyRetries)
                    {
                        throw new MuseumPollException(
                            $"The response body of {masked} broke off {bodyFailures} times (last: {broken.Message}); correlation {correlationId}. The page's records before the break were returned; run again to resume from the checkpoint.",
                            "MuseumPollBodyBroken", isTransient: true, url, (int)response.StatusCode, correlationId, broken);
                    }
                    var delay = Backoff(request.Resilience, bodyFailures);
                    _verbose?.Invoke($"the body of {masked} broke off after {line} lines ({broken.GetType().Name}: {broken.Message}); reading the page again from its cursor in {delay.TotalMilliseconds:0} ms (attempt {bodyFailures + 1})");
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (held is not null)
                {
                    held.EndOfPage = true;
                    held.EndOfFeed = next is null;
                    yield return held;
                }
                break;
            }
            if (next is null) yield break;
            position = next;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(ResiliencePipeline<HttpResponseMessage> pipeline, Uri url, string correlationId, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(async ct =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, url);
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/x-ndjson"));
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
                message.Headers.TryAddWithoutValidation(CorrelationHeader, correlationId);
                return await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new MuseumPollException(
                $"Could not read {UrlMasker.Mask(url)}: {ex.Message} (correlation {correlationId}). Check that the endpoint is up and reachable; the run resumes from its checkpoint next time.",
                "MuseumPollUnreachable", isTransient: true, url, null, correlationId, ex);
        }
    }

    private static void EnsureUsable(HttpResponseMessage response, Uri url, string correlationId)
    {
        if (response.IsSuccessStatusCode && !IsHtml(response)) return;
        var status = (int)response.StatusCode;
        var transient = HttpRetryPipeline.IsTransientStatus(response.StatusCode) || IsHtml(response);
        var hint = status switch
        {
            400 => "The server rejected the request; check -Uri, -PageSize and the stored checkpoint (Reset it if the cursor is stale).",
            401 or 403 => "The server refused access; check the credentials for this source.",
            404 => "The endpoint does not exist; check -Uri.",
            _ when IsHtml(response) => "The server answered with an HTML page instead of data (a firewall or CDN throttle); try again later.",
            _ => "The server kept failing after every retry; try again later.",
        };
        throw new MuseumPollException(
            $"GET {UrlMasker.Mask(url)} answered {status} {response.ReasonPhrase} (correlation {correlationId}). {hint}",
            "MuseumPollHttpError", transient, url, status, correlationId);
    }

    private static bool IsHtml(HttpResponseMessage r) => HttpRetryPipeline.IsHtmlInsteadOfData(r);

    private static bool IsBodyFailure(Exception ex) => ex is IOException or HttpRequestException or OperationCanceledException;

    private static string? NextPosition(HttpResponseMessage response, Uri url)
    {
        if (response.Headers.TryGetValues(NextCursorHeader, out var cursors))
        {
            var c = cursors.FirstOrDefault();
            if (!string.IsNullOrWhiteSpace(c)) return c.Trim();
        }
        if (response.Headers.TryGetValues("Link", out var links))
        {
            var nextUri = LinkHeader.FindRel(links, "next", url);
            if (nextUri is not null) return nextUri.AbsoluteUri;
        }
        return null;
    }

    /// <summary>The URL of the page at <paramref name="position"/>: an absolute URL as it is, a cursor as a query parameter.</summary>
    internal static Uri PageUrl(PollRequest request, string? position)
    {
        if (position is not null && Uri.TryCreate(position, UriKind.Absolute, out var absolute) &&
            (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return absolute;
        }
        return QueryString.With(request.Uri, (request.CursorParameter, position), (request.LimitParameter, request.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static TimeSpan Backoff(HttpResilienceOptions options, int attempt)
    {
        var ms = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
#pragma warning disable CA5394 // jitter, not security
        return TimeSpan.FromMilliseconds(ms * (0.5 + (Random.Shared.NextDouble() / 2)));
#pragma warning restore CA5394
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
