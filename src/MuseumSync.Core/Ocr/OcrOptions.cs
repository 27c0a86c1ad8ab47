using MuseumSync.Resilience;

namespace MuseumSync.Ocr;

/// <summary>How an <see cref="OcrRun"/> finds, fetches and reads a source's images. Every limit has a documented default.</summary>
internal sealed class OcrOptions
{
    /// <summary>The default of <see cref="MaxImageBytes"/>: 50 MiB.</summary>
    public const long DefaultMaxImageBytes = 50L * 1024 * 1024;

    /// <summary>The source whose records are read (required).</summary>
    public required string Source { get; init; }

    /// <summary>Tesseract language data joined with '+' (<c>eng+deu</c>). The default is <c>eng</c>.</summary>
    public string Languages { get; init; } = "eng";

    /// <summary>How many images are read at once (one Tesseract process each). The default is the processor count.</summary>
    public int ThrottleLimit { get; init; } = Environment.ProcessorCount;

    /// <summary>The longest one image may take in Tesseract; the process tree is killed then and the image dead-lettered (<c>ocr-timeout</c>). The default is 2 minutes.</summary>
    public TimeSpan ImageTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The most bytes one image (or IIIF manifest) may have; a larger one is dead-lettered (<c>ocr-too-large</c>) without reading the rest. The default is 50 MiB.</summary>
    public long MaxImageBytes { get; init; } = DefaultMaxImageBytes;

    /// <summary>The size asked of a IIIF Image API service, so a master file is never fetched: <c>{service}/full/{IiifSize}/0/default.jpg</c>. The default is <c>!2000,2000</c>.</summary>
    public string IiifSize { get; init; } = "!2000,2000";

    /// <summary>Only records changed at or after this time (their <c>last_changed_utc</c>); all when null (the default).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Read every image again, even when its bytes did not change. The default is false.</summary>
    public bool Force { get; init; }

    /// <summary>Text layers (and dead letters) written per transaction. The default is 20.</summary>
    public int BatchSize { get; init; } = 20;

    /// <summary>The Tesseract executable, or the folder holding it; null (the default) looks for <c>tesseract</c> on PATH.</summary>
    public string? TesseractPath { get; init; }

    /// <summary>Retries, timeouts and circuit breaking of the image requests (the poller's defaults).</summary>
    public HttpResilienceOptions Resilience { get; init; } = new();

    /// <summary>The pace of the image requests per image host; unlimited by default.</summary>
    public RateLimitOptions RateLimit { get; init; } = new();

    /// <summary>The clock that stamps the layers; the default is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Throws when a value is unusable.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Source);
        TesseractLanguages.Parse(Languages);
        if (ThrottleLimit is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(ThrottleLimit), ThrottleLimit, "The throttle limit must be between 1 and 256.");
        if (ImageTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ImageTimeout), ImageTimeout, "The image timeout must be positive.");
        if (MaxImageBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxImageBytes), MaxImageBytes, "The image byte cap must be positive.");
        if (BatchSize is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be between 1 and 1000.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(IiifSize, @"^(max|\^?!?\d*,\d*|pct:\d+(\.\d+)?)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            throw new ArgumentException($"'{IiifSize}' is not a IIIF Image API size (for example !2000,2000 or 2000,).", nameof(IiifSize));
        }
        Resilience.Validate();
        RateLimit.Validate();
    }
}
