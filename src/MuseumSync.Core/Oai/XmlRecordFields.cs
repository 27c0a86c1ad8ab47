using System.Xml.Linq;
using MuseumSync.Mapping;
using MuseumSync.Validation;

namespace MuseumSync.Oai;

/// <summary>
/// The <see cref="MuseumRecord"/> fields of a LIDO or Dublin Core record. LIDO: the preferred title, the inventory number
/// (<c>repositorySet/workID</c>), the earliest and latest date of the production (or first) event, the rights URI, the
/// first image link and a IIIF manifest link. Dublin Core: <c>dc:title</c>, the first ISO 8601 <c>dc:date</c> (others
/// are free text and stay in the raw record), <c>dc:rights</c>, and identifiers that are image or manifest URLs.
/// </summary>
internal static class XmlRecordFields
{
    public static readonly XNamespace Lido = "http://www.lido-schema.org";
    public static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    /// <summary>The names validation messages use for LIDO records.</summary>
    public static FieldMap LidoMap { get; } = new()
    {
        ObjectId = "identifier",
        AccessionNumber = "lido:repositorySet/lido:workID",
        Title = "lido:titleSet/lido:appellationValue",
        CreationDate = "lido:eventDate/lido:date/lido:earliestDate",
        CreationEndDate = "lido:eventDate/lido:date/lido:latestDate",
        RightsStatement = "lido:rightsType/lido:conceptID",
        EmbargoDate = string.Empty,
        AccessTier = string.Empty,
        IiifManifestUrl = "lido:linkResource (IIIF manifest)",
        MediaUrl = "lido:resourceRepresentation/lido:linkResource",
    };

    /// <summary>The names validation messages use for Dublin Core records.</summary>
    public static FieldMap DublinCoreMap { get; } = new()
    {
        ObjectId = "identifier",
        AccessionNumber = string.Empty,
        Title = "dc:title",
        CreationDate = "dc:date",
        RightsStatement = "dc:rights",
        EmbargoDate = string.Empty,
        AccessTier = string.Empty,
        IiifManifestUrl = "dc:identifier (IIIF manifest)",
        MediaUrl = "dc:identifier (image)",
    };

    public static bool IsLido(XElement e) => e.Name.Namespace == Lido;

    /// <summary>The fields of <paramref name="metadata"/> (a <c>lido:lido</c> or <c>oai_dc:dc</c> element); <paramref name="id"/> overrides the record's own id (the OAI identifier).</summary>
    public static RawFields Read(XElement metadata, string? id, out FieldMap names)
    {
        var f = RawFields.Create();
        if (IsLido(metadata))
        {
            names = LidoMap;
            Set(ref f, MappedField.ObjectId, id ?? Text(metadata.Descendants(Lido + "lidoRecID").FirstOrDefault()));
            Set(ref f, MappedField.AccessionNumber, Text(metadata.Descendants(Lido + "repositorySet").Elements(Lido + "workID").FirstOrDefault()));
            Set(ref f, MappedField.Title, LidoTitle(metadata));
            var date = LidoEventDate(metadata);
            Set(ref f, MappedField.CreationDate, Text(date?.Element(Lido + "earliestDate")));
            Set(ref f, MappedField.CreationEndDate, Text(date?.Element(Lido + "latestDate")));
            Set(ref f, MappedField.RightsStatement, LidoRights(metadata));
            var links = metadata.Descendants(Lido + "linkResource").Select(l => (Url: l.Value.Trim(), Format: (string?)l.Attribute(Lido + "formatResource") ?? string.Empty)).Where(l => IsHttp(l.Url)).ToList();
            Set(ref f, MappedField.IiifManifestUrl, links.FirstOrDefault(l => IsManifest(l.Url, l.Format)).Url);
            Set(ref f, MappedField.MediaUrl, links.FirstOrDefault(l => !IsManifest(l.Url, l.Format)).Url);
        }
        else
        {
            names = DublinCoreMap;
            var dc = metadata.Descendants().Where(e => e.Name.Namespace == Dc).ToList();
            Set(ref f, MappedField.ObjectId, id ?? Text(dc.FirstOrDefault(e => e.Name.LocalName == "identifier")));
            Set(ref f, MappedField.Title, Text(dc.FirstOrDefault(e => e.Name.LocalName == "title")));
            Set(ref f, MappedField.CreationDate, dc.Where(e => e.Name.LocalName == "date").Select(e => e.Value.Trim()).FirstOrDefault(d => IsoDate.IsDateOrDateTime(d)));
            Set(ref f, MappedField.RightsStatement, Text(dc.FirstOrDefault(e => e.Name.LocalName == "rights")));
            var urls = dc.Where(e => e.Name.LocalName is "identifier" or "relation").Select(e => e.Value.Trim()).Where(IsHttp).ToList();
            Set(ref f, MappedField.IiifManifestUrl, urls.FirstOrDefault(u => IsManifest(u, string.Empty)));
            Set(ref f, MappedField.MediaUrl, urls.FirstOrDefault(IsImage));
        }
        return f;
    }

    private static string? LidoTitle(XElement lido)
    {
        var values = lido.Descendants(Lido + "titleSet").Elements(Lido + "appellationValue").ToList();
        var preferred = values.FirstOrDefault(v => ((string?)v.Attribute(Lido + "pref"))?.Contains("preferred", StringComparison.OrdinalIgnoreCase) == true || (string?)v.Attribute(Lido + "pref") == "http://terminology.lido-schema.org/lido00169");
        return Text(preferred ?? values.FirstOrDefault());
    }

    /// <summary>The <c>eventDate/date</c> of the production (or first dated) event.</summary>
    private static XElement? LidoEventDate(XElement lido)
    {
        var events = lido.Descendants(Lido + "event").Where(e => e.Element(Lido + "eventDate") is not null).ToList();
        var production = events.FirstOrDefault(e =>
            e.Element(Lido + "eventType") is { } t &&
            (t.Elements(Lido + "conceptID").Any(c => c.Value.Trim().EndsWith("lido00007", StringComparison.Ordinal) || c.Value.Trim().EndsWith("lido00012", StringComparison.Ordinal)) ||
             t.Elements(Lido + "term").Any(x => x.Value.Contains("roduction", StringComparison.OrdinalIgnoreCase) || x.Value.Contains("reation", StringComparison.OrdinalIgnoreCase) || x.Value.Contains("Herstellung", StringComparison.OrdinalIgnoreCase))));
        var chosen = production ?? events.FirstOrDefault();
        return chosen?.Element(Lido + "eventDate")?.Element(Lido + "date");
    }

    private static string? LidoRights(XElement lido)
    {
        foreach (var set in new[] { "rightsWorkSet", "rightsResource", "recordRights" })
        {
            foreach (var rights in lido.Descendants(Lido + set))
            {
                var type = rights.Element(Lido + "rightsType");
                if (type is null) continue;
                var uri = type.Descendants(Lido + "conceptID").Select(c => c.Value.Trim()).FirstOrDefault(IsHttp)
                    ?? type.Descendants().Select(d => (string?)d.Attributes().FirstOrDefault(a => a.Name.LocalName == "about")).FirstOrDefault(IsHttp);
                if (uri is not null) return uri;
            }
        }
        return Text(lido.Descendants(Lido + "rightsType").Elements(Lido + "term").FirstOrDefault());
    }

    private static bool IsManifest(string url, string format) =>
        url.Contains("manifest", StringComparison.OrdinalIgnoreCase) || format.Contains("ld+json", StringComparison.OrdinalIgnoreCase);

    private static bool IsImage(string url) =>
        url.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || url.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) ||
        url.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || url.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) ||
        url.Contains("/iiif/", StringComparison.OrdinalIgnoreCase);

    private static bool IsHttp(string? s) => s is not null && (s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    private static string? Text(XElement? e) => e is null ? null : e.Value.Trim() is { Length: > 0 } t ? t : null;

    private static void Set(ref RawFields f, MappedField field, string? value)
    {
        f.Values[(int)field] = value;
        f.Present[(int)field] = value is not null;
    }
}
