using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MuseumSync.Resilience;

/// <summary>Builds the Polly pipeline that sends one page request: retry with decorrelated jitter, honouring <c>Retry-After</c>, and a timeout per attempt.</summary>
internal static class HttpRetryPipeline
{
    public static ResiliencePipeline<HttpResponseMessage> Create(HttpResilienceOptions options, TimeProvider time, Action<string>? log)
    {
        options.Validate();
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<IOException>()
                    .HandleResult(r => IsTransientStatus(r.StatusCode) || IsHtmlInsteadOfData(r)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args =>
                {
                    var wait = args.Outcome.Result is { } r ? RetryAfter.From(r, time.GetUtcNow()) : null;
                    return ValueTask.FromResult(wait is null ? (TimeSpan?)null : TimeSpan.FromTicks(Math.Min(wait.Value.Ticks, options.MaxDelay.Ticks)));
                },
                OnRetry = args =>
                {
                    var what = args.Outcome.Exception is { } ex ? ex.GetType().Name + ": " + ex.Message : "HTTP " + (int)args.Outcome.Result!.StatusCode;
                    log?.Invoke($"retry {args.AttemptNumber + 1}/{options.MaxRetryAttempts} after {what}; waiting {args.RetryDelay.TotalMilliseconds:0} ms");
                    return default;
                },
            });
        }
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>
    /// A 200 with an HTML page where data was expected is a firewall or CDN throttle (The Met's answers so after bursts),
    /// never data: it is retried after a pause.
    /// </summary>
    public static bool IsHtmlInsteadOfData(HttpResponseMessage r) =>
        r.IsSuccessStatusCode && r.Content.Headers.ContentType?.MediaType is { } mt && mt.Contains("html", StringComparison.OrdinalIgnoreCase);

    /// <summary>408, 429, 500, 502, 503 and 504 are worth another try; other statuses need a fix.</summary>
    public static bool IsTransientStatus(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;
}

/// <summary>Reads <c>Retry-After</c> in both of its forms: delta-seconds and HTTP-date.</summary>
public static class RetryAfter
{
    /// <summary>The wait the response asks for, or null when it asks for none.</summary>
    public static TimeSpan? From(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var ra = response.Headers.RetryAfter;
        if (ra is null) return null;
        if (ra.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (ra.Date is { } date)
        {
            var d = date - now;
            return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        }
        return null;
    }
}
