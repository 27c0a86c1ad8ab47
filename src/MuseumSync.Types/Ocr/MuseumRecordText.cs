namespace MuseumSync;

/// <summary>The OCR text layer of one record's image, as <c>Invoke-MuseumOcr</c> stored it (<c>Get-MuseumRecordText</c> returns these).</summary>
public sealed class MuseumRecordText
{
    /// <summary>The source name.</summary>
    public required string Source { get; init; }

    /// <summary>The record's object id.</summary>
    public required string ObjectId { get; init; }

    /// <summary>The URL of the image that was read (the record's media URL, or the bounded rendition of its IIIF image service).</summary>
    public required string MediaUrl { get; init; }

    /// <summary>The SHA-256 of the image bytes that were read, as lowercase hex: the same bytes are not read again.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The OCR engine (<c>tesseract</c>).</summary>
    public required string Engine { get; init; }

    /// <summary>The engine's version (<c>5.3.0</c>).</summary>
    public required string EngineVersion { get; init; }

    /// <summary>The language data used, in Tesseract's form (<c>eng+deu</c>).</summary>
    public required string Languages { get; init; }

    /// <summary>The mean word confidence, 0 to 100; null when no word was found.</summary>
    public double? MeanConfidence { get; init; }

    /// <summary>The recognised plain text (empty when the image holds none).</summary>
    public required string Text { get; init; }

    /// <summary>The words with their boxes and confidences, as the engine's hOCR (XHTML: <c>ocrx_word</c> with <c>bbox</c> and <c>x_wconf</c>).</summary>
    public required string Hocr { get; init; }

    /// <summary>The width in pixels of the image that was read (the boxes are in these pixels).</summary>
    public int ImageWidth { get; init; }

    /// <summary>The height in pixels of the image that was read.</summary>
    public int ImageHeight { get; init; }

    /// <summary>How many words were recognised.</summary>
    public int WordCount { get; init; }

    /// <summary>When the image was read.</summary>
    public DateTimeOffset RecognizedAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Source}/{ObjectId}: {WordCount} words";
}
