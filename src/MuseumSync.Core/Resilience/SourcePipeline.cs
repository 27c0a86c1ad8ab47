using System.Globalization;
using System.Net.Sockets;
using MuseumSync.Auth;
using MuseumSync.Http;
using MuseumSync.Polling;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MuseumSync.Resilience;

/// <summary>
/// Everything between a poller and the wire for ONE source: Polly retries (exponential backoff with decorrelated jitter,
/// <c>Retry-After</c> in both forms, a cool-down for firewall throttle pages), the source's circuit breaker, the pace
/// (client budget and server quota), a timeout per attempt, credentials (one retry of a 401 after a token refresh) and
/// the correlation id on every request. Answers that are not data (4xx/5xx after the retries, throttle pages) become
/// <see cref="MuseumPollException"/>s that name the masked URL and the correlation id.
/// </summary>
internal sealed class SourcePipeline
{
    private readonly HttpClient _http;
    private readonly HttpResilienceOptions _options;
    private readonly IRequestAuthenticator? _auth;
    private readonly IReadOnlyCollection<string> _secretNames;
    private readonly OriginPolicy _origins;
    private readonly TimeProvider _time;
    private readonly Action<string>? _log;
    private readonly Action<string>? _warning;
    private readonly PollStatistics _stats;
    private readonly RateGate _gate;
    private readonly BreakerGate _breakerGate;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly ResiliencePipeline<HttpResponseMessage> _breaker;
    private readonly ResiliencePipeline<HttpResponseMessage> _timeout;

    /// <summary>The context key under which each execution carries its correlation id and URL, for the log lines.</summary>
    private static readonly ResiliencePropertyKey<string> s_correlation = new("MuseumSync.CorrelationId");
    private static readonly ResiliencePropertyKey<MaskedUrl> s_url = new("MuseumSync.MaskedUrl");
    private static readonly ResiliencePropertyKey<bool> s_plainForbiddenCooled = new("MuseumSync.PlainForbiddenCooled");

    /// <summary>1 once any request of this run got a response: from then on a failure to connect is retried like any other.</summary>
    private int _reached;

    public SourcePipeline(
        HttpClient http,
        HttpResilienceOptions options,
        RateLimitOptions rateLimit,
        IRequestAuthenticator? authenticator,
        OriginPolicy origins,
        TimeProvider time,
        TimeProvider timeoutTime,
        Action<string>? log,
        PollStatistics stats,
        Action<string>? warning = null)
    {
        _warning = warning ?? log;
        _http = http;
        _options = options;
        _auth = authenticator;
        _secretNames = authenticator?.SecretQueryParameters ?? [];
        _origins = origins;
        _time = time;
        _log = log;
        _stats = stats;
        _gate = new RateGate(rateLimit, time, log, stats);
        _breakerGate = new BreakerGate(time, log, stats);
        _retry = BuildRetry();
        _breaker = BuildBreaker();
        _timeout = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeoutTime }.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>Query parameters whose values are secrets for this source.</summary>
    public IReadOnlyCollection<string> SecretNames => _secretNames;

    /// <summary>Where this source's requests, and so its credentials, may go.</summary>
    public OriginPolicy Origins => _origins;

    /// <summary>The URL as it may be logged: secret query values and the source's own credential values masked.</summary>
    public string Mask(Uri url) => SecretValues.Mask(UrlMasker.Mask(url, _secretNames), CurrentSecretValues());

    /// <summary><see cref="Mask"/> when a message asks for it: the credential values now, the masking only if it is written.</summary>
    private MaskedUrl MaskWhenNamed(Uri url) => new(url, _secretNames, CurrentSecretValues());

    /// <summary>The URL as it may be stored (a checkpoint, a record's position): every secret query parameter removed.</summary>
    public Uri Strip(Uri url) => UrlMasker.StripSecrets(url, _secretNames, CurrentSecretValues());

    /// <summary>The credential values this source sends now (the key, the token), to find them where a server echoed them.</summary>
    public IReadOnlyCollection<string> CurrentSecretValues() => _auth is ICredentialValues c ? c.CurrentValues().ToArray() : [];

    /// <summary>
    /// Sends a GET and returns a response with data (2xx, not a throttle page), or one whose status
    /// <paramref name="passThrough"/> accepts (a fan-out item's 404). Anything else throws after the retries.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Uri url, string accept, string correlationId, Func<int, bool>? passThrough, CancellationToken cancellationToken)
    {
        // The check's message (and its masking) only for a URL that fails it.
        if (!_origins.Allows(url)) _origins.Check(url, $"The request {Mask(url)}", _stats.Source ?? "?");
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(s_correlation, correlationId);
        context.Properties.Set(s_url, MaskWhenNamed(url));
        HttpResponseMessage response;
        try
        {
            response = await _retry.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(state.Self.AttemptAsync(state.Url, state.Accept, state.CorrelationId, ctx.CancellationToken)),
                context,
                (Self: this, Url: url, Accept: accept, CorrelationId: correlationId)).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (FailsFast(ex))
        {
            throw NeverReached(url, ex, correlationId);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutRejectedException or SocketException)
        {
            throw Unreadable(url, ex, correlationId);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (response.IsSuccessStatusCode && !ThrottleDetector.IsHtml(response)) return response;
        if (passThrough is not null && passThrough((int)response.StatusCode) && !ThrottleDetector.IsHtml(response)) return response;
        using (response)
        {
            throw Failure(response, url, correlationId);
        }
    }

    /// <summary>One attempt as the retry strategy sees it: wait out an open circuit and the pace, send, refresh a token once on 401.</summary>
    private async Task<HttpResponseMessage> AttemptAsync(Uri url, string accept, string correlationId, CancellationToken cancellationToken)
    {
        var refreshed = false;
        TimeSpan? rejectedFor = null;
        while (true)
        {
            await _breakerGate.WaitAsync(correlationId, rejectedFor, cancellationToken).ConfigureAwait(false);
            rejectedFor = null;
            var ticket = await _gate.AcquireAsync(correlationId, url, cancellationToken).ConfigureAwait(false);
            HttpResponseMessage? response = null;
            // The breaker's context carries the URL, so its warnings name the endpoint.
            var breakerContext = ResilienceContextPool.Shared.Get(cancellationToken);
            breakerContext.Properties.Set(s_url, MaskWhenNamed(url));
            try
            {
                response = await _breaker.ExecuteAsync(
                    static (ctx, state) => state.Self._timeout.ExecuteAsync(
                        static (s, ct2) => new ValueTask<HttpResponseMessage>(s.Self.SendOnceAsync(s.Url, s.Accept, s.CorrelationId, ct2)),
                        state,
                        ctx.CancellationToken),
                    breakerContext,
                    (Self: this, Url: url, Accept: accept, CorrelationId: correlationId)).ConfigureAwait(false);
            }
            catch (BrokenCircuitException ex)
            {
                // Not sent: wait for the trial request instead of spending a retry.
                rejectedFor = ex.RetryAfter ?? TimeSpan.FromMilliseconds(100);
                continue;
            }
            catch (TimeoutRejectedException)
            {
                _stats.Timeout();
                throw;
            }
            catch (HttpRequestException)
            {
                _stats.NetworkError();
                throw;
            }
            finally
            {
                ResilienceContextPool.Shared.Return(breakerContext);
                _gate.Complete(ticket, response, MaskWhenNamed(url), correlationId);
            }

            var status = (int)response.StatusCode;
            _stats.Status(status);
            if (status == 403 && ThrottleDetector.IsHtml(response)) await ForbiddenPage.InspectAsync(response, _options.AttemptTimeout, cancellationToken).ConfigureAwait(false);
            if (ThrottleDetector.IsThrottlePage(response)) _stats.ThrottlePage();
            if (status == 401 && _auth is { CanRefresh: true } && !refreshed)
            {
                response.Dispose();
                refreshed = true;
                _stats.TokenRefresh();
                _log?.Invoke(RefreshingText(url, correlationId));
                await _auth.RefreshAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            return response;
        }
    }

    /// <summary>
    /// One request, following redirects here rather than in the handler: each hop must stay on an allowed origin (else
    /// <see cref="OriginPolicy.ErrorId"/>, before anything is sent there), and the credential is added per hop, so it
    /// never reaches another host. At most <see cref="HttpResilienceOptions.MaxRedirects"/> hops.
    /// </summary>
    private async Task<HttpResponseMessage> SendOnceAsync(Uri url, string accept, string correlationId, CancellationToken cancellationToken)
    {
        var target = url;
        var method = HttpMethod.Get;
        for (var hop = 0; ; hop++)
        {
            using var message = new HttpRequestMessage(method, target);
            // Our own constant media types: added as text, not parsed and re-serialised on every request.
            message.Headers.TryAddWithoutValidation("Accept", accept);
            message.Headers.TryAddWithoutValidation(CorrelationIds.Header, correlationId);
            if (_auth is not null) await _auth.AuthenticateAsync(message, cancellationToken).ConfigureAwait(false);
            _stats.Request();
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _reached, 1);
                _stats.Response((int)response.StatusCode);
            }
            catch (HttpRequestException)
            {
                _stats.Response(0);
                throw;
            }
            if (!Redirects.IsRedirect(response.StatusCode) || Redirects.Target(response, target) is not { } next) return response;
            var status = (int)response.StatusCode;
            response.Dispose();
            if (hop >= _options.MaxRedirects) throw TooManyRedirects(url, target, status, correlationId);
            _origins.Check(next, RedirectSubject(status, target), _stats.Source ?? "?");
            _log?.Invoke(FollowingText(status, target, next, correlationId));
            method = Redirects.NextMethod(method, response.StatusCode);
            target = next;
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildRetry()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (_options.MaxRetryAttempts == 0) return builder.Build();
        var retry = new RetryStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
            MaxRetryAttempts = _options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = _options.BaseDelay,
            MaxDelay = _options.MaxDelay,
            DelayGenerator = args =>
            {
                if (args.Outcome.Result is { } r)
                {
                    if (RetryAfter.From(r, _time.GetUtcNow()) is { } wait) return ValueTask.FromResult<TimeSpan?>(Cap(wait));
                    if (RetryAfter.Unusable(r) is { } unusable)
                    {
                        args.Context.Properties.TryGetValue(s_url, out var from);
                        _log?.Invoke($"ignored the header value Retry-After '{unusable}' from {from}: it is neither seconds nor an HTTP date; the backoff decides the wait");
                    }
                    if (ThrottleDetector.IsThrottlePage(r)) return ValueTask.FromResult<TimeSpan?>(Cap(_options.ThrottleCooldown));
                }
                return ValueTask.FromResult<TimeSpan?>(null);
            },
            OnRetry = args =>
            {
                _stats.Retry();
                var what = args.Outcome.Exception is { } ex
                    ? ex.GetType().Name + ": " + ex.Message
                    : "HTTP " + (int)args.Outcome.Result!.StatusCode + (ForbiddenPage.IsPlain(args.Outcome.Result)
                        ? " (a plain HTML 'Forbidden' page: a refusal or a throttle; cooling down once, in case it is a throttle)"
                        : ThrottleDetector.IsThrottlePage(args.Outcome.Result) ? " (an HTML throttle page: cooling down)" : string.Empty);
                args.Context.Properties.TryGetValue(s_correlation, out var correlationId);
                args.Context.Properties.TryGetValue(s_url, out var masked);
                _log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"retry {args.AttemptNumber + 1}/{_options.MaxRetryAttempts} after {what} from {masked}; waiting {args.RetryDelay.TotalMilliseconds:0} ms; correlation {correlationId}"));
                return default;
            },
        };
        if (_options.Randomizer is { } random) retry.Randomizer = random;
        return builder.AddRetry(retry).Build();
    }

    private ResiliencePipeline<HttpResponseMessage> BuildBreaker()
    {
        var o = _options.CircuitBreaker;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (!o.Enabled) return builder.Build();
        return builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>()
                .Handle<IOException>()
                .HandleResult(ThrottleDetector.IsSourceFailure),
            FailureRatio = 1.0,
            MinimumThroughput = o.FailureThreshold,
            SamplingDuration = o.SamplingDuration,
            BreakDuration = o.BreakDuration,
            OnOpened = args =>
            {
                _stats.CircuitOpened();
                _breakerGate.Opened(args.BreakDuration);
                var what = args.Outcome.Exception is { } ex
                    ? ex.GetType().Name + ": " + ConnectFailure.Cause(ex)
                    : "HTTP " + (int)args.Outcome.Result!.StatusCode + " " + args.Outcome.Result.ReasonPhrase;
                args.Context.Properties.TryGetValue(s_url, out var masked);
                _warning?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"circuit opened for source {_stats.Source} after {o.FailureThreshold} failures in a row (last: {what} from {masked}); pausing {args.BreakDuration.TotalSeconds:0.#} s, then one trial request"));
                return default;
            },
            OnHalfOpened = _ =>
            {
                _log?.Invoke($"circuit half-open for source {_stats.Source}: sending a trial request");
                return default;
            },
            OnClosed = _ =>
            {
                _breakerGate.Closed();
                _log?.Invoke($"circuit closed for source {_stats.Source}: requests flow again");
                return default;
            },
        }).Build();
    }

    /// <summary>What the retry strategy retries: transient failures and statuses, throttle pages (a plain 403 page once).</summary>
    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (outcome.Exception is { } ex)
        {
            return ex switch
            {
                HttpRequestException h => !FailsFast(h),
                // A socket error the handler did not wrap (SocketsHttpHandler wraps its own; a handler or stream in between may not).
                TimeoutRejectedException or IOException or SocketException => true,
                MuseumPollException m => m.IsTransient && m.ErrorId is not ("MuseumPollQuotaExhausted" or SharedRequestBudget.SpentErrorId),
                _ => false,
            };
        }
        var r = outcome.Result!;
        if (ThrottleDetector.IsTransientStatus(r.StatusCode)) return true;
        if (!ThrottleDetector.IsThrottlePage(r)) return false;
        if (!ForbiddenPage.IsPlain(r)) return true;
        // A plain 403 page may be a throttle or a refusal: one cool-down, then it is taken at its word.
        if (context.Properties.TryGetValue(s_plainForbiddenCooled, out var cooled) && cooled) return false;
        context.Properties.Set(s_plainForbiddenCooled, true);
        return true;
    }

    /// <summary>True for a connect failure that is not transient by nature while no request of the run has reached the source.</summary>
    private bool FailsFast(HttpRequestException ex) => Volatile.Read(ref _reached) == 0 && ConnectFailure.IsPermanent(ex);

    private TimeSpan Cap(TimeSpan wait) => wait > _options.MaxDelay ? _options.MaxDelay : wait;

    private MuseumPollException Failure(HttpResponseMessage response, Uri url, string correlationId)
    {
        var status = (int)response.StatusCode;
        var html = ThrottleDetector.IsHtml(response);
        var plainForbidden = ForbiddenPage.IsPlain(response);
        var transient = !plainForbidden && (ThrottleDetector.IsTransientStatus(response.StatusCode) || ThrottleDetector.IsThrottlePage(response));
        var hint = status switch
        {
            _ when plainForbidden =>
                "The server answered with a plain HTML 'Forbidden' page, which has two readings: a refusal (check the credentials or API key for this source, and that the server admits this machine's address) or a firewall or CDN throttle that outlasted the cool-down (then run again later, or lower -RequestsPerSecond).",
            _ when html && transient => "The server answered with an HTML page instead of data (a firewall or CDN throttle) after every retry; try again later, or lower -RequestsPerSecond.",
            400 => "The server rejected the request; check -Uri, -PageSize and the stored checkpoint (Reset it if the cursor is stale).",
            401 or 403 => "The server refused access; check the credentials for this source.",
            404 => "The endpoint does not exist; check -Uri.",
            422 => "The server could not process the request's parameters; check -Uri, -Since and the paging parameters.",
            429 => "The server kept refusing for too many requests; lower -RequestsPerSecond or -ThrottleLimit and try again later.",
            _ => "The server kept failing after every retry; try again later.",
        };
        return new MuseumPollException(
            $"GET {Mask(url)} answered {status} {response.ReasonPhrase} (correlation {correlationId}). {hint}",
            "MuseumPollHttpError", transient, Strip(url), status, correlationId);
    }

    // The texts of the rare paths above, out of the async methods' state machines: those are compiled twice more in every
    // long run (instrumented, then tier 1), and interpolated text is a large part of their code (issue #18).
    private MuseumPollException NeverReached(Uri url, HttpRequestException ex, string correlationId) => new(
        $"Could not reach {Mask(url)}: {ConnectFailure.Cause(ex)} (correlation {correlationId}). No request of this run has reached the source, and this is not a failure that passes in seconds, so the run stops at once instead of retrying: check the URL (-Uri), the host name, the firewall and the TLS certificate. The run resumes from its checkpoint next time.",
        "MuseumPollUnreachable", isTransient: true, Strip(url), null, correlationId, ex);

    private MuseumPollException Unreadable(Uri url, Exception ex, string correlationId) => new(
        $"Could not read {Mask(url)}: {ConnectFailure.Cause(ex)} (correlation {correlationId}). Check that the endpoint is up and reachable; the run resumes from its checkpoint next time.",
        "MuseumPollUnreachable", isTransient: true, Strip(url), null, correlationId, ex);

    private MuseumPollException TooManyRedirects(Uri url, Uri target, int status, string correlationId) => new(
        $"GET {Mask(url)} was redirected more than {_options.MaxRedirects} times (last {status} from {Mask(target)}; correlation {correlationId}). Point -Uri at the final address, or report the redirect loop to the API's maintainers.",
        "MuseumPollTooManyRedirects", isTransient: false, Strip(url), status, correlationId);

    private string RedirectSubject(int status, Uri target) => $"The redirect ({status}) from {Mask(target)}";

    private string FollowingText(int status, Uri target, Uri next, string correlationId) =>
        $"{status} from {Mask(target)}: following the redirect to {Mask(next)}; correlation {correlationId}";

    private string RefreshingText(Uri url, string correlationId) =>
        $"401 from {Mask(url)}: refreshing the token and sending once more; correlation {correlationId}";
}
