using System.Text;

namespace MuseumSync.Resilience;

/// <summary>
/// Tells a firewall or CDN throttle page answered with 403 (Incapsula's "Request unsuccessful", Cloudflare's "Attention
/// Required", Akamai's "Reference #…") from a plain "403 Forbidden" page (nginx, Apache, IIS), which may as well be a
/// refusal of the credentials or of the client's address. The first kind is cooled down and retried like any throttle;
/// the second gets one cool-down, in case it is a throttle after all, and then ends the request with a message that
/// names both readings.
/// </summary>
internal static class ForbiddenPage
{
    /// <summary>The most of a 403 page read to decide. The value is 16 KiB.</summary>
    public const int MaxBytes = 16 * 1024;

    private static readonly HttpRequestOptionsKey<bool> s_plain = new("MuseumSync.PlainForbiddenPage");

    /// <summary>Words of throttle and bot-check pages (lower case).</summary>
    private static readonly string[] s_throttleWords =
    [
        "incapsula", "imperva", "incident id", "request unsuccessful", "cloudflare", "attention required", "just a moment",
        "check your browser", "checking your browser", "captcha", "too many requests", "too much traffic", "rate limit",
        "rate-limit", "ratelimit", "throttl", "request blocked", "akamai", "reference #", "reference&#32;#", "sucuri",
        "ddos", "unusual traffic", "try again later", "temporarily blocked",
    ];

    /// <summary>Headers only throttling layers send.</summary>
    private static readonly string[] s_throttleHeaders = ["Retry-After", "cf-mitigated", "X-Iinfo", "X-Sucuri-ID"];

    /// <summary>Reads the start of a 403 HTML page and marks the response plain when nothing in it or its headers says throttle.</summary>
    public static async Task InspectAsync(HttpResponseMessage response, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.RequestMessage is not { } request) return;
        foreach (var name in s_throttleHeaders)
        {
            if (response.Headers.NonValidated.Contains(name)) return;
        }
        string text;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var buffer = new byte[MaxBytes];
            var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            var filled = 0;
            int n;
            while (filled < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(filled), cts.Token).ConfigureAwait(false)) > 0) filled += n;
            text = Encoding.UTF8.GetString(buffer, 0, filled);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            text = string.Empty; // unreadable: nothing says throttle
        }
        foreach (var word in s_throttleWords)
        {
            if (text.Contains(word, StringComparison.OrdinalIgnoreCase)) return;
        }
        request.Options.Set(s_plain, true);
    }

    /// <summary>True for a 403 HTML page that <see cref="InspectAsync"/> found plain.</summary>
    public static bool IsPlain(HttpResponseMessage response) =>
        response.RequestMessage is { } request && request.Options.TryGetValue(s_plain, out var plain) && plain;
}
