using System.Text.Json;
using MuseumSync.Mapping;
using MuseumSync.Validation;

namespace MuseumSync.Iiif;

/// <summary>
/// A IIIF Presentation manifest (3.0, or 2.x as many museums still publish) read as a record: the way
/// <see cref="IiifManifestBuilder"/> writes a record as a manifest, backwards. <c>label</c> is the title, <c>rights</c>
/// (2.x: <c>license</c>) the rights statement, the metadata rows "Accession number" or "Object number" the accession
/// number, the metadata row "Date" (when it is an ISO 8601 date) or else <c>navDate</c> the creation date, the first
/// thumbnail or painted image the media URL, and the manifest's URL its manifest URL. The manifest itself, with its
/// <c>summary</c> and <c>requiredStatement</c>, is the record's raw payload.
/// </summary>
internal static class ManifestRecord
{
    /// <summary>The manifest properties each field comes from, as validation messages name them.</summary>
    private static readonly FieldMap s_names = new()
    {
        ObjectId = "id",
        AccessionNumber = "metadata['Accession number']",
        Title = "label",
        CreationDate = "navDate",
        RightsStatement = "rights",
        EmbargoDate = string.Empty,
        AccessTier = string.Empty,
        IiifManifestUrl = "id",
        MediaUrl = "thumbnail",
    };

    private static readonly string[] s_accessionLabels = ["accession number", "object number", "accession no.", "inventory number"];

    /// <summary>
    /// The record of the manifest in <paramref name="json"/>, fetched from <paramref name="manifestUrl"/> and stored as
    /// <paramref name="objectId"/>; a body that is not a JSON object is an invalid record that says so.
    /// </summary>
    /// <param name="json">The manifest as received; it is the record's payload.</param>
    /// <param name="objectId">The id the record is stored under: the activity's object id.</param>
    /// <param name="manifestUrl">Where the manifest was fetched.</param>
    /// <param name="collectionRights">The collection's rights for a manifest without its own (the profile's); null for none.</param>
    /// <param name="origin">The record's origin.</param>
    /// <param name="resume">Where to resume once the record's page is committed.</param>
    public static MuseumRecord Create(byte[] json, string objectId, string manifestUrl, string? collectionRights, in RecordOrigin origin, string? resume)
    {
        var names = collectionRights is null ? s_names : s_names.WithCollectionRights(collectionRights);
        var f = RawFields.Create();
        f.Values[(int)MappedField.ObjectId] = objectId;
        f.Present[(int)MappedField.ObjectId] = true;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                f.JsonError = $"the manifest at {manifestUrl} is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
            }
            else
            {
                var v2 = IiifVersion.Detect(root) == "2.x";
                Set(ref f, MappedField.Title, Text(root, "label"));
                Set(ref f, MappedField.RightsStatement, First(root, v2 ? "license" : "rights") ?? First(root, v2 ? "rights" : "license"));
                Set(ref f, MappedField.AccessionNumber, MetadataValue(root, s_accessionLabels));
                var date = MetadataValue(root, ["date"]);
                Set(ref f, MappedField.CreationDate, date is not null && IsoDate.IsDateOrDateTime(date) ? date : First(root, "navDate"));
                Set(ref f, MappedField.IiifManifestUrl, manifestUrl);
                Set(ref f, MappedField.MediaUrl, Id(root, "thumbnail") ?? (v2 ? FirstImageV2(root) : FirstImageV3(root)));
            }
        }
        catch (JsonException ex)
        {
            f.JsonError = $"the manifest at {manifestUrl} is not JSON ({ex.Message})";
        }
        return RecordFactory.FromFields(f, names, System.Text.Encoding.UTF8.GetString(json), origin, resume, endOfPage: false);
    }

    private static void Set(ref RawFields f, MappedField field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        f.Values[(int)field] = value.Trim();
        f.Present[(int)field] = true;
    }

    /// <summary>
    /// The text of a label or value: a 3.0 language map (English first, then <c>none</c>, then any language; its first
    /// string), or 2.x's string, array of strings, or <c>{"@value","@language"}</c> objects (English first).
    /// </summary>
    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var v) ? TextOf(v) : null;

    private static string? TextOf(JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                return v.GetString();
            case JsonValueKind.Object when v.TryGetProperty("@value", out var value):
                return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            case JsonValueKind.Object:
                foreach (var language in new[] { "en", "none" })
                {
                    if (v.TryGetProperty(language, out var values) && FirstString(values) is { } s) return s;
                }
                foreach (var p in v.EnumerateObject())
                {
                    if (FirstString(p.Value) is { } s) return s;
                }
                return null;
            case JsonValueKind.Array:
                string? any = null;
                foreach (var item in v.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("@language", out var lang) && lang.ValueKind == JsonValueKind.String &&
                        lang.GetString()!.StartsWith("en", StringComparison.OrdinalIgnoreCase) && TextOf(item) is { } english)
                    {
                        return english;
                    }
                    any ??= TextOf(item);
                }
                return any;
            default:
                return null;
        }
    }

    private static string? FirstString(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Array => v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()).FirstOrDefault(),
        _ => null,
    };

    /// <summary>A string property, or the first string of an array of them.</summary>
    private static string? First(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var v) ? FirstString(v) : null;

    /// <summary>The value of the first metadata row whose label is one of <paramref name="labels"/> (lower case).</summary>
    private static string? MetadataValue(JsonElement root, string[] labels)
    {
        if (!root.TryGetProperty("metadata", out var rows) || rows.ValueKind != JsonValueKind.Array) return null;
        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object) continue;
            var label = Text(row, "label")?.Trim();
            if (label is not null && Array.Exists(labels, l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase))) return Text(row, "value");
        }
        return null;
    }

    /// <summary>The URL of a resource property: a string, an object's <c>id</c>/<c>@id</c>, or the first of an array.</summary>
    private static string? Id(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) ? IdOf(v) : null;

    private static string? IdOf(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Object => (v.TryGetProperty("id", out var id) || v.TryGetProperty("@id", out id)) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
        JsonValueKind.Array => v.EnumerateArray().Select(IdOf).FirstOrDefault(s => s is not null),
        _ => null,
    };

    /// <summary>3.0: the body of the first painting annotation of the first canvas (the first choice of a Choice).</summary>
    private static string? FirstImageV3(JsonElement root)
    {
        var canvas = Item(root, "items");
        var page = canvas is { } c ? Item(c, "items") : null;
        var annotation = page is { } p ? Item(p, "items") : null;
        if (annotation is not { } a || !a.TryGetProperty("body", out var body)) return null;
        if (body.ValueKind == JsonValueKind.Array) body = body.EnumerateArray().FirstOrDefault();
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("items", out var choices) && choices.ValueKind == JsonValueKind.Array) return IdOf(choices);
        return IdOf(body);
    }

    /// <summary>2.x: the resource of the first image of the first canvas of the first sequence.</summary>
    private static string? FirstImageV2(JsonElement root)
    {
        var sequence = Item(root, "sequences");
        var canvas = sequence is { } s ? Item(s, "canvases") : null;
        var image = canvas is { } c ? Item(c, "images") : null;
        return image is { } i ? Id(i, "resource") : null;
    }

    private static JsonElement? Item(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0
            ? list[0]
            : null;
}
