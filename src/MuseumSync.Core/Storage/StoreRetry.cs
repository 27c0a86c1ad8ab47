using Polly;
using Polly.Retry;

namespace MuseumSync.Storage;

/// <summary>
/// Retries a whole unit of work (a batch with its checkpoint) after a transient database error: the transaction was
/// rolled back, so running it again from the start is safe. Exponential backoff with jitter, on the injected clock.
/// </summary>
internal static class StoreRetry
{
    public static ResiliencePipeline Create(StoreOptions options, TimeProvider time, Func<Exception, bool> isTransient, Func<Exception?, ValueTask> beforeRetry)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.MaxRetryAttempts == 0) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && isTransient(ex)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args => beforeRetry(args.Outcome.Exception),
            })
            .Build();
    }
}
