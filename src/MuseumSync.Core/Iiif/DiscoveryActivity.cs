using System.Globalization;
using System.Text.Json;

namespace MuseumSync.Iiif;

/// <summary>
/// One activity of a IIIF Change Discovery 1.0 stream (https://iiif.io/api/discovery/1.0/#activities): its type, the
/// object it is about, the target of a Move or Add, the origin of a Remove, and its time (<c>endTime</c>; a Refresh
/// carries <c>startTime</c>).
/// </summary>
internal readonly record struct DiscoveryActivity(string? Type, string? ObjectId, string? ObjectType, string? TargetId, string? OriginId, DateTimeOffset? Time, string Json)
{
    /// <summary>Reads an activity; its fields are null where the JSON does not say (an unknown shape is the caller's to skip).</summary>
    public static DiscoveryActivity Read(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return new DiscoveryActivity(null, null, null, null, null, null, e.GetRawText());
        var type = Text(e, "type");
        var (objectId, objectType) = Reference(e, "object");
        var time = TimeOf(e, type == "Refresh" ? "startTime" : "endTime") ?? TimeOf(e, type == "Refresh" ? "endTime" : "startTime");
        return new DiscoveryActivity(type, objectId, objectType, Reference(e, "target").Id, Reference(e, "origin").Id, time, e.GetRawText());
    }

    /// <summary>The <c>id</c> (and <c>type</c>) of a referenced resource: an object with <c>id</c>, or a bare URI string.</summary>
    public static (string? Id, string? Type) Reference(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var v)) return (null, null);
        if (v.ValueKind == JsonValueKind.String) return (Clean(v.GetString()), null);
        if (v.ValueKind != JsonValueKind.Object) return (null, null);
        return (Clean(Text(v, "id") ?? Text(v, "@id")), Text(v, "type") ?? Text(v, "@type"));
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? TimeOf(JsonElement e, string name) =>
        Text(e, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
}
