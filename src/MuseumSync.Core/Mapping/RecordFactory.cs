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
    DateTimeOffset FetchedAt);

/// <summary>Turns the bytes of one source record into a validated <see cref="MuseumRecord"/>.</summary>
internal sealed class RecordFactory
{
    private readonly JsonRecordMapper _mapper;

    public RecordFactory(FieldMap map) => _mapper = new JsonRecordMapper(map);

    public MuseumRecord Create(ReadOnlySpan<byte> json, in RecordOrigin origin, string? resumePosition, bool endOfPage)
    {
        var f = _mapper.Read(json);
        RecordValidator.Validate(f, _mapper.Map, out var embargo, out var tier, out var issues);
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
            RawJson = Encoding.UTF8.GetString(json),
            Issues = (IReadOnlyList<ValidationIssue>?)issues ?? Array.Empty<ValidationIssue>(),
            Position = origin.Position,
            ResumePosition = resumePosition,
            EndOfPage = endOfPage,
            PageNumber = origin.PageNumber,
            LineNumber = origin.LineNumber,
            SourceUrl = origin.SourceUrl,
            CorrelationId = origin.CorrelationId,
            FetchedAt = origin.FetchedAt,
        };
    }

    private static string? Trim(string? s) => s is null ? null : s.Trim();
}
