namespace MuseumSync;

/// <summary>
/// The OCR engine cannot be used: Tesseract is not installed (or not where <c>-TesseractPath</c> says), is too old, or
/// lacks the language data asked for. Not transient: it needs an install. The message says what to install and how.
/// </summary>
public sealed class OcrEngineException : MuseumSyncException
{
    /// <summary>The stable error id when no Tesseract executable was found.</summary>
    public const string NotFoundId = "MuseumOcrEngineNotFound";

    /// <summary>The stable error id when the executable is not a Tesseract this module can use (missing, not version 4 or newer, or failing).</summary>
    public const string UnsupportedId = "MuseumOcrEngineUnsupported";

    /// <summary>The stable error id when language data asked for (<c>-Language</c>) is not installed.</summary>
    public const string LanguageMissingId = "MuseumOcrLanguageMissing";

    /// <summary>Creates the exception.</summary>
    public OcrEngineException() { }

    /// <summary>Creates the exception.</summary>
    public OcrEngineException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public OcrEngineException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Creates the exception with its stable id.</summary>
    public OcrEngineException(string message, string errorId, Exception? inner = null) : base(message, errorId, isTransient: false, inner) { }

    /// <summary>The languages asked for that are not installed (empty unless the id is <see cref="LanguageMissingId"/>).</summary>
    public IReadOnlyList<string> MissingLanguages { get; init; } = Array.Empty<string>();
}
