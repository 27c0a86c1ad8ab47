using System.Globalization;

namespace MuseumSync.Polling;

/// <summary>
/// An ID list fed to a read that expects records: the Met's <c>/objects</c> and department answers
/// (<c>{"total":6222,"objectIDs":[…]}</c>) or a bare array of numbers. Its first item is a number, so every item would
/// be dead-lettered ("expected a JSON object but found a number"); the read stops at that first item instead and says
/// how to read the list: with the ID fan-out.
/// </summary>
internal static class IdList
{
    /// <summary>The error id of <see cref="Stop"/>.</summary>
    public const string ErrorId = "MuseumPollIdList";

    /// <summary>True when the record is a bare JSON number (an id), not an object.</summary>
    public static bool IsId(MuseumRecord record)
    {
        if (record.IsValid || record.IsDeleted) return false;
        if (record.RawJsonUtf8 is { Length: > 64 }) return false; // an id is short; a large payload is not decoded to find out
        var raw = record.RawJson.Trim();
        return raw.Length is > 0 and <= 64 && (char.IsAsciiDigit(raw[0]) || raw[0] == '-')
            && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>The terminating error: what was read, where, and the parameters that read it right.</summary>
    public static MuseumPollException Stop(MuseumRecord first, string where, Uri? uri, bool isFile, string? correlationId) => new(
        $"The first item of {where} is the number {first.RawJson.Trim()}, not a record: this is an ID list (like the Met's {{\"total\":…,\"objectIDs\":[…]}}). "
        + (isFile
            ? "A file cannot be fanned out; poll the list's URL with the ID fan-out instead: -Uri '<the list's URL>' -ItemUri '<one record's URL with {id}>' "
            : $"Poll it with the ID fan-out: -Uri '{where}' -ItemUri '<one record's URL with {{id}}>' ")
        + "(the Met: -ItemUri 'https://collectionapi.metmuseum.org/public/collection/v1/objects/{id}'), or use -Profile Met, which fans out. Nothing of this list was stored.",
        ErrorId, isTransient: false, uri, null, correlationId);
}
