using System.Diagnostics;
using System.Security.Cryptography;
using MuseumSync.Ocr;
using SkiaSharp;

namespace MuseumSync.Core.Tests.Ocr;

/// <summary>
/// The OCR run end to end: images rendered here with known text, served from 127.0.0.1 through a record's media URL,
/// a IIIF Image API URL and a IIIF manifest, read by the real Tesseract (.ci/run installs tesseract-ocr and
/// tesseract-ocr-eng), stored in SQLite.
/// </summary>
public sealed class OcrRunTests
{
    private const string Sans = "The quick brown fox jumps over the lazy dog\nMuseum labels record the maker and the date";
    private const string Serif = "Printed ephemera from the harbour exhibition\nLetters written by the keeper of the lighthouse";
    private const string Mono = "Poster for the summer concert in the park";
    private const string Iiif = "Inscription on the silver cup given to the captain";
    private const string Manifest = "Catalogue of paintings shown at the spring salon";
    private const string Rotated = "A rotated line of careful lettering copied in print";
    private const string Noisy = "Faded text on an old scanned catalogue card";

    private static OcrOptions Options(int throttle = 2, bool force = false, TimeSpan? timeout = null, long? maxBytes = null) => new()
    {
        Source = "ocr",
        ThrottleLimit = throttle,
        Force = force,
        ImageTimeout = timeout ?? TimeSpan.FromMinutes(2),
        MaxImageBytes = maxBytes ?? OcrOptions.DefaultMaxImageBytes,
        BatchSize = 3,
        Resilience = new() { MaxRetryAttempts = 0 },
    };

    private static byte[] Lines(string text, string font = "DejaVuSans.ttf", float size = 36, float rotate = 0, bool noise = false, SKEncodedImageFormat format = SKEncodedImageFormat.Png) =>
        TextImages.Render(text.Split('\n'), font, size, rotate, noise, format);

    private static string ManifestJson(string service) => $$$"""
        {"@context":"http://iiif.io/api/presentation/3/context.json","id":"{{{service}}}/manifest","type":"Manifest","label":{"none":["m"]},
         "items":[{"id":"{{{service}}}/c1","type":"Canvas","width":1000,"height":1000,"items":[{"id":"{{{service}}}/p1","type":"AnnotationPage","items":[
           {"id":"{{{service}}}/a1","type":"Annotation","motivation":"painting","target":"{{{service}}}/c1",
            "body":{"id":"{{{service}}}/full/max/0/default.jpg","type":"Image","service":[{"id":"{{{service}}}","type":"ImageService3","profile":"level1"}]}}]}]}]}
        """;

    [Fact]
    public async Task Run_ImagesByMediaUrlIiifServiceAndManifest_StoresTextBoxesAndConfidenceThenOnlyWhatChanged()
    {
        await using var server = await ImageServer.StartAsync();
        await using var db = await OcrTestStore.CreateAsync();
        server.Put("/img/sans.png", Lines(Sans));
        server.Put("/img/serif.png", Lines(Serif, "DejaVuSerif.ttf", 30));
        server.Put("/img/mono.png", Lines(Mono, "DejaVuSansMono.ttf", 44));
        server.Put("/iiif/2/cup/full/!2000,2000/0/default.jpg", Lines(Iiif, "DejaVuSans-Bold.ttf", 40, format: SKEncodedImageFormat.Jpeg), "image/jpeg");
        server.Put("/iiif/3/salon/full/!2000,2000/0/default.jpg", Lines(Manifest, "DejaVuSerif-Bold.ttf", 34, format: SKEncodedImageFormat.Jpeg), "image/jpeg");
        server.Put("/manifests/salon.json", System.Text.Encoding.UTF8.GetBytes(ManifestJson(server.Url("/iiif/3/salon"))), "application/ld+json");
        server.Put("/img/rotated.png", Lines(Rotated, size: 38, rotate: 3));
        server.Put("/img/noisy.png", Lines(Noisy, "DejaVuSerif.ttf", 40, noise: true));
        await db.CommitAsync(
            OcrTestStore.Record("sans", server.Url("/img/sans.png")),
            OcrTestStore.Record("serif", server.Url("/img/serif.png")),
            OcrTestStore.Record("mono", server.Url("/img/mono.png")),
            OcrTestStore.Record("cup", server.Url("/iiif/2/cup/full/full/0/default.jpg")),
            OcrTestStore.Record("salon", null, server.Url("/manifests/salon.json")),
            OcrTestStore.Record("rotated", server.Url("/img/rotated.png")),
            OcrTestStore.Record("noisy", server.Url("/img/noisy.png")),
            OcrTestStore.Record("textless", null));
        var engine = await TesseractEngine.OpenAsync(null, "eng", CancellationToken.None);

        var first = await new OcrRun(db.Store, Options(), "test").RunAsync(engine, CancellationToken.None);

        Assert.Equal((7, 7, 0, 0), (first.ImagesSeen, first.Ocred, first.Unchanged, first.Failed));
        var layers = (await db.LayersAsync()).ToDictionary(l => l.ObjectId);
        Assert.Equal(7, layers.Count);
        foreach (var (id, expected) in new[] { ("sans", Sans), ("serif", Serif), ("mono", Mono), ("cup", Iiif), ("salon", Manifest) })
        {
            var recall = TextImages.WordRecall(expected, layers[id].Text);
            Assert.True(recall >= 0.9, $"{id}: recall {recall:P0} of '{expected}' in '{layers[id].Text}'");
        }
        Assert.True(TextImages.WordRecall(Rotated, layers["rotated"].Text) >= 0.7, layers["rotated"].Text);
        Assert.True(TextImages.WordRecall(Noisy, layers["noisy"].Text) >= 0.7, layers["noisy"].Text);
        foreach (var l in layers.Values)
        {
            Assert.True(l.MeanConfidence is > 50 and <= 100, $"{l.ObjectId}: confidence {l.MeanConfidence}");
            var hocr = Hocr.Parse(l.Hocr);
            Assert.Equal((l.ImageWidth, l.ImageHeight), (hocr.Width, hocr.Height));
            Assert.True(l.ImageWidth > 0 && l.WordCount == hocr.Words.Count() && l.WordCount >= 5, l.ObjectId);
            Assert.All(hocr.Words, w => Assert.True(w.Box.Width > 0 && w.Box.X + w.Box.Width <= l.ImageWidth && w.Confidence > 0, $"{l.ObjectId}: {w}"));
            Assert.DoesNotContain("museumsync-ocr-", l.Hocr, StringComparison.Ordinal); // the scratch path is not stored
            Assert.Equal(("tesseract", engine.Version, "eng"), (l.Engine, l.EngineVersion, l.Languages));
        }
        Assert.Equal(server.Url("/iiif/2/cup/full/!2000,2000/0/default.jpg"), layers["cup"].MediaUrl); // a bounded rendition, not the master
        Assert.Equal(server.Url("/iiif/3/salon/full/!2000,2000/0/default.jpg"), layers["salon"].MediaUrl);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Lines(Mono, "DejaVuSansMono.ttf", 44))).ToLowerInvariant(), layers["mono"].ContentHash);

        var second = await new OcrRun(db.Store, Options(), "test").RunAsync(engine, CancellationToken.None);
        Assert.Equal((7, 0, 7, 0), (second.ImagesSeen, second.Ocred, second.Unchanged, second.Failed));
        Assert.Equal(layers["sans"].RecognizedAt, (await db.LayersAsync()).Single(l => l.ObjectId == "sans").RecognizedAt);

        const string NewMono = "Notice of the winter lecture on ancient coins";
        server.Put("/img/mono.png", Lines(NewMono, "DejaVuSansMono.ttf", 44));
        await db.CommitAsync(OcrTestStore.Record("serif", server.Url("/img/serif-v2.png")));
        server.Put("/img/serif-v2.png", Lines(Mono, "DejaVuSerif.ttf", 36));
        var third = await new OcrRun(db.Store, Options(), "test").RunAsync(engine, CancellationToken.None);

        Assert.Equal((7, 2, 5, 0), (third.ImagesSeen, third.Ocred, third.Unchanged, third.Failed));
        var after = (await db.LayersAsync()).ToDictionary(l => l.ObjectId);
        Assert.True(TextImages.WordRecall(NewMono, after["mono"].Text) >= 0.9, after["mono"].Text);
        Assert.Equal(server.Url("/img/serif-v2.png"), after["serif"].MediaUrl); // the record's media changed: its layer follows
        Assert.True(TextImages.WordRecall(Mono, after["serif"].Text) >= 0.9, after["serif"].Text);
        Assert.Equal(7, after.Count);

        var forced = await new OcrRun(db.Store, Options(force: true), "test").RunAsync(engine, CancellationToken.None);
        Assert.Equal((7, 0), (forced.Ocred, forced.Unchanged));
    }

    [Fact]
    public async Task Run_BrokenMissingTooLargeImages_AreDeadLetteredAndTheRunGoesOn()
    {
        await using var server = await ImageServer.StartAsync();
        await using var db = await OcrTestStore.CreateAsync();
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        server.Put("/img/broken.png", garbage);
        server.Put("/img/good.png", Lines(Mono));
        server.Put("/img/huge.png", new byte[300_000]);
        await db.CommitAsync(
            OcrTestStore.Record("broken", server.Url("/img/broken.png")),
            OcrTestStore.Record("good", server.Url("/img/good.png")),
            OcrTestStore.Record("huge", server.Url("/img/huge.png")),
            OcrTestStore.Record("missing", server.Url("/img/missing.png")));
        var engine = await TesseractEngine.OpenAsync(null, "eng", CancellationToken.None);

        var summary = await new OcrRun(db.Store, Options(maxBytes: 200_000), "test").RunAsync(engine, CancellationToken.None);

        Assert.Equal((4, 1, 3), (summary.ImagesSeen, summary.Ocred, summary.Failed));
        var dead = (await db.DeadLettersAsync()).ToDictionary(d => d.ObjectId!);
        Assert.Equal(OcrReasons.Unreadable, Assert.Single(dead["broken"].Reasons).Rule);
        Assert.Equal(OcrReasons.FetchFailed, Assert.Single(dead["missing"].Reasons).Rule);
        Assert.Contains("404", dead["missing"].Reasons[0].Message, StringComparison.Ordinal);
        Assert.Equal(OcrReasons.TooLarge, Assert.Single(dead["huge"].Reasons).Rule);
        Assert.Contains("-MaxImageBytes", dead["huge"].Reasons[0].Message, StringComparison.Ordinal);
        Assert.Contains("broken", dead["broken"].Reasons[0].Message, StringComparison.Ordinal);
        Assert.Equal(server.Url("/img/broken.png"), dead["broken"].SourceUrl);

        // Failing again counts again; once the image is fixed, its dead letter goes with the layer's commit.
        var again = await new OcrRun(db.Store, Options(maxBytes: 200_000), "test").RunAsync(engine, CancellationToken.None);
        Assert.Equal((0, 1, 3), (again.Ocred, again.Unchanged, again.Failed));
        Assert.Equal(2, (await db.DeadLettersAsync()).Single(d => d.ObjectId == "broken").AttemptCount);
        server.Put("/img/broken.png", Lines(Sans));
        var fixedRun = await new OcrRun(db.Store, Options(maxBytes: 200_000), "test").RunAsync(engine, CancellationToken.None);
        Assert.Equal((1, 2), (fixedRun.Ocred, fixedRun.Failed));
        Assert.DoesNotContain(await db.DeadLettersAsync(), d => d.ObjectId == "broken");
    }

    [Fact]
    public async Task Run_ImageSlowerThanTheTimeout_KillsTesseractAndDeadLettersIt()
    {
        await using var server = await ImageServer.StartAsync();
        await using var db = await OcrTestStore.CreateAsync();
        server.Put("/img/slow.png", Lines(Sans + "\n" + Serif + "\n" + Sans, size: 30));
        await db.CommitAsync(OcrTestStore.Record("slow", server.Url("/img/slow.png")));
        var engine = await TesseractEngine.OpenAsync(null, "eng", CancellationToken.None);
        var before = Process.GetProcessesByName("tesseract").Select(p => p.Id).ToHashSet();

        var summary = await new OcrRun(db.Store, Options(timeout: TimeSpan.FromMilliseconds(30)), "test").RunAsync(engine, CancellationToken.None);

        Assert.Equal((0, 1), (summary.Ocred, summary.Failed));
        Assert.Equal(OcrReasons.Timeout, Assert.Single(Assert.Single(await db.DeadLettersAsync()).Reasons).Rule);
        Assert.DoesNotContain(Process.GetProcessesByName("tesseract"), p => !before.Contains(p.Id) && !p.HasExited);
    }

    /// <summary>Reads through to the real store, fails every commit.</summary>
    private sealed class FailingCommits(IOcrTextStore inner) : IOcrTextStore
    {
        public Task<IReadOnlyList<OcrCandidate>> GetOcrCandidatesAsync(string source, DateTimeOffset? since, string? afterObjectId, int limit, CancellationToken cancellationToken) =>
            inner.GetOcrCandidatesAsync(source, since, afterObjectId, limit, cancellationToken);

        public Task<IReadOnlyList<MuseumRecordText>> GetRecordTextAsync(string source, string? objectId, string? afterObjectId, int limit, CancellationToken cancellationToken) =>
            inner.GetRecordTextAsync(source, objectId, afterObjectId, limit, cancellationToken);

        public Task<OcrBatchResult> CommitOcrBatchAsync(OcrBatch batch, CancellationToken cancellationToken) =>
            throw new SyncStoreException("The disk is full.");
    }

    [Fact]
    public async Task Run_CommitFails_TheStoreErrorComesOut()
    {
        await using var server = await ImageServer.StartAsync();
        await using var db = await OcrTestStore.CreateAsync();
        await db.CommitAsync(Enumerable.Range(1, 40).Select(i => OcrTestStore.Record($"m{i:D2}", server.Url($"/img/missing-{i}.png"))).ToArray());
        var engine = await TesseractEngine.OpenAsync(null, "eng", CancellationToken.None);

        var run = new OcrRun(new FailingCommits(db.Store), Options(), "test").RunAsync(engine, CancellationToken.None);

        // The run stops its image tasks (they wait for room in a full channel) before the error goes on.
        var ex = await Assert.ThrowsAsync<SyncStoreException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("The disk is full.", ex.Message);
    }

    [Fact]
    public async Task WhatIf_ListsTheImagesAndWritesNothing()
    {
        await using var server = await ImageServer.StartAsync();
        await using var db = await OcrTestStore.CreateAsync();
        server.Put("/img/a.png", Lines(Mono));
        await db.CommitAsync(OcrTestStore.Record("a", server.Url("/img/a.png")), OcrTestStore.Record("b", null, server.Url("/m.json")), OcrTestStore.Record("c", null));
        var run = new OcrRun(db.Store, Options(), "test");
        var said = new List<string>();
        run.WouldOcr += (_, line) => said.Add(line);

        var summary = await run.WhatIfAsync(CancellationToken.None);

        Assert.Equal(("WhatIf", 2L, 0L), (summary.Status, summary.WouldOcr, summary.Ocred));
        Assert.Collection(said, a => Assert.Contains("'a'", a, StringComparison.Ordinal), b => Assert.Contains("'b'", b, StringComparison.Ordinal));
        Assert.Equal(0, server.Hits("/img/a.png"));
        Assert.Empty(await db.LayersAsync());
    }

    [Fact]
    public async Task OpenAsync_NoTesseractAtThePath_SaysHowToInstallIt()
    {
        var ex = await Assert.ThrowsAsync<OcrEngineException>(() => TesseractEngine.OpenAsync("/nonexistent/tesseract", "eng", CancellationToken.None));

        Assert.Equal(OcrEngineException.NotFoundId, ex.ErrorId);
        Assert.Contains("winget install UB-Mannheim.TesseractOCR", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install tesseract-ocr tesseract-ocr-eng", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/tesseract", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_NotTesseract_IsUnsupported()
    {
        var ex = await Assert.ThrowsAsync<OcrEngineException>(() => TesseractEngine.OpenAsync("/bin/true", "eng", CancellationToken.None));

        Assert.Equal(OcrEngineException.UnsupportedId, ex.ErrorId);
        Assert.Contains("tesseract --version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_LanguageDataMissing_NamesItAndItsPackage()
    {
        var ex = await Assert.ThrowsAsync<OcrEngineException>(() => TesseractEngine.OpenAsync(null, "eng+xqz", CancellationToken.None));

        Assert.Equal(OcrEngineException.LanguageMissingId, ex.ErrorId);
        Assert.Equal(["xqz"], ex.MissingLanguages);
        Assert.Contains("apt-get install tesseract-ocr-xqz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tesseract --list-langs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("eng", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("eng deu")]
    [InlineData("eng+")]
    [InlineData("../eng")]
    public void Options_BadLanguageList_IsRejected(string languages) =>
        Assert.ThrowsAny<ArgumentException>(() => new OcrOptions { Source = "s", Languages = languages }.Validate());
}
