using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using MuseumSync.Http;

namespace MuseumSync.Ocr;

/// <summary>What an <see cref="OcrRun"/> reports while it runs (from any thread).</summary>
/// <param name="ImagesSeen">Images looked at so far.</param>
/// <param name="Ocred">Images read and committed.</param>
/// <param name="Unchanged">Images whose bytes had not changed.</param>
/// <param name="Failed">Images dead-lettered.</param>
/// <param name="Current">The object id just handled.</param>
internal sealed record OcrProgress(long ImagesSeen, long Ocred, long Unchanged, long Failed, string? Current);

/// <summary>
/// The OCR enrichment of one source, with no PowerShell in it (a cmdlet or a worker drives it): pages through the
/// source's records that have images, fetches each image through the poller's HTTP stack, skips it when its bytes (SHA-256)
/// match the stored layer's, reads it with Tesseract (at most <see cref="OcrOptions.ThrottleLimit"/> at once, each within
/// <see cref="OcrOptions.ImageTimeout"/>) and commits the layers and dead letters in batches, one transaction each.
/// The effect is exactly once per (source, object id, media URL, content hash): a rerun or a retried batch changes nothing.
/// </summary>
internal sealed class OcrRun
{
    private const int CandidatePage = 200;
    private readonly IOcrTextStore _store;
    private readonly OcrOptions _options;
    private readonly string? _database;
    private readonly HttpClient _http;
    private readonly Action<string>? _log;
    private long _seen, _ocred, _unchanged, _failed, _batches;
    private OcrImageFetcher? _fetcher;

    /// <summary>Creates the run; the options are validated here.</summary>
    /// <param name="store">The store (its schema must be current).</param>
    /// <param name="options">What to read and how.</param>
    /// <param name="database">Where the store is, for the summary (no secrets).</param>
    /// <param name="http">The client to fetch with; by default the pooled one sized to the throttle limit.</param>
    /// <param name="log">Verbose lines (from any thread).</param>
    public OcrRun(IOcrTextStore store, OcrOptions options, string? database = null, HttpClient? http = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _database = database;
        _http = http ?? MuseumHttp.ForConcurrency(options.ThrottleLimit);
        _log = log;
    }

    /// <summary>Progress after each image (from any thread).</summary>
    public event EventHandler<OcrProgress>? Progress;

    /// <summary>With -WhatIf: each image the run would fetch and read (from the run's thread).</summary>
    public event EventHandler<string>? WouldOcr;

    /// <summary>Each image that became a dead letter, once its batch is committed.</summary>
    public event EventHandler<OcrFailure>? ImageFailed;

    /// <summary>Runs against <paramref name="engine"/> (open it with <see cref="TesseractEngine.OpenAsync"/>).</summary>
    public async Task<OcrSummary> RunAsync(TesseractEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var clock = Stopwatch.StartNew();
        var outcomes = Channel.CreateBounded<Outcome>(new BoundedChannelOptions(_options.BatchSize * 2) { SingleReader = true });
        var scratch = Directory.CreateTempSubdirectory("museumsync-ocr-");
        // Cancelled when the committing side fails, so no image task is left waiting for room in the channel.
        using var producing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ThrottleLimit, CancellationToken = producing.Token };
                await Parallel.ForEachAsync(CandidatesAsync(producing.Token), parallel, async (c, ct) =>
                {
                    var outcome = await ProcessAsync(engine, c, scratch.FullName, ct).ConfigureAwait(false);
                    await outcomes.Writer.WriteAsync(outcome, ct).ConfigureAwait(false);
                }).ConfigureAwait(false);
                outcomes.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                outcomes.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);
        try
        {
            var layers = new List<MuseumRecordText>();
            var failures = new List<OcrFailure>();
            var resolved = new List<OcrImageKey>();
            await foreach (var o in outcomes.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _seen);
                if (o.Layer is { } layer)
                {
                    layers.Add(layer);
                    resolved.Add(o.Key);
                }
                else if (o.Failure is { } failure) failures.Add(failure);
                else Interlocked.Increment(ref _unchanged);
                if (layers.Count + failures.Count >= _options.BatchSize) await CommitAsync(layers, failures, resolved, cancellationToken).ConfigureAwait(false);
                Progress?.Invoke(this, new OcrProgress(_seen, _ocred, _unchanged, _failed, o.Key.ObjectId));
            }
            await CommitAsync(layers, failures, resolved, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await producing.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            await producer.ConfigureAwait(false); // never throws: its failure went into the channel
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A killed process may still hold a file for a moment on Windows; the folder is in the temp directory.
            }
        }
        return Summary("Completed", clock.Elapsed, 0, engine);
    }

    /// <summary>Lists what a run would fetch and read (<see cref="WouldOcr"/>), reading the store only.</summary>
    public async Task<OcrSummary> WhatIfAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long would = 0;
        await foreach (var c in CandidatesAsync(cancellationToken).ConfigureAwait(false))
        {
            _seen++;
            would++;
            var url = c.MediaUrl ?? c.ManifestUrl;
            var why = _options.Force ? "-Force" : c.LayerContentHash is null ? "no text layer yet" : "read again only if its bytes changed";
            WouldOcr?.Invoke(this, $"OCR the image of record '{c.ObjectId}' of source '{_options.Source}' ({OcrUrl.Mask(url)}; {why}).");
        }
        return Summary("WhatIf", clock.Elapsed, would, engine: null);
    }

    private OcrSummary Summary(string status, TimeSpan duration, long would, TesseractEngine? engine) => new()
    {
        Source = _options.Source,
        Status = status,
        ImagesSeen = _seen,
        Ocred = _ocred,
        Unchanged = _unchanged,
        Failed = _failed,
        WouldOcr = would,
        Batches = _batches,
        Engine = engine is null ? null : $"{TesseractEngine.Name} {engine.Version}",
        Languages = _options.Languages,
        Duration = duration,
        Database = _database,
    };

    private async Task CommitAsync(List<MuseumRecordText> layers, List<OcrFailure> failures, List<OcrImageKey> resolved, CancellationToken cancellationToken)
    {
        if (layers.Count + failures.Count == 0) return;
        var batch = new OcrBatch { Source = _options.Source, Layers = layers.ToArray(), Failures = failures.ToArray(), Resolved = resolved.ToArray(), Now = _options.Time.GetUtcNow() };
        await _store.CommitOcrBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        _batches++;
        Interlocked.Add(ref _ocred, layers.Count);
        Interlocked.Add(ref _failed, failures.Count);
        foreach (var f in batch.Failures) ImageFailed?.Invoke(this, f);
        layers.Clear();
        failures.Clear();
        resolved.Clear();
    }

    private async IAsyncEnumerable<OcrCandidate> CandidatesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await _store.GetOcrCandidatesAsync(_options.Source, _options.Since, after, CandidatePage, cancellationToken).ConfigureAwait(false);
            foreach (var c in page) yield return c;
            if (page.Count < CandidatePage) yield break;
            after = page[^1].ObjectId;
        }
    }

    private async Task<Outcome> ProcessAsync(TesseractEngine engine, OcrCandidate c, string scratch, CancellationToken cancellationToken)
    {
        var key = new OcrImageKey(c.ObjectId, (c.MediaUrl ?? c.ManifestUrl)!);
        Outcome Fail(string rule, string message) => new(key, null, new OcrFailure(c.ObjectId, key.Url, new ValidationIssue(OcrReasons.Field, rule, message)));

        var url = await Fetcher.ImageUrlAsync(c, cancellationToken).ConfigureAwait(false);
        if (url.Value is null) return Fail(url.Rule!, url.Message!);
        var bytes = await Fetcher.ImageAsync(url.Value, cancellationToken).ConfigureAwait(false);
        if (bytes.Value is null) return Fail(bytes.Rule!, $"Record '{c.ObjectId}': {bytes.Message}");
        var hash = SHA256.HashData(bytes.Value);
        if (!_options.Force && c.LayerContentHash is { } stored && c.LayerMediaUrl == url.Value && stored.AsSpan().SequenceEqual(hash))
        {
            return new Outcome(key, null, null);
        }

        var folder = Path.Combine(scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var image = Path.Combine(folder, "image");
            await File.WriteAllBytesAsync(image, bytes.Value, cancellationToken).ConfigureAwait(false);
            var output = await engine.RecognizeAsync(image, _options.Languages, _options.ImageTimeout, cancellationToken).ConfigureAwait(false);
            if (output.Hocr is null) return Fail(output.FailureRule!, $"Record '{c.ObjectId}', image {OcrUrl.Mask(url.Value)}: {output.FailureMessage}. {Advice(output.FailureRule!)}");
            Hocr parsed;
            try
            {
                parsed = Hocr.Parse(output.Hocr);
            }
            catch (FormatException ex)
            {
                return Fail(OcrReasons.EngineFailed, $"Record '{c.ObjectId}', image {OcrUrl.Mask(url.Value)}: Tesseract wrote hOCR that could not be read ({ex.Message}).");
            }
            var layer = new MuseumRecordText
            {
                Source = _options.Source,
                ObjectId = c.ObjectId,
                MediaUrl = url.Value,
                ContentHash = Convert.ToHexString(hash).ToLowerInvariant(),
                Engine = TesseractEngine.Name,
                EngineVersion = engine.Version,
                Languages = _options.Languages,
                MeanConfidence = parsed.MeanConfidence,
                Text = output.Text!.Trim(),
                Hocr = Hocr.WithoutImagePath(output.Hocr),
                ImageWidth = parsed.Width,
                ImageHeight = parsed.Height,
                WordCount = parsed.Words.Count(),
                RecognizedAt = _options.Time.GetUtcNow(),
            };
            return new Outcome(key, layer, null);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Removed with the run's scratch folder.
            }
        }
    }

    private OcrImageFetcher Fetcher => LazyInitializer.EnsureInitialized(ref _fetcher, () => new OcrImageFetcher(_http, _options, _log));

    private static string Advice(string rule) => rule switch
    {
        OcrReasons.Unreadable => "The bytes are not an image Tesseract can decode (PNG, JPEG, TIFF, GIF, BMP, WebP); check the record's media URL.",
        OcrReasons.Timeout => "Raise -ImageTimeout, or point the record at a smaller rendition.",
        _ => "Check that tesseract runs on this machine (tesseract --version).",
    };

    private sealed record Outcome(OcrImageKey Key, MuseumRecordText? Layer, OcrFailure? Failure);
}
