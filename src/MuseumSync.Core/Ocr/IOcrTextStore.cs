namespace MuseumSync.Ocr;

/// <summary>
/// The text-layer side of a store (every <c>ISyncStore</c> provides it): the records that have images, the layers, and a
/// batch commit that writes layers and dead letters in one transaction. The layer's key is (source, object id); writing a
/// layer with the same media URL and content hash again changes nothing, so a retried batch has its effect once.
/// </summary>
internal interface IOcrTextStore
{
    /// <summary>
    /// A page of the source's records that have a media URL or a IIIF manifest URL, ordered by object id, after
    /// <paramref name="afterObjectId"/>; with the media URL and content hash of each one's stored layer, if any.
    /// </summary>
    Task<IReadOnlyList<OcrCandidate>> GetOcrCandidatesAsync(string source, DateTimeOffset? since, string? afterObjectId, int limit, CancellationToken cancellationToken);

    /// <summary>A page of stored layers of the source (or of one object), ordered by object id, after <paramref name="afterObjectId"/>.</summary>
    Task<IReadOnlyList<MuseumRecordText>> GetRecordTextAsync(string source, string? objectId, string? afterObjectId, int limit, CancellationToken cancellationToken);

    /// <summary>Writes the layers (replacing the record's previous layer), removes their now-resolved dead letters and writes the failures as dead letters, in one transaction.</summary>
    Task<OcrBatchResult> CommitOcrBatchAsync(OcrBatch batch, CancellationToken cancellationToken);
}

/// <summary>A record with an image, and what is stored about its text already.</summary>
/// <param name="ObjectId">The object id.</param>
/// <param name="MediaUrl">The record's media URL (null when it has only a manifest).</param>
/// <param name="ManifestUrl">The record's IIIF manifest URL.</param>
/// <param name="LayerMediaUrl">The image URL of the stored layer; null when there is none.</param>
/// <param name="LayerContentHash">The SHA-256 of the image bytes the stored layer was read from.</param>
internal sealed record OcrCandidate(string ObjectId, string? MediaUrl, string? ManifestUrl, string? LayerMediaUrl, byte[]? LayerContentHash);

/// <summary>An image that could not be read, to be kept as a dead letter.</summary>
/// <param name="ObjectId">The record.</param>
/// <param name="MediaUrl">The image (or manifest) URL that failed.</param>
/// <param name="Reason">Why (rule <see cref="OcrReasons"/>).</param>
internal sealed record OcrFailure(string ObjectId, string MediaUrl, ValidationIssue Reason);

/// <summary>A record's image as its dead letter names it: the object id and the URL the record gives (media URL, else manifest URL).</summary>
/// <param name="ObjectId">The record.</param>
/// <param name="Url">The URL.</param>
internal sealed record OcrImageKey(string ObjectId, string Url);

/// <summary>One transaction's worth of OCR results.</summary>
internal sealed class OcrBatch
{
    /// <summary>The source.</summary>
    public required string Source { get; init; }

    /// <summary>The layers to write.</summary>
    public IReadOnlyList<MuseumRecordText> Layers { get; init; } = [];

    /// <summary>The images that failed.</summary>
    public IReadOnlyList<OcrFailure> Failures { get; init; } = [];

    /// <summary>Images read this time whose earlier dead letters (keyed by object id and the record's URL) are resolved.</summary>
    public IReadOnlyList<OcrImageKey> Resolved { get; init; } = [];

    /// <summary>The time stamped on new dead letters.</summary>
    public DateTimeOffset Now { get; init; }
}

/// <summary>What a committed OCR batch changed.</summary>
/// <param name="LayersWritten">Layers inserted or replaced.</param>
/// <param name="DeadLettered">New dead letters.</param>
/// <param name="DeadLettersSeenBefore">Failures already dead-lettered (their attempt count went up).</param>
/// <param name="DeadLettersResolved">Dead letters of images that were read this time.</param>
internal sealed record OcrBatchResult(int LayersWritten, int DeadLettered, int DeadLettersSeenBefore, int DeadLettersResolved);
