using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Xml;
using MuseumSync.Http;
using MuseumSync.Mapping;
using MuseumSync.Paging;
using MuseumSync.Resilience;
using MuseumSync.Validation;

namespace MuseumSync.Polling;

/// <summary>
/// Polls a museum API page by page in any paging style and format (<see cref="PagingStyle"/>, <see cref="RecordFormat"/>),
/// or by ID fan-out (<see cref="PollRequest.ItemUri"/>), through one resilience pipeline per source. Every record carries
/// its page position, where to resume once its page is committed, and the end-of-page and end-of-feed marks the sync's
/// checkpoint relies on. A page is never held whole in memory; a body that breaks off is read again from its position,
/// skipping what was already handed out, so the caller sees every record once.
/// </summary>
internal sealed class MuseumPoller
{
    /// <summary>The header that carries the next cursor.</summary>
    private const string NextCursorHeader = "X-Next-Cursor";

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly TimeProvider _timeoutTime;
    private readonly Action<string>? _verbose;
    private readonly Action<string>? _warning;

    /// <summary>Creates a poller over a (pooled) client.</summary>
    /// <param name="http">The client; its handler should pool connections (<see cref="MuseumHttp"/>).</param>
    /// <param name="time">The clock for waits and timeouts. The default is the system clock.</param>
    /// <param name="verbose">Receives one line per request, retry and wait; each names the correlation id.</param>
    /// <param name="warning">Receives what an admin should see unasked (a circuit opened); null sends it to <paramref name="verbose"/>.</param>
    public MuseumPoller(HttpClient http, TimeProvider? time = null, Action<string>? verbose = null, Action<string>? warning = null)
        : this(http, time ?? TimeProvider.System, time ?? TimeProvider.System, verbose, warning)
    {
    }

    /// <summary>A poller whose waits (backoff, quotas, breaks) run on <paramref name="time"/> and timeouts on <paramref name="timeoutTime"/>.</summary>
    internal MuseumPoller(HttpClient http, TimeProvider time, TimeProvider timeoutTime, Action<string>? verbose, Action<string>? warning = null)
    {
        _warning = warning;
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _time = time;
        _timeoutTime = timeoutTime;
        _verbose = verbose;
    }

    /// <summary>What the poller did on the wire, over all its runs.</summary>
    public PollStatistics Statistics { get; } = new();

    /// <summary>Reads every page from <see cref="PollRequest.StartPosition"/> to the end of the feed.</summary>
    public async IAsyncEnumerable<MuseumRecord> PollAsync(PollRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        Statistics.Source = request.Source;
        using var runCts = request.Resilience.RunTimeout is { } limit ? new CancellationTokenSource(limit, _timeoutTime) : new CancellationTokenSource();
        using var link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), runCts);
        var pipeline = new SourcePipeline(_http, request.Resilience, request.RateLimit, request.Authenticator, OriginPolicy.For(request), _time, _timeoutTime, _verbose, Statistics, _warning ?? _verbose);
        var run = new PollRun(request, pipeline, _time, _verbose, _warning, Statistics, runCts.Token);
        var records = request.Paging == PagingStyle.ChangeDiscovery
            ? ChangeDiscovery.ReadAsync(run, new SourcePipeline(_http, request.Resilience, request.RateLimit, authenticator: null, OriginPolicy.For(request), _time, _timeoutTime, _verbose, Statistics, _warning ?? _verbose))
            : request.ItemUri is null ? PagesAsync(run) : FanOut.ReadAsync(run);
        var e = records.GetAsyncEnumerator(runCts.Token);
        await using var eScope = e.ConfigureAwait(false);
        while (true)
        {
            bool more;
            try
            {
                more = await e.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (runCts.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new MuseumPollException(
                    $"The poll of source '{request.Source}' ({UrlMasker.Mask(request.Uri, pipeline.SecretNames)}) ran longer than its run timeout of {request.Resilience.RunTimeout} and was stopped. The records returned so far stand; run again to resume from the checkpoint.",
                    "MuseumPollTimeout", isTransient: true, request.Uri, null, null, ex);
            }
            if (!more) yield break;
            Statistics.Record(e.Current);
            yield return e.Current;
        }
    }

    /// <summary>
    /// An ID fan-out's id list, read to its end through the same pipeline (origin rules, retries, pace) without
    /// fetching the items: what a scale-out list job plans its chunk jobs from.
    /// </summary>
    public async IAsyncEnumerable<string?> ListIdsAsync(PollRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (request.ItemUri is null) throw new ArgumentException($"Source '{request.Source}' is not an ID fan-out (it has no item URL); it has no id list.", nameof(request));
        Statistics.Source = request.Source;
        using var runCts = request.Resilience.RunTimeout is { } limit ? new CancellationTokenSource(limit, _timeoutTime) : new CancellationTokenSource();
        using var link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), runCts);
        var pipeline = new SourcePipeline(_http, request.Resilience, request.RateLimit, request.Authenticator, OriginPolicy.For(request), _time, _timeoutTime, _verbose, Statistics, _warning ?? _verbose);
        var run = new PollRun(request, pipeline, _time, _verbose, _warning, Statistics, runCts.Token);
        await foreach (var id in FanOut.ListIdsAsync(run).ConfigureAwait(false))
        {
            yield return id;
        }
    }

    /// <summary>
    /// An OAI-PMH repository's <c>Identify</c> declarations, asked through the same pipeline (origin rules, retries, pace):
    /// what a scale-out submission plans its date windows from (the granularity, <c>earliestDatestamp</c>). Null when the
    /// repository does not answer Identify as OAI-PMH.
    /// </summary>
    public async Task<Oai.OaiRepository?> IdentifyAsync(PollRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (request.Paging != PagingStyle.OaiPmh) throw new ArgumentException($"Source '{request.Source}' is not OAI-PMH; it has no Identify.", nameof(request));
        Statistics.Source = request.Source;
        using var runCts = request.Resilience.RunTimeout is { } limit ? new CancellationTokenSource(limit, _timeoutTime) : new CancellationTokenSource();
        using var link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), runCts);
        var pipeline = new SourcePipeline(_http, request.Resilience, request.RateLimit, request.Authenticator, OriginPolicy.For(request), _time, _timeoutTime, _verbose, Statistics, _warning ?? _verbose);
        var run = new PollRun(request, pipeline, _time, _verbose, _warning, Statistics, runCts.Token);
        await run.Oai!.IdentifyAsync(runCts.Token).ConfigureAwait(false);
        return run.Oai.Repository;
    }

    private static async IAsyncEnumerable<MuseumRecord> PagesAsync(PollRun run)
    {
        var request = run.Request;
        var token = run.Token;
        var position = run.StartPosition;
        var accept = request.Paging == PagingStyle.OaiPmh || request.Format == RecordFormat.Xml
            ? "text/xml, application/xml;q=0.9"
            : "application/x-ndjson, application/json;q=0.9";
        long pageNumber = 0;
        long readBefore = 0;
        long? lastTotal = null;
        var guard = new PagingGuard(run);
        if (run.Oai is { } oai) await oai.IdentifyAsync(token).ConfigureAwait(false);
        while (request.MaxPages is null || pageNumber < request.MaxPages)
        {
            pageNumber++;
            run.Stats.Page();
            var url = run.Pager.PageUrl(position);
            guard.Reading(url);
            var pageRecords = 0;
            var correlationId = CorrelationIds.New();
            var masked = run.Pipeline.Mask(url);
            var yielded = 0;
            var bodyFailures = 0;
            var jitter = new DecorrelatedJitter(request.Resilience.BaseDelay, request.Resilience.MaxDelay, request.Resilience.Randomizer);
            string? next = null;
            var restart = false;
            var refused = false;
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await run.Pipeline.SendAsync(url, accept, correlationId, run.Pager.ReadsRefusals ? static s => s == 403 : null, token).ConfigureAwait(false);
                if (response.StatusCode == System.Net.HttpStatusCode.Forbidden)
                {
                    next = await RefusedAsync(run, response, position, url, correlationId, token).ConfigureAwait(false);
                    refused = true;
                    break;
                }
                var facts = HeaderFacts(run, response, url);
                var origin = new RecordOrigin(request.Source, position, pageNumber, 0, masked, correlationId, run.Time.GetUtcNow(), run.Watermark);
                PageReader? reader = null;
                Exception? broken = null;
                Exception? unreadable = null;
                try
                {
                    reader = await PageReader.OpenAsync(run, response, url, facts, token).ConfigureAwait(false);
                }
                catch (MuseumPollException) when (run.Oai is { TokenExpired: true } expired && position is not null && expired.Restarts < request.MaxOaiListRestarts)
                {
                    // The resumptionToken expired (mloesch/sickle#19, bloomonkey/oai-harvest#30): start the list over from
                    // from= the checkpoint's watermark. What was committed is upserted again; nothing is missed.
                    expired.TokenExpired = false;
                    expired.Restarts++;
                    run.Warning?.Invoke(PageTexts.OaiRestart(request, expired, masked, correlationId));
                    restart = true;
                    break;
                }
                catch (Exception ex) when (IsBodyFailure(ex, token))
                {
                    broken = ex;
                }
                catch (Exception ex) when (ex is JsonException or XmlException or InvalidDataException)
                {
                    unreadable = ex;
                }
                if (unreadable is not null)
                {
                    // Not readable as the page's format at all: one dead letter says so; paging goes on only if the headers say where.
                    next = run.Pager.Next(position, facts);
                    var resume = run.ResumeAfter(position, next);
                    run.Verbose?.Invoke(PageTexts.Unreadable(masked, response, unreadable, correlationId, next));
                    var problem = Malformed(run, origin with { LineNumber = 1 }, masked, 0, unreadable, resume);
                    problem.EndOfPage = true;
                    problem.EndOfFeed = next is null;
                    pageRecords = 1;
                    yield return problem;
                    break;
                }

                if (reader is not null)
                {
                    using (reader)
                    {
                        facts = reader.Facts;
                        var provisionalNext = run.Pager.Next(position, facts);
                        var provisionalResume = run.ResumeAfter(position, provisionalNext);
                        run.Verbose?.Invoke(PageTexts.Read(run, masked, response, started, reader, correlationId, provisionalNext));
                        MuseumRecord? held = null;
                        var line = 0;
                        Exception? malformed = null;
                        while (true)
                        {
                            bool more;
                            try
                            {
                                more = await reader.ReadAsync(token).ConfigureAwait(false);
                            }
                            catch (Exception ex) when (IsBodyFailure(ex, token))
                            {
                                broken = ex;
                                break;
                            }
                            catch (Exception ex) when (ex is JsonException or XmlException or InvalidDataException)
                            {
                                malformed = ex;
                                break;
                            }
                            if (!more) break;
                            line++;
                            if (line <= yielded) continue; // returned before the body broke off on an earlier attempt
                            var record = reader.Create(origin with { LineNumber = line }, provisionalResume);
                            if (pageNumber == 1 && line == 1 && IdList.IsId(record))
                            {
                                throw IdList.Stop(record, masked, UrlMasker.Strip(url, run.Pipeline.SecretNames), isFile: false, correlationId);
                            }
                            if (held is not null)
                            {
                                yield return held;
                                yielded++;
                            }
                            held = record;
                        }

                        if (broken is null)
                        {
                            pageRecords = line;
                            if (!reader.CountKnown) facts.Count = line;
                            next = run.Pager.Next(position, facts);
                            var resume = run.ResumeAfter(position, next);
                            lastTotal = facts.Total ?? lastTotal;
                            var incomplete = next is null ? TruncatedFeed.Describe(request, run.StartPosition, position, facts, lastTotal, readBefore + line, masked) : null;
                            if (incomplete is not null)
                            {
                                run.Stats.Incomplete = incomplete;
                                run.Verbose?.Invoke(incomplete);
                            }
                            if (malformed is not null)
                            {
                                if (held is not null)
                                {
                                    yield return held;
                                    yielded++;
                                }
                                run.Verbose?.Invoke(PageTexts.MalformedAfter(masked, line, malformed, correlationId));
                                held = Malformed(run, origin with { LineNumber = line + 1 }, masked, line, malformed, resume);
                            }
                            else if (held is not null && !string.Equals(resume, provisionalResume, StringComparison.Ordinal))
                            {
                                held = reader.Recreate(run.Factory, held, resume);
                            }
                            if (held is not null)
                            {
                                held.EndOfPage = true;
                                held.EndOfFeed = next is null && incomplete is null; // a truncated feed does not move the watermark
                                yield return held;
                            }
                            if (reader.Facts.Count is null && run.Pager.CountDecides)
                            {
                                run.Verbose?.Invoke(PageTexts.Counted(pageNumber, masked, line, next, correlationId));
                            }
                            break;
                        }
                    }
                }

                bodyFailures++;
                run.Stats.BodyBreak();
                if (bodyFailures > request.MaxBodyRetries) throw PageTexts.BodyFailed(run, url, masked, response, bodyFailures, broken!, correlationId);
                var delay = jitter.Next();
                run.Verbose?.Invoke(PageTexts.Rereading(masked, yielded, broken!, delay, bodyFailures, correlationId));
                await Task.Delay(delay, run.Time, token).ConfigureAwait(false);
            }

            if (restart)
            {
                position = null;
                guard = new PagingGuard(run);
                continue;
            }
            if (refused)
            {
                // Nothing of the refused page was read: go on from where the refusal said, a split range's first half.
                if (next is null) yield break;
                position = next;
                continue;
            }
            if (next is null) yield break;
            readBefore += pageRecords;
            guard.Read(position, url, pageRecords, next);
            position = next;
        }
    }

    /// <summary>
    /// A page the server refused with a 403 that the pager reads (a result window's cap said in the body): where to go
    /// on, or the same error any other 403 gives.
    /// </summary>
    private static async Task<string?> RefusedAsync(PollRun run, HttpResponseMessage response, string? position, Uri url, string correlationId, CancellationToken token)
    {
        var masked = run.Pipeline.Mask(url);
        string body;
        using (var stream = PageBody.Bound(run, await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), url, token))
        {
            var buffer = new byte[ForbiddenPage.MaxBytes];
            var filled = 0;
            int n;
            while (filled < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(filled), token).ConfigureAwait(false)) > 0) filled += n;
            body = System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
        }
        bool understood;
        string? next;
        try
        {
            understood = run.Pager.TryAfterRefusal(position, body, out next);
        }
        catch (ArgumentException ex)
        {
            throw new MuseumPollException($"GET {masked} answered 403 (correlation {correlationId}). {ex.Message}",
                "MuseumPollHttpError", isTransient: false, UrlMasker.Strip(url, run.Pipeline.SecretNames), 403, correlationId, ex);
        }
        if (!understood)
        {
            throw new MuseumPollException(
                $"GET {masked} answered 403 {response.ReasonPhrase} (correlation {correlationId}). The server refused access; check the credentials for this source.",
                "MuseumPollHttpError", isTransient: false, UrlMasker.Strip(url, run.Pipeline.SecretNames), 403, correlationId);
        }
        run.Verbose?.Invoke($"GET {masked} -> 403: the server refused the page for asking past its result window; going on from {Describe(next)}; correlation {correlationId}");
        return next;
    }

    internal static PageFacts HeaderFacts(PollRun run, HttpResponseMessage response, Uri url)
    {
        var facts = default(PageFacts);
        if (response.Headers.TryGetValues(NextCursorHeader, out var cursors))
        {
            var c = cursors.FirstOrDefault();
            if (!string.IsNullOrWhiteSpace(c)) facts.HeaderCursor = c.Trim();
        }
        if (response.Headers.TryGetValues("Link", out var links) && LinkHeader.FindRel(links, "next", url) is { } nextUri)
        {
            facts.LinkNext = run.Normalize(nextUri.AbsoluteUri, url);
        }
        if (response.Headers.TryGetValues("X-Total-Count", out var totals) &&
            long.TryParse(totals.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var total))
        {
            facts.Total = total;
        }
        return facts;
    }

    internal static bool IsBodyFailure(Exception ex, CancellationToken token) =>
        !token.IsCancellationRequested && ex is IOException or HttpRequestException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException;

    internal static string Describe(string? next) => next is null ? "(none: last page)" : next.Length <= 80 ? next : next[..77] + "...";

    private static MuseumRecord Malformed(PollRun run, in RecordOrigin origin, string masked, int recordsBefore, Exception ex, string? resume)
    {
        var raw = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["museumsync_error"] = "unreadable page",
            ["url"] = masked,
            ["position"] = origin.Position,
            ["after_record"] = recordsBefore,
            ["message"] = ex.Message,
        });
        return RecordFactory.Problem(null, raw, new ValidationIssue("(page)", RecordValidator.RuleJson,
            $"Page {origin.PageNumber} ({masked}) is not valid after its record {recordsBefore}: {ex.Message}. The rest of the page could not be read; fix the source or report it to the API's maintainers."),
            origin, resume);
    }
}
