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

    public MuseumRecord Create(ReadOnlySpan<byte> json, in RecordOrigin origin, string? resumePosition, bool endOfPage)
    {
        var f = _simple is not null ? _simple.Read(json) : _expressions!.Read(json);
        return Create(f, Encoding.UTF8.GetString(json), origin, resumePosition, endOfPage);
    }

    /// <summary>A record from fields another reader extracted (LIDO, Dublin Core); <paramref name="raw"/> is the record as the source sent it.</summary>
    public MuseumRecord Create(in RawFields f, string raw, in RecordOrigin origin, string? resumePosition, bool endOfPage) =>
        FromFields(f, Map, raw, origin, resumePosition, endOfPage);

    /// <summary>A record from extracted fields; <paramref name="names"/> names the source fields in validation messages.</summary>
    public static MuseumRecord FromFields(in RawFields f, FieldMap names, string raw, in RecordOrigin origin, string? resumePosition, bool endOfPage)
    {
        RecordValidator.Validate(f, names, out var embargo, out var tier, out var issues);
        return new MuseumRecord
        {
            Source = origin.Source,
            ObjectId = Trim(f[MappedField.ObjectId]),
            AccessionNumber = f[MappedField.AccessionNumber],
            Title = f[MappedField.Title],
            CreationDate = f[MappedField.CreationDate],
            RightsStatement = f[MappedField.RightsStatement],
            EmbargoDate = embargo,
            AccessTier = tier,
            IiifManifestUrl = f[MappedField.IiifManifestUrl],
            MediaUrl = f[MappedField.MediaUrl],
            RawJson = raw,
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
