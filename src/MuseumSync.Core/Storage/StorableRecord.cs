using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MuseumSync.Compliance;

namespace MuseumSync.Storage;

/// <summary>
/// Finds, before a batch's transaction, the values a store cannot hold, so that one record never fails its whole batch
/// (and every rerun of it) on one database while another stores it:
/// <list type="bullet">
/// <item>A NUL character (U+0000) in a stored text field: PostgreSQL refuses it in <c>text</c> (22021) and in
/// <c>jsonb</c>. The record is not changed silently; it is dead-lettered with a reason naming the field
/// (rule <c>store-nul-character</c>).</item>
/// <item>An object id longer than <see cref="MaxObjectIdLength"/> characters: the key column's limit on SQL Server, and
/// on PostgreSQL an over-long id breaks the key index (54000). Every store applies the same limit; the record is
/// dead-lettered (rule <c>store-object-id-length</c>).</item>
/// </list>
/// A dead letter is made storable the same way on every store: a NUL in its payload, id, position, URL, correlation id
/// or reasons is written as the six characters <c>\u0000</c>, and an over-long id is kept as its first
/// <see cref="KeptIdPrefix"/> characters, <c>…sha256:</c> and the first 32 hex digits of the SHA-256 of the whole id
/// (its reason gives the true length and the full hash).
/// </summary>
internal static class StorableRecord
{
    /// <summary>
    /// The longest object id, in UTF-16 code units (the SQL Server key column is <c>nvarchar(350)</c>), the same on every
    /// store. The default and the maximum is 350.
    /// </summary>
    public const int MaxObjectIdLength = 350;

    /// <summary>How many leading characters of an over-long id its dead letter keeps.</summary>
    public const int KeptIdPrefix = 256;

    /// <summary>The rule id of a stored field that holds a NUL character.</summary>
    public const string NulRule = "store-nul-character";

    /// <summary>The rule id of an object id longer than <see cref="MaxObjectIdLength"/>.</summary>
    public const string IdLengthRule = "store-object-id-length";

    private const string NulEscape = "\\u0000";

    /// <summary>
    /// The record as the store can take it: <paramref name="record"/> itself when every value fits; otherwise a dead
    /// letter (a valid record or a deletion with an unstorable value becomes invalid, with an issue per problem) whose
    /// dead-letter columns are escaped and shortened as the class remarks say.
    /// </summary>
    public static MuseumRecord Check(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        List<ValidationIssue>? issues = null;
        var id = record.ObjectId;
        if (id is { Length: > MaxObjectIdLength })
        {
            (issues ??= new()).Add(new ValidationIssue("object_id", IdLengthRule, string.Create(CultureInfo.InvariantCulture,
                $"The object id has {id.Length} characters (SHA-256 {Sha256Hex(id)}); MuseumSync keeps ids of up to {MaxObjectIdLength} characters on every store. The dead letter keeps its first {KeptIdPrefix} characters. Map a shorter field as the object id, or ask the museum to shorten it.")));
        }
        if (record.IsValid || record.IsDeleted)
        {
            foreach (var (field, get) in s_storedText)
            {
                if (!HasNul(get(record))) continue;
                (issues ??= new()).Add(new ValidationIssue(field, NulRule,
                    $"The field '{field}' contains a NUL character (U+0000), which PostgreSQL cannot store, so no store keeps it. Fix the value at the source, or map the field with an expression that removes it."));
            }
            if (HasNul(record.RawJsonUtf8, record.RawJsonUtf8 is null ? record.RawJson : null))
            {
                (issues ??= new()).Add(new ValidationIssue("raw_json", NulRule,
                    "The payload contains a NUL character (U+0000), which PostgreSQL cannot store, so no store keeps it as a record. The dead letter's payload has it as the text \\u0000."));
            }
        }
        if (issues is null && !NeedsEscaping(record)) return record;
        return DeadLetter(record, issues);
    }

    /// <summary><paramref name="value"/> with each NUL written as the six characters <c>\u0000</c>.</summary>
    public static string? EscapeNul(string? value) =>
        value is null || !value.Contains('\0', StringComparison.Ordinal) ? value : value.Replace("\0", NulEscape, StringComparison.Ordinal);

    /// <summary>
    /// The object id as a dead letter stores it: NULs escaped, and when that is longer than <see cref="MaxObjectIdLength"/>,
    /// its first <see cref="KeptIdPrefix"/> characters, <c>…sha256:</c> and 32 hex digits of the SHA-256 of the whole id.
    /// </summary>
    public static string? DeadLetterObjectId(string? id)
    {
        var escaped = EscapeNul(id);
        if (escaped is null || escaped.Length <= MaxObjectIdLength) return escaped;
        var keep = KeptIdPrefix;
        if (char.IsHighSurrogate(escaped[keep - 1])) keep--; // never split a surrogate pair
        return string.Concat(escaped.AsSpan(0, keep), "…sha256:", Sha256Hex(id!).AsSpan(0, 32));
    }

    private static MuseumRecord DeadLetter(MuseumRecord r, List<ValidationIssue>? added)
    {
        var issues = new List<ValidationIssue>(r.Issues.Count + (added?.Count ?? 0));
        foreach (var i in r.Issues) issues.Add(new ValidationIssue(EscapeNul(i.Field)!, EscapeNul(i.Rule)!, EscapeNul(i.Message)!));
        if (added is not null) issues.AddRange(added);
        // Not a deletion any more: a dead letter, stored as the stores store every dead letter.
        return RecordCopy.Copy(r, issues, tierRule: null, isDeleted: false, DeadLetterObjectId(r.ObjectId), EscapeNul);
    }

    /// <summary>True when an invalid record's dead-letter columns need escaping or shortening.</summary>
    private static bool NeedsEscaping(MuseumRecord r)
    {
        if (r.IsValid) return false;
        if (r.ObjectId is { } id && (id.Length > MaxObjectIdLength || id.Contains('\0', StringComparison.Ordinal))) return true;
        if (HasNul(r.Position) || HasNul(r.SourceUrl) || HasNul(r.CorrelationId)) return true;
        foreach (var i in r.Issues)
        {
            if (HasNul(i.Field) || HasNul(i.Rule) || HasNul(i.Message)) return true;
        }
        return HasNul(r.RawJsonUtf8, r.RawJsonUtf8 is null ? r.RawJson : null);
    }

    /// <summary>The record's stored text fields (the payload apart), by their column names.</summary>
    private static readonly (string Field, Func<MuseumRecord, string?> Value)[] s_storedText =
    [
        ("object_id", static r => r.ObjectId),
        ("accession_number", static r => r.AccessionNumber),
        ("title", static r => r.Title),
        ("creation_date", static r => r.CreationDate),
        ("creation_end_date", static r => r.CreationEndDate),
        ("rights_statement", static r => r.RightsStatement),
        ("iiif_manifest_url", static r => r.IiifManifestUrl),
        ("media_url", static r => r.MediaUrl),
        ("position", static r => r.Position),
        ("source_url", static r => r.SourceUrl),
        ("correlation_id", static r => r.CorrelationId),
        ("tier_rule", static r => r.TierRule),
    ];

    private static bool HasNul(string? s) => s is not null && s.Contains('\0', StringComparison.Ordinal);

    private static bool HasNul(byte[]? utf8, string? text) => utf8 is not null ? utf8.AsSpan().Contains((byte)0) : HasNul(text);

    private static string Sha256Hex(string s) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(s))).ToLowerInvariant();
}
