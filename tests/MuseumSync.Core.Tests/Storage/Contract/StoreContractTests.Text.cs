using MuseumSync.Ocr;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>The text layers (migration 6) behave the same on every store.</summary>
public abstract partial class StoreContractTests
{
    private IOcrTextStore Text => (IOcrTextStore)Store;

    private static MuseumRecordText Layer(string id, string url, byte hash, string text = "Seal of the city", DateTimeOffset? at = null) => new()
    {
        Source = "met",
        ObjectId = id,
        MediaUrl = url,
        ContentHash = Convert.ToHexString(Enumerable.Repeat(hash, 32).ToArray()).ToLowerInvariant(),
        Engine = "tesseract",
        EngineVersion = "5.3.0",
        Languages = "eng+deu",
        MeanConfidence = 91.25,
        Text = text,
        Hocr = "<html><body><div class='ocr_page' title='bbox 0 0 100 50'><span class='ocrx_word' title='bbox 1 2 30 20; x_wconf 91'>Seal</span></div></body></html>",
        ImageWidth = 100,
        ImageHeight = 50,
        WordCount = 4,
        RecognizedAt = at ?? T1,
    };

    private Task<OcrBatchResult> OcrAsync(IReadOnlyList<MuseumRecordText>? layers = null, IReadOnlyList<OcrFailure>? failures = null, IReadOnlyList<OcrImageKey>? resolved = null, DateTimeOffset? now = null) =>
        Text.CommitOcrBatchAsync(new OcrBatch { Source = "met", Layers = layers ?? [], Failures = failures ?? [], Resolved = resolved ?? [], Now = now ?? T1 }, CancellationToken.None);

    [StoreFact]
    public async Task OcrCandidates_RecordsWithMediaOrManifest_InIdOrderWithTheirLayer()
    {
        await CommitAsync(Batch([Rec("2"), Rec("1"), Rec("3"), new MuseumRecord { Source = "met", ObjectId = "4", Title = "t", RawJson = "{}" }]));
        await OcrAsync([Layer("2", "https://img.example.org/2.jpg", 7)]);

        var all = await Text.GetOcrCandidatesAsync("met", null, null, 10, CancellationToken.None);
        var page = await Text.GetOcrCandidatesAsync("met", null, "1", 1, CancellationToken.None);

        Assert.Equal(["1", "2", "3"], all.Select(c => c.ObjectId));
        Assert.Equal("https://img.example.org/1.jpg", all[0].MediaUrl);
        Assert.Equal("https://iiif.example.org/1/manifest", all[0].ManifestUrl);
        Assert.Null(all[0].LayerContentHash);
        Assert.Equal("https://img.example.org/2.jpg", all[1].LayerMediaUrl);
        Assert.Equal(Enumerable.Repeat((byte)7, 32), all[1].LayerContentHash!);
        Assert.Equal("2", Assert.Single(page).ObjectId);
        Assert.Empty(await Text.GetOcrCandidatesAsync("met", T2, null, 10, CancellationToken.None)); // all last changed at T1
        Assert.Equal(3, (await Text.GetOcrCandidatesAsync("met", T1, null, 10, CancellationToken.None)).Count);
    }

    [StoreFact]
    public async Task OcrLayer_WrittenTwice_OneRowReplacedWhenTheMediaChanges()
    {
        await CommitAsync(Batch([Rec("1")]));

        var first = await OcrAsync([Layer("1", "https://img.example.org/1.jpg", 1)]);
        await OcrAsync([Layer("1", "https://img.example.org/1.jpg", 1)]);
        var stored = Assert.Single(await Text.GetRecordTextAsync("met", null, null, 10, CancellationToken.None));

        Assert.Equal(1, first.LayersWritten);
        Assert.Equal(("1", "https://img.example.org/1.jpg", "5.3.0", "eng+deu", 91.25, "Seal of the city", 100, 50, 4, T1),
            (stored.ObjectId, stored.MediaUrl, stored.EngineVersion, stored.Languages, stored.MeanConfidence, stored.Text, stored.ImageWidth, stored.ImageHeight, stored.WordCount, stored.RecognizedAt));
        Assert.Equal(string.Concat(Enumerable.Repeat("01", 32)), stored.ContentHash);
        Assert.Contains("x_wconf 91", stored.Hocr, StringComparison.Ordinal);

        await OcrAsync([Layer("1", "https://img.example.org/1-v2.jpg", 2, "Another text", T2)]);
        var replaced = Assert.Single(await Text.GetRecordTextAsync("met", "1", null, 10, CancellationToken.None));
        Assert.Equal(("https://img.example.org/1-v2.jpg", "Another text", T2), (replaced.MediaUrl, replaced.Text, replaced.RecognizedAt));
        Assert.Equal(1L, await CountAsync("museum_record_text"));
        Assert.Empty(await Text.GetRecordTextAsync("met", "nope", null, 10, CancellationToken.None));
    }

    [StoreFact]
    public async Task OcrFailure_DeadLetteredCountedAgainAndResolvedByTheLayer()
    {
        var reason = new ValidationIssue(OcrReasons.Field, OcrReasons.Unreadable, "Record '1': not an image.");
        var failure = new OcrFailure("1", "https://img.example.org/1.jpg?api_key=secret", reason);

        var first = await OcrAsync(failures: [failure]);
        var second = await OcrAsync(failures: [failure], now: T2);
        var dead = Assert.Single(await Store.GetDeadLettersAsync(new DeadLetterQuery { Source = "met" }, CancellationToken.None));

        Assert.Equal((1, 0), (first.DeadLettered, first.DeadLettersSeenBefore));
        Assert.Equal((0, 1), (second.DeadLettered, second.DeadLettersSeenBefore));
        Assert.Equal(("1", 2, T1, T2), (dead.ObjectId, dead.AttemptCount, dead.FirstSeen, dead.LastSeen));
        Assert.Equal(reason, Assert.Single(dead.Reasons));
        Assert.Contains("\"ocr\"", dead.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", dead.SourceUrl, StringComparison.Ordinal);

        await CommitAsync(Batch([Rec("1")]));
        var fixedBatch = await OcrAsync([Layer("1", "https://img.example.org/1.jpg", 3)], resolved: [new OcrImageKey("1", "https://img.example.org/1.jpg?api_key=secret")]);
        Assert.Equal(1, fixedBatch.DeadLettersResolved);
        Assert.Empty(await Store.GetDeadLettersAsync(new DeadLetterQuery { Source = "met" }, CancellationToken.None));
    }
}
