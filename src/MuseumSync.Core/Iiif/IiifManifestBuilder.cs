using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MuseumSync.Compliance;
using MuseumSync.Lido;

namespace MuseumSync.Iiif;

/// <summary>
/// Turns a <see cref="MuseumRecord"/> with media into a IIIF Presentation 3.0 Manifest: the title as label, the record's
/// fields as metadata, its rights statement as <c>rights</c> (in the http form Presentation 3.0 requires) and a
/// <c>requiredStatement</c>, one canvas per image, and an image service (plus a thumbnail) when the media URL is a IIIF
/// Image API URL.
/// </summary>
internal sealed class IiifManifestBuilder
{
    private static readonly JsonWriterOptions s_writer = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly IiifManifestOptions _options;

    /// <summary>Creates a builder; the options are validated here.</summary>
    public IiifManifestBuilder(IiifManifestOptions? options = null)
    {
        _options = options ?? new IiifManifestOptions();
        _options.Validate();
    }

    /// <summary>Why <paramref name="record"/> cannot become a manifest (null when it can).</summary>
    public string? CannotBuild(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var name = $"Record '{record.ObjectId ?? "(no id)"}' of source '{record.Source}'";
        if (!record.IsValid) return $"{name} is invalid ({string.Join("; ", record.Issues.Select(i => i.Message))}); fix it at the source first.";
        if (string.IsNullOrWhiteSpace(record.ObjectId)) return $"{name} has no object id.";
        if (string.IsNullOrWhiteSpace(record.Title)) return $"{name} has no title; a Manifest needs a label.";
        if (Images(record).Count == 0) return $"{name} has no media URL (an absolute http(s) image URL); a Manifest needs at least one image for its canvas.";
        if (ManifestId(record) is null) return $"{name} has no iiif_manifest_url; give -BaseUri (where the manifests will be published) to name it.";
        return null;
    }

    /// <summary>Builds the manifest; throws <see cref="ArgumentException"/> with <see cref="CannotBuild"/>'s reason when it cannot.</summary>
    /// <param name="record">The record.</param>
    /// <param name="text">The OCR text layer of the record's primary image (Invoke-MuseumOcr), added to the first canvas as <c>supplementing</c> annotations; none when null.</param>
    public IiifManifestDocument Build(MuseumRecord record, MuseumRecordText? text = null)
    {
        if (CannotBuild(record) is { } reason) throw new ArgumentException(reason, nameof(record));
        var id = ManifestId(record)!;
        var images = Images(record);
        var idBase = id.EndsWith("/manifest.json", StringComparison.Ordinal) ? id[..^"/manifest.json".Length] : id.TrimEnd('/');
        var anyService = false;

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, s_writer))
        {
            w.WriteStartObject();
            w.WriteString("@context", IiifValidator.Presentation3Context);
            w.WriteString("id", id);
            w.WriteString("type", "Manifest");
            w.WritePropertyName("label");
            LanguageMap(w, _options.LabelLanguage, record.Title!.Trim());
            WriteMetadata(w, record);
            var rights = record.RightsStatement is { } r ? RightsUri.ToIiifForm(r) : null;
            if (rights is not null) w.WriteString("rights", rights);
            w.WritePropertyName("requiredStatement");
            w.WriteStartObject();
            w.WritePropertyName("label");
            LanguageMap(w, "en", "Attribution");
            w.WritePropertyName("value");
            LanguageMap(w, "en", $"Provided by {record.Source}");
            w.WriteEndObject();
            if (IiifImageApiUrl.TryParse(images[0], out var thumbService, out var thumbVersion))
            {
                w.WriteStartArray("thumbnail");
                w.WriteStartObject();
                w.WriteString("id", $"{thumbService}/full/!200,200/0/default.jpg");
                w.WriteString("type", "Image");
                w.WriteString("format", "image/jpeg");
                WriteService(w, thumbService, thumbVersion);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteStartArray("items");
            for (var i = 0; i < images.Count; i++)
            {
                var canvas = $"{idBase}/canvas/{i + 1}";
                w.WriteStartObject();
                w.WriteString("id", canvas);
                w.WriteString("type", "Canvas");
                w.WriteNumber("width", _options.CanvasWidth);
                w.WriteNumber("height", _options.CanvasHeight);
                w.WriteStartArray("items");
                w.WriteStartObject();
                w.WriteString("id", $"{canvas}/page");
                w.WriteString("type", "AnnotationPage");
                w.WriteStartArray("items");
                w.WriteStartObject();
                w.WriteString("id", $"{canvas}/page/annotation");
                w.WriteString("type", "Annotation");
                w.WriteString("motivation", "painting");
                w.WritePropertyName("body");
                w.WriteStartObject();
                w.WriteString("id", images[i]);
                w.WriteString("type", "Image");
                if (MediaTypes.FromUrl(images[i]) is { } format) w.WriteString("format", format);
                w.WriteNumber("width", _options.CanvasWidth);
                w.WriteNumber("height", _options.CanvasHeight);
                if (IiifImageApiUrl.TryParse(images[i], out var service, out var version))
                {
                    WriteService(w, service, version);
                    anyService = true;
                }
                w.WriteEndObject();
                w.WriteString("target", canvas);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                if (i == 0 && text is not null) IiifTextAnnotations.Write(w, canvas, _options.CanvasWidth, _options.CanvasHeight, text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return new IiifManifestDocument
        {
            Id = id,
            Source = record.Source,
            ObjectId = record.ObjectId!,
            CanvasCount = images.Count,
            HasImageService = anyService,
            Json = Encoding.UTF8.GetString(buffer.ToArray()),
        };
    }

    private static void WriteMetadata(Utf8JsonWriter w, MuseumRecord record)
    {
        var rows = new List<(string Label, string Value)> { ("Object ID", record.ObjectId!.Trim()) };
        if (!string.IsNullOrWhiteSpace(record.AccessionNumber)) rows.Add(("Accession number", record.AccessionNumber.Trim()));
        var created = string.IsNullOrWhiteSpace(record.CreationDate) ? null : record.CreationDate.Trim();
        var createdEnd = string.IsNullOrWhiteSpace(record.CreationEndDate) ? null : record.CreationEndDate.Trim();
        if (created is not null || createdEnd is not null) rows.Add(("Date", LidoWriter.DisplayRange(created, createdEnd)));
        if (!string.IsNullOrWhiteSpace(record.RightsStatement) && RightsUri.ToIiifForm(record.RightsStatement) is null) rows.Add(("Rights", record.RightsStatement.Trim()));
        rows.Add(("Source", record.Source));
        w.WriteStartArray("metadata");
        foreach (var (label, value) in rows)
        {
            w.WriteStartObject();
            w.WritePropertyName("label");
            LanguageMap(w, "en", label);
            w.WritePropertyName("value");
            LanguageMap(w, "none", value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteService(Utf8JsonWriter w, string service, int version)
    {
        w.WriteStartArray("service");
        w.WriteStartObject();
        w.WriteString("id", service);
        w.WriteString("type", version == 2 ? "ImageService2" : "ImageService3");
        w.WriteString("profile", version == 2 ? "http://iiif.io/api/image/2/level0.json" : "level0");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void LanguageMap(Utf8JsonWriter w, string language, string value)
    {
        w.WriteStartObject();
        w.WriteStartArray(language);
        w.WriteStringValue(value);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private string? ManifestId(MuseumRecord record)
    {
        if (_options.BaseUri is { } b)
        {
            var root = b.AbsoluteUri.EndsWith('/') ? b.AbsoluteUri : b.AbsoluteUri + "/";
            return $"{root}{Uri.EscapeDataString(record.Source)}/{Uri.EscapeDataString(record.ObjectId!.Trim())}/manifest.json";
        }
        return Http(record.IiifManifestUrl);
    }

    private List<string> Images(MuseumRecord record)
    {
        var list = new List<string>();
        if (Http(record.MediaUrl) is { } primary) list.Add(primary);
        if (_options.AdditionalImageProperties.Count == 0 || string.IsNullOrEmpty(record.RawJson)) return list;
        try
        {
            using var doc = JsonDocument.Parse(record.RawJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return list;
            foreach (var name in _options.AdditionalImageProperties)
            {
                if (!doc.RootElement.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array) continue;
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && Http(item.GetString()) is { } url && !list.Contains(url)) list.Add(url);
                }
            }
        }
        catch (JsonException)
        {
            // The raw payload is not JSON (an invalid line kept for the dead letters): only MediaUrl counts.
        }
        return list;
    }

    private static string? Http(string? url) =>
        url is not null && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? u.AbsoluteUri : null;
}
