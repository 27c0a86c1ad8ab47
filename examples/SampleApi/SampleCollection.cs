using System.Buffers;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MuseumSync.SampleApi;

/// <summary>One invalid feed line and why it is invalid.</summary>
/// <param name="LineIndex">Zero-based index of the line in the feed.</param>
/// <param name="Kind">One of <see cref="SampleInvalidKinds.All"/>.</param>
/// <param name="ObjectId">The ObjectID written in the line, if any (null when the key is missing, "" when empty).</param>
/// <param name="Raw">The exact line text.</param>
public sealed record SampleInvalidLine(int LineIndex, string Kind, string? ObjectId, string Raw);

/// <summary>The kinds of invalid lines the sample feed contains.</summary>
public static class SampleInvalidKinds
{
    public const string MissingObjectId = "missing_object_id";
    public const string EmptyObjectId = "empty_object_id";
    public const string MissingTitle = "missing_title";
    public const string BadCreationDate = "bad_creation_date";
    public const string BadAccessTier = "bad_access_tier";
    public const string BadEmbargoDate = "bad_embargo_date";
    public const string MalformedJson = "malformed_json";

    /// <summary>All kinds, in the round-robin order the generator uses.</summary>
    public static IReadOnlyList<string> All { get; } =
        [MissingObjectId, EmptyObjectId, MissingTitle, BadCreationDate, BadAccessTier, BadEmbargoDate, MalformedJson];
}

/// <summary>A deterministic sample feed and the outcome a correct sync of it must end with.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Naming",
    "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A museum collection, not a .NET collection type; the name is part of the public contract.")]
public sealed partial class SampleCollection
{
    /// <summary>How many leading lines are always valid new records.</summary>
    internal const int LeadingValidLines = 3;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private SampleCollection(
        List<string> lines,
        Dictionary<string, string> finalTitles,
        List<string> validIds,
        List<SampleInvalidLine> invalidLines,
        int duplicateLines)
    {
        Lines = lines.AsReadOnly();
        Utf8Lines = lines.ConvertAll(Encoding.UTF8.GetBytes).AsReadOnly();
        FinalTitles = new ReadOnlyDictionary<string, string>(finalTitles);
        ValidIds = validIds.AsReadOnly();
        InvalidLines = invalidLines.AsReadOnly();
        DuplicateLines = duplicateLines;
    }

    /// <summary>NDJSON text of each feed line, in feed order (no trailing newline).</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>Valid ObjectID to the title of its last revision in the feed.</summary>
    public IReadOnlyDictionary<string, string> FinalTitles { get; }

    /// <summary>Distinct valid ObjectIDs, in order of first appearance.</summary>
    public IReadOnlyList<string> ValidIds { get; }

    /// <summary>The invalid lines, in feed order.</summary>
    public IReadOnlyList<SampleInvalidLine> InvalidLines { get; }

    /// <summary>Number of lines that re-send an earlier valid record with a new title revision.</summary>
    public int DuplicateLines { get; }

    internal IReadOnlyList<byte[]> Utf8Lines { get; }

    /// <summary>Generates the feed. Same arguments give the same lines, byte for byte.</summary>
    public static SampleCollection Generate(int recordCount, int seed, double invalidRate, double duplicateRate)
    {
        ValidateArguments(recordCount, invalidRate, duplicateRate);

        var rng = new SplitMix64(seed);
        var kinds = PlanLineKinds(rng, recordCount, invalidRate, duplicateRate);

        var lines = new List<string>(recordCount);
        var finalTitles = new Dictionary<string, string>(StringComparer.Ordinal);
        var validIds = new List<string>();
        var invalidLines = new List<SampleInvalidLine>();
        var originals = new List<SampleRecord>();
        var revisions = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicates = 0;
        var nextIdNumber = 1000 + rng.Next(9000);

        string NewObjectId()
        {
            nextIdNumber += 1 + rng.Next(17);
            return "SM-" + nextIdNumber.ToString("D7", CultureInfo.InvariantCulture);
        }

        for (var index = 0; index < recordCount; index++)
        {
            switch (kinds[index])
            {
                case LineKind.Valid:
                {
                    var record = NewRecord(rng, NewObjectId());
                    originals.Add(record);
                    revisions[record.ObjectId!] = 1;
                    validIds.Add(record.ObjectId!);
                    finalTitles[record.ObjectId!] = record.Title!;
                    lines.Add(Serialize(record));
                    break;
                }

                case LineKind.Duplicate:
                {
                    var original = rng.Pick(originals);
                    var id = original.ObjectId!;
                    var revision = ++revisions[id];
                    var title = string.Create(CultureInfo.InvariantCulture, $"{original.Title} (rev {revision})");
                    finalTitles[id] = title;
                    lines.Add(Serialize(original with { Title = title }));
                    duplicates++;
                    break;
                }

                default:
                {
                    var kind = SampleInvalidKinds.All[invalidLines.Count % SampleInvalidKinds.All.Count];
                    var (raw, objectId) = NewInvalidLine(rng, NewObjectId(), kind, invalidLines.Count);
                    invalidLines.Add(new SampleInvalidLine(index, kind, objectId, raw));
                    lines.Add(raw);
                    break;
                }
            }
        }

        return new SampleCollection(lines, finalTitles, validIds, invalidLines, duplicates);
    }

    internal static void ValidateArguments(int recordCount, double invalidRate, double duplicateRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(recordCount);
        if (!(invalidRate is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(invalidRate), invalidRate, "Must be between 0 and 1.");
        }

        if (!(duplicateRate is >= 0 and <= 1) || invalidRate + duplicateRate > 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(duplicateRate), duplicateRate, "Must be between 0 and 1, and invalidRate + duplicateRate must not exceed 1.");
        }
    }

    private enum LineKind : byte
    {
        Valid,
        Invalid,
        Duplicate,
    }

    /// <summary>
    /// Exact counts (rate × count, rounded) placed at random positions after the leading valid lines,
    /// so small feeds still get every kind and the first lines are always valid.
    /// </summary>
    private static LineKind[] PlanLineKinds(SplitMix64 rng, int recordCount, double invalidRate, double duplicateRate)
    {
        var kinds = new LineKind[recordCount];
        var available = Math.Max(0, recordCount - LeadingValidLines);
        var invalid = Math.Min(available, (int)Math.Round(recordCount * invalidRate, MidpointRounding.AwayFromZero));
        var duplicate = Math.Min(available - invalid, (int)Math.Round(recordCount * duplicateRate, MidpointRounding.AwayFromZero));

        var positions = new int[available];
        for (var i = 0; i < available; i++)
        {
            positions[i] = LeadingValidLines + i;
        }

        for (var k = 0; k < invalid + duplicate; k++)
        {
            var j = k + rng.Next(available - k);
            (positions[k], positions[j]) = (positions[j], positions[k]);
            kinds[positions[k]] = k < invalid ? LineKind.Invalid : LineKind.Duplicate;
        }

        return kinds;
    }

    private static SampleRecord NewRecord(SplitMix64 rng, string objectId)
    {
        var work = rng.Pick(SampleCatalogue.Works);
        var title = rng.Chance(0.2) ? work.Title + rng.Pick(SampleCatalogue.TitleSuffixes) : work.Title;
        var accession = string.Create(
            CultureInfo.InvariantCulture,
            $"{rng.NextInclusive(1870, 2019)}.{rng.NextInclusive(1, 250)}.{rng.NextInclusive(1, 40)}");

        var tierRoll = rng.NextDouble();
        var omitTier = rng.Chance(0.05);

        return new SampleRecord
        {
            ObjectId = objectId,
            AccessionNumber = accession,
            Title = title,
            CreationDate = NewCreationDate(rng),
            Artist = work.Artist,
            Department = work.Department,
            Classification = work.Classification,
            MediaUrl = SampleCatalogue.MediaUrl(objectId),
            ManifestUrl = rng.Chance(0.8) ? SampleCatalogue.ManifestUrl(objectId) : null,
            RightsStatement = rng.Pick(SampleCatalogue.RightsStatements),
            EmbargoDate = rng.Chance(0.15) ? NewDate(rng, 2020, 2030) : null,
            AccessTier = omitTier ? null : tierRoll < 0.8 ? "public" : tierRoll < 0.92 ? "research" : "restricted",
        };
    }

    private static string? NewCreationDate(SplitMix64 rng)
    {
        var roll = rng.Next(100);
        if (roll < 15)
        {
            return null;
        }

        var date = NewDate(rng, 850, 2019);
        return roll switch
        {
            < 55 => date,
            < 80 => date + "T00:00:00Z",
            _ => date + "T12:30:00+01:00",
        };
    }

    private static string NewDate(SplitMix64 rng, int firstYear, int lastYear) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{rng.NextInclusive(firstYear, lastYear):D4}-{rng.NextInclusive(1, 12):D2}-{rng.NextInclusive(1, 28):D2}");

    private static (string Raw, string? ObjectId) NewInvalidLine(SplitMix64 rng, string freshId, string kind, int invalidOrdinal)
    {
        var record = NewRecord(rng, freshId);
        var cycle = invalidOrdinal / SampleInvalidKinds.All.Count;
        switch (kind)
        {
            case SampleInvalidKinds.MissingObjectId:
                return (Serialize(record with { ObjectId = null }), null);
            case SampleInvalidKinds.EmptyObjectId:
                return (Serialize(record with { ObjectId = string.Empty }), string.Empty);
            case SampleInvalidKinds.MissingTitle:
                return (Serialize(record with { Title = null }), freshId);
            case SampleInvalidKinds.BadCreationDate:
                var badDate = SampleCatalogue.BadCreationDates[cycle % SampleCatalogue.BadCreationDates.Count];
                return (Serialize(record with { CreationDate = badDate }), freshId);
            case SampleInvalidKinds.BadAccessTier:
                return (Serialize(record with { AccessTier = SampleCatalogue.BadAccessTier }), freshId);
            case SampleInvalidKinds.BadEmbargoDate:
                var badEmbargo = SampleCatalogue.BadEmbargoDates[cycle % SampleCatalogue.BadEmbargoDates.Count];
                return (Serialize(record with { EmbargoDate = badEmbargo }), freshId);
            default:
                var full = Serialize(record);
                var cut = (int)(full.Length * 0.6);
                if (cut > 0 && char.IsHighSurrogate(full[cut - 1]))
                {
                    cut--;
                }

                return (full[..cut], freshId);
        }
    }

    private static string Serialize(SampleRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(768);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            if (record.ObjectId is not null)
            {
                writer.WriteString("ObjectID", record.ObjectId);
            }

            writer.WriteString("accession_number", record.AccessionNumber);
            if (record.Title is not null)
            {
                writer.WriteString("title", record.Title);
            }

            WriteNullable(writer, "creation_date_iso", record.CreationDate);
            if (record.Artist is null)
            {
                writer.WriteNull("artist");
            }
            else
            {
                writer.WriteStartObject("artist");
                writer.WriteString("name", record.Artist.Name);
                WriteNullable(writer, "nationality", record.Artist.Nationality);
                writer.WriteEndObject();
            }

            writer.WriteString("department", record.Department);
            writer.WriteString("classification", record.Classification);
            writer.WriteString("media_url", record.MediaUrl);
            WriteNullable(writer, "iiif_manifest_url", record.ManifestUrl);
            writer.WriteString("rights_statement", record.RightsStatement);
            WriteNullable(writer, "embargo_date", record.EmbargoDate);
            if (record.AccessTier is not null)
            {
                writer.WriteString("access_tier", record.AccessTier);
            }

            writer.WriteEndObject();
        }

        // The relaxed encoder keeps BMP scripts readable but still writes astral characters (emoji) as
        // \uD83C\uDFA8 pairs; turn those back into the characters so every line stays human-readable.
        return EscapedSurrogatePair().Replace(
            Encoding.UTF8.GetString(buffer.WrittenSpan),
            m => new string(
            [
                (char)int.Parse(m.Groups["high"].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                (char)int.Parse(m.Groups["low"].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ]));
    }

    /// <summary>An escaped surrogate pair whose backslash is not itself escaped (even run of backslashes before it).</summary>
    [GeneratedRegex(@"(?<=(?:^|[^\\])(?:\\\\)*)\\u(?<high>D[89AB][0-9A-F]{2})\\u(?<low>D[C-F][0-9A-F]{2})", RegexOptions.CultureInvariant)]
    private static partial Regex EscapedSurrogatePair();

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>One record; a null ObjectId, Title or AccessTier means the key is omitted.</summary>
    private sealed record SampleRecord
    {
        public string? ObjectId { get; init; }
        public required string AccessionNumber { get; init; }
        public string? Title { get; init; }
        public string? CreationDate { get; init; }
        public SampleCatalogue.Artist? Artist { get; init; }
        public required string Department { get; init; }
        public required string Classification { get; init; }
        public required string MediaUrl { get; init; }
        public string? ManifestUrl { get; init; }
        public required string RightsStatement { get; init; }
        public string? EmbargoDate { get; init; }
        public string? AccessTier { get; init; }
    }
}
