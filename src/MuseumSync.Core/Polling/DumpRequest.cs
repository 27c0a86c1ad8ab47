using MuseumSync.Mapping;

namespace MuseumSync.Polling;

/// <summary>A local dump to read like an API: an NDJSON file, a JSON array (or envelope) file, a LIDO/OAI-PMH XML file, or a directory of one-object JSON files.</summary>
internal sealed class DumpRequest
{
    /// <summary>The file or directory.</summary>
    public required string Path { get; init; }

    /// <summary>The source name records are stored under.</summary>
    public required string Source { get; init; }

    /// <summary>Where to resume: a record count (files) or the relative path of the first file of a page (directories); null for the start.</summary>
    public string? StartPosition { get; init; }

    /// <summary>Records (or files) per checkpointed page. The default is 1000.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>Stop after this many pages; null for no limit.</summary>
    public int? MaxPages { get; init; }

    /// <summary>The field mapping. The default is the generic REST profile.</summary>
    public FieldMap FieldMap { get; init; } = FieldMap.Generic;

    /// <summary>Throws when the request is not usable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Source)) throw new ArgumentException("A source name is required (-Source).", nameof(Source));
        if (PageSize is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "Use a page size from 1 to 1,000,000.");
        if (!File.Exists(Path) && !Directory.Exists(Path)) throw new ArgumentException($"'{Path}' is neither a file nor a directory; pass the dump's path.", nameof(Path));
        _ = FieldMap.Expressions();
    }
}
