using System.Diagnostics;
using System.Globalization;
using MuseumSync.Http;

namespace MuseumSync.Polling;

/// <summary>
/// The messages and errors of <see cref="MuseumPoller"/>'s page loop. They live here, not in the loop, so the loop's
/// state machine stays small: the runtime compiles it twice more in every long run (instrumented, then tier 1), and
/// interpolated text is most of its code though it runs on rare pages or with -Verbose only (issue #18).
/// </summary>
internal static class PageTexts
{
    public static string OaiRestart(PollRequest request, OaiSession expired, string masked, string correlationId) =>
        $"{PollWarnings.OaiPrefix} the repository answered badResumptionToken to {masked}: the token has expired; starting the list over{(request.Since is { } s ? " from from=" + expired.From(s) : " from the beginning")} (restart {expired.Restarts} of at most {request.MaxOaiListRestarts}); records read again are upserted; correlation {correlationId}";

    public static string Unreadable(string masked, HttpResponseMessage response, Exception unreadable, string correlationId, string? next) =>
        $"GET {masked} -> {(int)response.StatusCode}: the body is not readable ({unreadable.Message}); correlation {correlationId}; next {MuseumPoller.Describe(next)}";

    public static string Read(PollRun run, string masked, HttpResponseMessage response, long started, PageReader reader, string correlationId, string? provisionalNext) =>
        string.Create(CultureInfo.InvariantCulture,
            $"GET {masked} -> {(int)response.StatusCode} in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms ({reader.Format}); correlation {correlationId}; next {(reader.CountKnown || !run.Pager.CountDecides ? MuseumPoller.Describe(provisionalNext) : "after the page")}");

    public static string MalformedAfter(string masked, int line, Exception malformed, string correlationId) =>
        $"the body of {masked} is not valid after record {line} ({malformed.Message}); the rest of the page is dead-lettered; correlation {correlationId}";

    public static string Counted(long pageNumber, string masked, int line, string? next, string correlationId) =>
        $"page {pageNumber} of {masked} held {line} records; next {MuseumPoller.Describe(next)}; correlation {correlationId}";

    /// <summary>The page's body broke off more often than <see cref="PollRequest.MaxBodyRetries"/> allows.</summary>
    public static MuseumPollException BodyFailed(PollRun run, Uri url, string masked, HttpResponseMessage response, int bodyFailures, Exception broken, string correlationId) =>
        broken is PageTimeoutException slow
            ? new MuseumPollException(
                $"{slow.Message} It was read {bodyFailures} times; correlation {correlationId}. The page's records before the cut were returned; run again to resume from the checkpoint.",
                "MuseumPollPageTimeout", isTransient: true, UrlMasker.Strip(url, run.Pipeline.SecretNames), (int)response.StatusCode, correlationId, broken)
            : new MuseumPollException(
                $"The response body of {masked} broke off {bodyFailures} times (last: {broken.Message}); correlation {correlationId}. The page's records before the break were returned; run again to resume from the checkpoint.",
                "MuseumPollBodyBroken", isTransient: true, UrlMasker.Strip(url, run.Pipeline.SecretNames), (int)response.StatusCode, correlationId, broken);

    public static string Rereading(string masked, int yielded, Exception broken, TimeSpan delay, int bodyFailures, string correlationId) =>
        string.Create(CultureInfo.InvariantCulture,
            $"the body of {masked} broke off after {yielded} records ({broken.GetType().Name}: {broken.Message}); reading the page again from its position in {delay.TotalMilliseconds:0} ms (attempt {bodyFailures + 1}); correlation {correlationId}");
}
