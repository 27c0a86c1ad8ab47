using System.Text;
using System.Text.Json;
using MuseumSync.Mapping;

namespace MuseumSync.Polling;

/// <summary>
/// The dead letter of a record larger than <see cref="PageLimitOptions.MaxRecordBytes"/>: the reader went past it without
/// holding it, so what is kept is its true size and its first bytes (<see cref="PageLimitOptions.PrefixBytes"/>), as a
/// JSON payload <c>{"museumsync_error":"record too large","bytes":…,"max_record_bytes":…,"prefix":"…"}</c>, and its id when
/// the first bytes name it.
/// </summary>
internal static class OversizeRecord
{
    /// <summary>The validation rule of an over-size record.</summary>
    public const string Rule = "record-size";

    public static MuseumRecord Create(PollRun run, ReadOnlySpan<byte> prefix, long length, in RecordOrigin origin, string? resumePosition) =>
        Create(run.Request.Limits.MaxRecordBytes, run.RecordIdNames, prefix, length, origin, resumePosition);

    public static MuseumRecord Create(int maxRecordBytes, IReadOnlyCollection<string> idNames, ReadOnlySpan<byte> prefix, long length, in RecordOrigin origin, string? resumePosition) =>
        Create(maxRecordBytes, IdFromPrefix(prefix, idNames), Encoding.UTF8.GetString(prefix), length, origin, resumePosition);

    /// <summary>The dead letter of a record whose id (if known) and first characters were taken while reading past it (XML).</summary>
    public static MuseumRecord Create(int maxRecordBytes, string? id, string prefix, long length, in RecordOrigin origin, string? resumePosition)
    {
        var raw = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["museumsync_error"] = "record too large",
            ["bytes"] = length,
            ["max_record_bytes"] = maxRecordBytes,
            ["url"] = origin.SourceUrl,
            ["position"] = origin.Position,
            ["record"] = origin.LineNumber,
            ["prefix"] = prefix,
        });
        var where = origin.SourceUrl is null ? $"record {origin.LineNumber}" : $"record {origin.LineNumber} of page {origin.PageNumber} ({origin.SourceUrl})";
        var issue = new ValidationIssue("(record)", Rule,
            $"The {where}{(id is null ? string.Empty : $", id '{id}',")} is {Bytes.Describe(length)}, larger than the limit of {Bytes.Describe(maxRecordBytes)} per record; it was read past, and its first {Bytes.Describe(Encoding.UTF8.GetByteCount(prefix))} are kept in this dead letter. If such records are expected, raise -MaxRecordBytes (MaxRecordBytes in sync.psd1) and run again from the checkpoint before this page.");
        return RecordFactory.Problem(id, raw, issue, origin, resumePosition);
    }

    /// <summary>True for the dead letter of an over-size record.</summary>
    public static bool Is(MuseumRecord record) => record.Issues.Count == 1 && record.Issues[0].Rule == Rule;

    /// <summary>The same dead letter with another resume position (it cannot be made again from its payload).</summary>
    public static MuseumRecord WithResume(MuseumRecord held, string? resumePosition) => RecordFactory.Problem(held.ObjectId, held.RawJson, held.Issues[0],
        new RecordOrigin(held.Source, held.Position, held.PageNumber, held.LineNumber, held.SourceUrl, held.CorrelationId, held.FetchedAt, held.Watermark), resumePosition);

    /// <summary>The record's id when one of its top-level id properties comes before the cut.</summary>
    private static string? IdFromPrefix(ReadOnlySpan<byte> prefix, IReadOnlyCollection<string> idNames)
    {
        var reader = new Utf8JsonReader(prefix, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                var name = reader.GetString();
                if (!reader.Read()) return null;
                if (name is not null && idNames.Contains(name) && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip()) return null;
            }
        }
        catch (JsonException)
        {
            // the cut (or the record) is not JSON there: no id
        }
        return null;
    }
}
