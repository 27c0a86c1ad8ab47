namespace MuseumSync;

/// <summary>What one <c>Invoke-MuseumOcr</c> run did for a source.</summary>
public sealed class OcrSummary
{
    /// <summary>The source.</summary>
    public required string Source { get; init; }

    /// <summary>Completed, Stopped (Ctrl+C) or WhatIf.</summary>
    public string Status { get; init; } = "Completed";

    /// <summary>Records of the source with an image (a media URL or a IIIF manifest) that the run looked at.</summary>
    public long ImagesSeen { get; init; }

    /// <summary>Images read and stored as a text layer by this run.</summary>
    public long Ocred { get; init; }

    /// <summary>Images whose bytes had not changed since their text layer was stored (not read again).</summary>
    public long Unchanged { get; init; }

    /// <summary>Images that could not be fetched, decoded or read; each is a dead letter with its reason.</summary>
    public long Failed { get; init; }

    /// <summary>With -WhatIf: the images the run would have fetched and read.</summary>
    public long WouldOcr { get; init; }

    /// <summary>Batches committed.</summary>
    public long Batches { get; init; }

    /// <summary>The engine and version that read the images (<c>tesseract 5.3.0</c>).</summary>
    public string? Engine { get; init; }

    /// <summary>The language data used (<c>eng+deu</c>).</summary>
    public string? Languages { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Where the text layers were written (no secrets).</summary>
    public string? Database { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Source}: {Ocred} OCRed, {Unchanged} unchanged, {Failed} failed of {ImagesSeen} images";
}
