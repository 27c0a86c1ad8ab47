using System.Text;
using MuseumSync.Validation;

namespace MuseumSync.Mapping;

/// <summary>Where a record came from: the page and line, for checkpoints and for error messages.</summary>
internal readonly record struct RecordOrigin(
    string Source,
    string? Position,
    long PageNumber,
    int LineNumber,
    string? SourceUrl,
    string? CorrelationId,
    DateTimeOffset FetchedAt,
    string? Watermark = null);

/// <summary>Turns the bytes of one source record into a validated <see cref="MuseumRecord"/>.</summary>
internal sealed class RecordFactory
{
    private readonly JsonRecordMapper? _simple;
    private readonly ExpressionRecordMapper? _expressions;

    public RecordFactory(FieldMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
        // The generic map (top-level names only) keeps the fastest path; paths, choices and templates take the expression mapper.
        if (map.IsSimple()) _simple = new JsonRecordMapper(map);
        else _expressions = new ExpressionRecordMapper(map);
    }

    public FieldMap Map { get; }

    [ThreadStatic]
    private static RawFields t_fields;

    public MuseumRecord Create(ReadOnlySpan<byte> json, in RecordOrigin origin, string? resumePosition, bool endOfPage)
    {
        // The simple mapper fills one set of arrays per thread: the fields are copied into the record before the next read.
        var f = _simple is not null ? _simple.Read(json, t_fields.Values is null ? t_fields = RawFields.Create() : t_fields) : _expressions!.Read(json);
        // Valid UTF-8 is kept as bytes (half the memory of text; RawJson decodes on demand); anything else is decoded now,
        // replacement characters and all, exactly as before.
        return System.Text.Unicode.Utf8.IsValid(json)
            ? Build(f, Map, null, json.ToArray(), origin, resumePosition, endOfPage)
            : Build(f, Map, Encoding.UTF8.GetString(json), null, origin, resumePosition, endOfPage, originalBytes: json.ToArray());
    }

    /// <summary>A record from fields another reader extracted (LIDO, Dublin Core); <paramref name="raw"/> is the record as the source sent it.</summary>
    public MuseumRecord Create(in RawFields f, string raw, in RecordOrigin origin, string? resumePosition, bool endOfPage) =>
        FromFields(f, Map, raw, origin, resumePosition, endOfPage);

    /// <summary>A record from extracted fields; <paramref name="names"/> names the source fields in validation messages.</summary>
    public static MuseumRecord FromFields(in RawFields f, FieldMap names, string raw, in RecordOrigin origin, string? resumePosition, bool endOfPage) =>
        Build(f, names, raw, null, origin, resumePosition, endOfPage);

    private static MuseumRecord Build(in RawFields f, FieldMap names, string? raw, byte[]? rawUtf8, in RecordOrigin origin, string? resumePosition, bool endOfPage, byte[]? originalBytes = null)
    {
        RecordValidator.Validate(f, names, out var embargo, out var tier, out var issues);
        return new MuseumRecord(origin.Source, rawUtf8)
        {
            ObjectId = Trim(f[MappedField.ObjectId]),
            AccessionNumber = f[MappedField.AccessionNumber],
            Title = f[MappedField.Title],
            CreationDate = f[MappedField.CreationDate],
            CreationEndDate = f[MappedField.CreationEndDate],
            RightsStatement = string.IsNullOrWhiteSpace(f[MappedField.RightsStatement]) && names.CollectionRights is { } collection ? collection : f[MappedField.RightsStatement],
            EmbargoDate = embargo,
            AccessTier = tier,
            IiifManifestUrl = f[MappedField.IiifManifestUrl],
            MediaUrl = f[MappedField.MediaUrl],
            RawJson = raw!, // null when the bytes are the payload: RawJson decodes them
            OriginalBytes = originalBytes,
            Issues = (IReadOnlyList<ValidationIssue>?)issues ?? Array.Empty<ValidationIssue>(),
            Position = origin.Position,
            ResumePosition = resumePosition,
            EndOfPage = endOfPage,
            PageNumber = origin.PageNumber,
            LineNumber = origin.LineNumber,
            SourceUrl = origin.SourceUrl,
            CorrelationId = origin.CorrelationId,
            FetchedAt = origin.FetchedAt,
            Watermark = origin.Watermark,
        };
    }

    /// <summary>A deletion: the id and the header the source sent, nothing to validate.</summary>
    public static MuseumRecord Deletion(string objectId, string raw, in RecordOrigin origin, string? resumePosition) => new()
    {
        Source = origin.Source,
        ObjectId = objectId.Trim(),
        RawJson = raw,
        IsDeleted = true,
        Position = origin.Position,
        ResumePosition = resumePosition,
        PageNumber = origin.PageNumber,
        LineNumber = origin.LineNumber,
        SourceUrl = origin.SourceUrl,
        CorrelationId = origin.CorrelationId,
        FetchedAt = origin.FetchedAt,
        Watermark = origin.Watermark,
    };

    /// <summary>An invalid record that stands for something that is not a record at all (a 404 for a listed id, a page that is not JSON).</summary>
    public static MuseumRecord Problem(string? objectId, string raw, ValidationIssue issue, in RecordOrigin origin, string? resumePosition) => new()
    {
        Source = origin.Source,
        ObjectId = objectId,
        RawJson = raw,
        Issues = [issue],
        Position = origin.Position,
        ResumePosition = resumePosition,
        PageNumber = origin.PageNumber,
        LineNumber = origin.LineNumber,
        SourceUrl = origin.SourceUrl,
        CorrelationId = origin.CorrelationId,
        FetchedAt = origin.FetchedAt,
        Watermark = origin.Watermark,
    };

    private static string? Trim(string? s) => s is null ? null : s.Trim();
}
