using MuseumSync.Http;

namespace MuseumSync.Polling;

/// <summary>
/// A page's response body with the poll's bounds on it (<see cref="PageLimitOptions"/>): at most MaxPageBytes once
/// decompressed, at most PageTimeout spent waiting for it in all, and at most the attempt timeout of silence.
/// </summary>
internal static class PageBody
{
    public static Stream Bound(PollRun run, Stream decompressed, Uri url, CancellationToken cancellationToken)
    {
        var request = run.Request;
        var masked = run.Pipeline.Mask(url);
        Stream body = new PageSizeLimitStream(decompressed, request.Limits.MaxPageBytes, UrlMasker.Strip(url, run.Pipeline.SecretNames), masked);
        // The deadline sits inside the idle timeout: that one cancels the read through the token it passes down.
        body = new PageDeadlineStream(body, request.Limits.PageTimeout, masked);
        return new IdleTimeoutStream(body, request.Resilience.AttemptTimeout, cancellationToken);
    }
}
