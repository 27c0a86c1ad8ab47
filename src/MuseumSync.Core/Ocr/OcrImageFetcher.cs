using System.Collections.Concurrent;
using System.Text.Json;
using MuseumSync.Http;
using MuseumSync.Iiif;
using MuseumSync.Polling;
using MuseumSync.Resilience;

namespace MuseumSync.Ocr;

/// <summary>
/// Fetches images (and IIIF manifests) through the poller's HTTP stack: the pooled client, and per image host one
/// resilience pipeline (retries with backoff, <c>Retry-After</c>, circuit breaker, pace, per-attempt timeout) whose
/// origin rule keeps redirects on that host. No credential is ever attached. Bodies are capped at
/// <see cref="OcrOptions.MaxImageBytes"/> (decompressed); a larger one fails without the rest being read.
/// </summary>
internal sealed class OcrImageFetcher
{
    private readonly HttpClient _http;
    private readonly OcrOptions _options;
    private readonly Action<string>? _log;
    private readonly ConcurrentDictionary<string, SourcePipeline> _pipelines = new(StringComparer.Ordinal);

    public OcrImageFetcher(HttpClient http, OcrOptions options, Action<string>? log)
    {
        _http = http;
        _options = options;
        _log = log;
    }

    /// <summary>The URL of the image to read for a record: a IIIF Image API URL becomes the bounded rendition of its service; a record with only a manifest gets its first image from it.</summary>
    public async Task<FetchResult<string>> ImageUrlAsync(OcrCandidate candidate, CancellationToken cancellationToken)
    {
        if (Absolute(candidate.MediaUrl) is { } media) return FetchResult<string>.Ok(Bounded(media.AbsoluteUri));
        if (Absolute(candidate.ManifestUrl) is not { } manifestUrl) return FetchResult<string>.Fail(OcrReasons.NoImage, $"Record '{candidate.ObjectId}' has neither an absolute http(s) media URL nor a IIIF manifest URL.");
        var body = await GetAsync(manifestUrl, "application/ld+json, application/json", cancellationToken).ConfigureAwait(false);
        if (body.Value is null) return FetchResult<string>.Fail(body.Rule!, body.Message!);
        string? image;
        try
        {
            using var doc = JsonDocument.Parse(body.Value);
            image = FirstImage(doc.RootElement, _options.IiifSize);
        }
        catch (JsonException ex)
        {
            return FetchResult<string>.Fail(OcrReasons.FetchFailed, $"The IIIF manifest {UrlMasker.Mask(manifestUrl)} of record '{candidate.ObjectId}' is not JSON: {ex.Message}");
        }
        return image is null
            ? FetchResult<string>.Fail(OcrReasons.NoImage, $"The IIIF manifest {UrlMasker.Mask(manifestUrl)} of record '{candidate.ObjectId}' names no image (no painting annotation with an Image body or image service on its first canvas).")
            : FetchResult<string>.Ok(Bounded(image));
    }

    /// <summary>The bytes at <paramref name="url"/>, or why they could not be had.</summary>
    public Task<FetchResult<byte[]>> ImageAsync(string url, CancellationToken cancellationToken) =>
        GetAsync(new Uri(url), "image/*", cancellationToken);

    private async Task<FetchResult<byte[]>> GetAsync(Uri url, string accept, CancellationToken cancellationToken)
    {
        var pipeline = _pipelines.GetOrAdd(OriginPolicy.OriginOf(url), static (_, s) => s.Self.CreatePipeline(s.Url), (Self: this, Url: url));
        var correlation = Guid.NewGuid().ToString("N");
        try
        {
            using var response = await pipeline.SendAsync(url, accept, correlation, passThrough: null, cancellationToken).ConfigureAwait(false);
            var cap = _options.MaxImageBytes;
            if (response.Content.Headers.ContentLength is { } declared && declared > cap) return TooLarge(url, declared);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var copy = new MemoryStream();
                var buffer = new byte[81920];
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (copy.Length + n > cap) return TooLarge(url, null);
                    copy.Write(buffer, 0, n);
                }
                return copy.Length == 0
                    ? FetchResult<byte[]>.Fail(OcrReasons.Unreadable, $"{UrlMasker.Mask(url)} answered with an empty body (correlation {correlation}).")
                    : FetchResult<byte[]>.Ok(copy.ToArray());
            }
        }
        catch (MuseumPollException ex)
        {
            return FetchResult<byte[]>.Fail(OcrReasons.FetchFailed, ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return FetchResult<byte[]>.Fail(OcrReasons.FetchFailed, $"Could not read {UrlMasker.Mask(url)}: {ex.Message} (correlation {correlation}).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return FetchResult<byte[]>.Fail(OcrReasons.FetchFailed, $"Reading {UrlMasker.Mask(url)} timed out (correlation {correlation}).");
        }
    }

    private FetchResult<byte[]> TooLarge(Uri url, long? declared) => FetchResult<byte[]>.Fail(OcrReasons.TooLarge,
        $"{UrlMasker.Mask(url)} is larger than the cap of {_options.MaxImageBytes:N0} bytes{(declared is { } d ? $" ({d:N0} bytes declared)" : string.Empty)}; raise -MaxImageBytes to read it, or point the record at a smaller rendition.");

    private SourcePipeline CreatePipeline(Uri url)
    {
        var stats = new PollStatistics { Source = _options.Source };
        return new SourcePipeline(_http, _options.Resilience, _options.RateLimit, authenticator: null, new OriginPolicy(url), _options.Time, TimeProvider.System, _log, stats);
    }

    private string Bounded(string url) =>
        IiifImageApiUrl.TryParse(url, out var service, out _) ? $"{service}/full/{_options.IiifSize}/0/default.jpg" : url;

    private static Uri? Absolute(string? url) =>
        url is not null && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? u : null;

    /// <summary>The first canvas's image of a Presentation 3.0 or 2.x manifest: its image service when it has one, else the image itself.</summary>
    internal static string? FirstImage(JsonElement manifest, string size)
    {
        JsonElement body = default;
        if (Path(manifest, "items", 0, "items", 0, "items", 0, "body") is { } v3) body = v3;
        else if (Path(manifest, "sequences", 0, "canvases", 0, "images", 0, "resource") is { } v2) body = v2;
        else return null;
        if (body.ValueKind == JsonValueKind.Array && body.GetArrayLength() > 0) body = body[0];
        if (body.ValueKind != JsonValueKind.Object) return null;
        if (body.TryGetProperty("service", out var service))
        {
            if (service.ValueKind == JsonValueKind.Array && service.GetArrayLength() > 0) service = service[0];
            if (service.ValueKind == JsonValueKind.Object && (Id(service) is { } sid) && Absolute(sid) is not null) return $"{sid.TrimEnd('/')}/full/{size}/0/default.jpg";
        }
        return Id(body) is { } id && Absolute(id) is not null ? id : null;
    }

    private static string? Id(JsonElement e) =>
        e.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()
        : e.TryGetProperty("@id", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null;

    private static JsonElement? Path(JsonElement e, params object[] steps)
    {
        foreach (var s in steps)
        {
            if (s is string name)
            {
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e)) return null;
            }
            else if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() <= (int)s) return null;
            else e = e[(int)s];
        }
        return e;
    }
}

/// <summary>A value, or the dead-letter rule and message of why there is none.</summary>
internal readonly record struct FetchResult<T>(T? Value, string? Rule, string? Message)
    where T : class
{
    public static FetchResult<T> Ok(T value) => new(value, null, null);

    public static FetchResult<T> Fail(string rule, string message) => new(null, rule, message);
}
