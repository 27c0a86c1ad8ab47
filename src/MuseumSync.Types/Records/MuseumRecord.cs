using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace MuseumSync;

/// <summary>
/// One collection record as it arrived from a museum API, mapped onto MuseumSync's fields and validated.
/// Invalid records are kept too (<see cref="IsValid"/> is false, <see cref="Issues"/> says why) so that
/// nothing is lost: <c>Sync-MuseumRecord</c> dead-letters them.
/// </summary>
public sealed class MuseumRecord
{
    private string? _rawJson;
    private readonly byte[]? _rawJsonUtf8;
    private AccessTier? _assignedAccessTier;
    private string? _tierRule;
    // The content hash (Storage.RecordHash) once computed. Every other field is init-only, and the two the compliance
    // rules set clear it, so a kept hash is always the hash of what the record holds now.
    // Two ulongs, not a UInt128: crossgen2 treats a type with an Int128/UInt128 field as ABI-unstable and then compiles no
    // ReadyToRun code for any method that takes or calls with a MuseumRecord, so the whole per-record path was JIT-compiled
    // three times in every run (measured in the perf map, issue #18).
    private ulong _contentHashLow;
    private ulong _contentHashHigh;
    private bool _hasContentHash;

    /// <summary>A record; set <see cref="Source"/> and <see cref="RawJson"/> (both required).</summary>
    public MuseumRecord()
    {
    }

    /// <summary>
    /// A record read from bytes: <paramref name="rawJsonUtf8"/> (valid UTF-8, owned by the record from now on) is the
    /// payload, and <see cref="RawJson"/> is decoded from it only when asked for. Stores write and hash the bytes as they are.
    /// </summary>
    [SetsRequiredMembers]
#pragma warning disable CS8618 // RawJson is computed from the bytes; a caller without bytes sets it in the initializer.
    internal MuseumRecord(string source, byte[]? rawJsonUtf8)
#pragma warning restore CS8618
    {
        Source = source;
        _rawJsonUtf8 = rawJsonUtf8;
    }
    /// <summary>The name the user gave the source (<c>-Source</c>); part of the record's key.</summary>
    public required string Source { get; init; }

    /// <summary>The museum's object identifier; null only on an invalid record.</summary>
    public string? ObjectId { get; init; }

    /// <summary>The accession number, when the source has one.</summary>
    public string? AccessionNumber { get; init; }

    /// <summary>The title.</summary>
    public string? Title { get; init; }

    /// <summary>The creation date as ISO 8601 text (date, date-time, or reduced precision such as a year).</summary>
    public string? CreationDate { get; init; }

    /// <summary>
    /// The end of the creation date range as ISO 8601 text, for a work made over a span (the Met's <c>objectEndDate</c>,
    /// LIDO's <c>latestDate</c>); null when the source gives a single date or none. Never before <see cref="CreationDate"/>
    /// on a valid record.
    /// </summary>
    public string? CreationEndDate { get; init; }

    /// <summary>The rights statement URI.</summary>
    public string? RightsStatement { get; init; }

    /// <summary>The date until which the record is embargoed.</summary>
    public DateOnly? EmbargoDate { get; init; }

    /// <summary>The access tier the record arrived with (absent means public).</summary>
    public AccessTier AccessTier { get; init; }

    /// <summary>
    /// The access tier the compliance rules assigned (<c>Compliance.ComplianceEngine</c>); null until they ran.
    /// <see cref="AccessTier"/> keeps the tier the record arrived with.
    /// </summary>
    public AccessTier? AssignedAccessTier
    {
        get => _assignedAccessTier;
        internal set
        {
            _assignedAccessTier = value;
            Volatile.Write(ref _hasContentHash, false);
        }
    }

    /// <summary>The id of the compliance rule that decided <see cref="AssignedAccessTier"/> (for example <c>rights-in-copyright</c>, <c>embargo-active</c>); null until the rules ran.</summary>
    public string? TierRule
    {
        get => _tierRule;
        internal set
        {
            _tierRule = value;
            Volatile.Write(ref _hasContentHash, false);
        }
    }

    /// <summary>The IIIF Presentation manifest URL.</summary>
    public string? IiifManifestUrl { get; init; }

    /// <summary>The primary media (image) URL.</summary>
    public string? MediaUrl { get; init; }

    /// <summary>The record exactly as the source sent it (one JSON document, or the raw line when it was not JSON).</summary>
    public required string RawJson
    {
        get => _rawJson ?? DecodeRawJson();
        init => _rawJson = value;
    }

    /// <summary>The payload as UTF-8 when the record was read from bytes; null when it was made from text.</summary>
    internal byte[]? RawJsonUtf8 => _rawJsonUtf8;

    /// <summary>The payload's bytes as received when they are not valid UTF-8 (<see cref="RawJson"/> shows them with U+FFFD); null otherwise. A dead letter keeps them.</summary>
    internal byte[]? OriginalBytes { get; init; }

    /// <summary>Copies the kept content hash into <paramref name="destination"/>; false when there is none.</summary>
    internal bool TryGetContentHash(Span<byte> destination)
    {
        if (!Volatile.Read(ref _hasContentHash)) return false;
        System.Runtime.InteropServices.MemoryMarshal.Write(destination, in _contentHashLow);
        System.Runtime.InteropServices.MemoryMarshal.Write(destination[sizeof(ulong)..], in _contentHashHigh);
        return true;
    }

    /// <summary>Keeps the content hash the store would compute for this record.</summary>
    internal void SetContentHash(ReadOnlySpan<byte> hash)
    {
        _contentHashLow = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(hash);
        _contentHashHigh = System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(hash[sizeof(ulong)..]);
        Volatile.Write(ref _hasContentHash, true);
    }

    private string DecodeRawJson()
    {
        if (_rawJsonUtf8 is null) return _rawJson!;
        var text = Encoding.UTF8.GetString(_rawJsonUtf8);
        _rawJson = text; // a race decodes twice, to equal strings
        return text;
    }

    /// <summary>True when every validation rule passed.</summary>
    public bool IsValid => Issues.Count == 0;

    /// <summary>Why the record is invalid; empty when it is valid.</summary>
    public IReadOnlyList<ValidationIssue> Issues { get; init; } = Array.Empty<ValidationIssue>();

    /// <summary>The page position (cursor) of the page the record came from; null for the first page.</summary>
    public string? Position { get; init; }

    /// <summary>Where to resume once this record's page is committed: the next page's position, or this page's when it was the last.</summary>
    public string? ResumePosition { get; init; }

    /// <summary>True on the last record of its page: once it is committed, the whole page is.</summary>
    public bool EndOfPage { get; internal set; }

    /// <summary>True on the last record of the last page: once it is committed, the whole feed is.</summary>
    public bool EndOfFeed { get; internal set; }

    /// <summary>
    /// The modification-time watermark this run covers (ISO 8601), for sources polled incrementally (<c>-Since</c>).
    /// Stored with the checkpoint when the <see cref="EndOfFeed"/> record is committed; null when the source has none.
    /// </summary>
    public string? Watermark { get; init; }

    /// <summary>
    /// True when the source says the record was deleted (OAI-PMH <c>status="deleted"</c>). A deletion carries the
    /// <see cref="ObjectId"/> and, as <see cref="RawJson"/>, the header the source sent; its other fields are empty.
    /// </summary>
    public bool IsDeleted { get; init; }

    /// <summary>The page's sequence number within the run (1-based).</summary>
    public long PageNumber { get; init; }

    /// <summary>The 1-based line (or item) number within the page.</summary>
    public int LineNumber { get; init; }

    /// <summary>The URL the page was fetched from (secrets masked).</summary>
    public string? SourceUrl { get; init; }

    /// <summary>The correlation id of the request that fetched the record.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>When the record was fetched (UTC).</summary>
    public DateTimeOffset FetchedAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => IsValid ? $"{Source}/{ObjectId}: {Title}" : $"{Source}/{ObjectId ?? "?"} (invalid)";
}
