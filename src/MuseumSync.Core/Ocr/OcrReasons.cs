namespace MuseumSync.Ocr;

/// <summary>The dead-letter reason ids of images that could not be read; the field is always <c>media_url</c>.</summary>
internal static class OcrReasons
{
    /// <summary>The field the reasons name.</summary>
    public const string Field = "media_url";

    /// <summary>The image (or the IIIF manifest naming it) could not be fetched: an HTTP error, a refused connection, a timeout.</summary>
    public const string FetchFailed = "ocr-fetch-failed";

    /// <summary>The image is larger than the byte cap (<c>-MaxImageBytes</c>).</summary>
    public const string TooLarge = "ocr-too-large";

    /// <summary>The bytes are not an image Tesseract can decode.</summary>
    public const string Unreadable = "ocr-unreadable";

    /// <summary>Tesseract took longer than the per-image timeout and was stopped.</summary>
    public const string Timeout = "ocr-timeout";

    /// <summary>Tesseract failed for another reason (its message is kept).</summary>
    public const string EngineFailed = "ocr-engine-failed";

    /// <summary>The record's IIIF manifest names no image to read.</summary>
    public const string NoImage = "ocr-no-image";
}
