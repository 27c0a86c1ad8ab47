using MuseumSync.Mapping;

namespace MuseumSync.Validation;

/// <summary>
/// The generic profile's rules at the ingestion boundary: a non-empty object id and title, ISO 8601 dates that are
/// real calendar dates (a creation date range that does not end before it begins), an access tier from the controlled vocabulary, absolute media URLs.
/// </summary>
internal static class RecordValidator
{
    public const string RuleJson = "json";
    public const string RuleRequired = "required";
    public const string RuleType = "type";
    public const string RuleIsoDate = "iso8601-date";
    public const string RuleDateRange = "date-range";
    public const string RuleVocabulary = "vocabulary";
    public const string RuleUrl = "absolute-url";

    /// <summary>Validates the fields and returns the typed values; <paramref name="issues"/> is null when all rules pass.</summary>
    public static void Validate(in RawFields f, FieldMap map, out DateOnly? embargo, out AccessTier tier, out List<ValidationIssue>? issues)
    {
        issues = null;
        embargo = null;
        tier = AccessTier.Public;
        if (f.JsonError is not null)
        {
            Add(ref issues, "(record)", RuleJson, $"The line is not a JSON record: {f.JsonError}. Fix the source, or the export that produced this line.");
            return;
        }

        for (var i = 0; i < RawFields.Count; i++)
        {
            if (f.WrongShape[i])
            {
                Add(ref issues, map.Names()[i], RuleType, $"'{map.Names()[i]}' holds an object or array where a single value was expected; map a scalar property with -FieldMap.");
            }
        }

        var id = f[MappedField.ObjectId];
        if (string.IsNullOrWhiteSpace(id))
        {
            Add(ref issues, map.ObjectId, RuleRequired, f.Present[(int)MappedField.ObjectId]
                ? $"'{map.ObjectId}' is empty; every record needs an object id."
                : $"'{map.ObjectId}' is missing; every record needs an object id (or map another property with -FieldMap).");
        }

        var title = f[MappedField.Title];
        if (string.IsNullOrWhiteSpace(title))
        {
            Add(ref issues, map.Title, RuleRequired, f.Present[(int)MappedField.Title]
                ? $"'{map.Title}' is empty; every record needs a title."
                : $"'{map.Title}' is missing; every record needs a title.");
        }

        var created = f[MappedField.CreationDate];
        if (created is not null && !IsoDate.IsDateOrDateTime(created))
        {
            Add(ref issues, map.CreationDate, RuleIsoDate, $"'{created}' is not an ISO 8601 date or date-time on the calendar (expected e.g. 1889-06-15, 1889-06, 1889, 1889-06-15T12:00:00Z, or -0044 for 44 BCE).");
        }

        var createdEnd = f[MappedField.CreationEndDate];
        if (createdEnd is not null)
        {
            if (!IsoDate.IsDateOrDateTime(createdEnd))
            {
                Add(ref issues, map.CreationEndDate, RuleIsoDate, $"'{createdEnd}' is not an ISO 8601 date or date-time on the calendar (expected e.g. 1889-06-15, 1889-06, 1889, 1889-06-15T12:00:00Z, or -0044 for 44 BCE).");
            }
            else if (created is not null && IsoDate.IsDateOrDateTime(created) && IsoDate.BeginsAfterEnd(created, createdEnd))
            {
                Add(ref issues, map.CreationEndDate, RuleDateRange, $"The creation date range ends before it begins: '{map.CreationDate}' is '{created}' and '{map.CreationEndDate}' is '{createdEnd}'. Fix the dates at the source, or map the begin and end the other way round with -FieldMap (CreationDate, CreationEndDate).");
            }
        }

        var embargoText = f[MappedField.EmbargoDate];
        if (embargoText is not null)
        {
            if (IsoDate.TryParseDateOrDateTimeAsDate(embargoText, out var e)) embargo = e;
            else Add(ref issues, map.EmbargoDate, RuleIsoDate, $"'{embargoText}' is not an ISO 8601 date on the calendar (expected YYYY-MM-DD, e.g. 2030-12-31).");
        }

        var tierText = f[MappedField.AccessTier];
        if (tierText is not null)
        {
            if (!TryParseTier(tierText, out tier))
            {
                Add(ref issues, map.AccessTier, RuleVocabulary, $"'{tierText}' is not an access tier; use one of public, research, restricted (or leave it out for public).");
            }
        }

        CheckUrl(ref issues, f[MappedField.MediaUrl], map.MediaUrl);
        CheckUrl(ref issues, f[MappedField.IiifManifestUrl], map.IiifManifestUrl);
    }

    public static bool TryParseTier(string text, out AccessTier tier)
    {
        if (text.Equals("public", StringComparison.OrdinalIgnoreCase)) { tier = AccessTier.Public; return true; }
        if (text.Equals("research", StringComparison.OrdinalIgnoreCase)) { tier = AccessTier.Research; return true; }
        if (text.Equals("restricted", StringComparison.OrdinalIgnoreCase)) { tier = AccessTier.Restricted; return true; }
        tier = AccessTier.Public;
        return false;
    }

    private static void CheckUrl(ref List<ValidationIssue>? issues, string? url, string field)
    {
        if (url is null) return;
        if (!HttpUrl.IsAbsoluteHttp(url))
        {
            Add(ref issues, field, RuleUrl, $"'{Truncate(url)}' is not an absolute http(s) URL.");
        }
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";

    private static void Add(ref List<ValidationIssue>? issues, string field, string rule, string message)
        => (issues ??= new List<ValidationIssue>(2)).Add(new ValidationIssue(field, rule, message));
}
