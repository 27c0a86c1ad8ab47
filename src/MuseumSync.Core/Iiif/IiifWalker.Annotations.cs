using System.Text.Json;

namespace MuseumSync.Iiif;

/// <summary>Annotation pages, annotations, bodies, targets and selectors (the schema's Web Annotation classes).</summary>
internal sealed partial class IiifWalker
{
    private static readonly HashSet<string> s_annotationPageProperties = new(StringComparer.Ordinal)
    {
        "@context", "id", "type", "rendering", "label", "service", "thumbnail", "items", "partOf", "next", "prev", "first", "last",
    };

    private void AnnotationPage(JsonElement e, string path)
    {
        if (!IsObject(e, path, "an AnnotationPage")) return;
        ClassCore(e, path, labelRequired: false);
        TypeIs(e, path, "AnnotationPage", "a Canvas's items are AnnotationPages");
        Required(e, path, "items", "an AnnotationPage lists its Annotations in \"items\"");
        foreach (var p in e.EnumerateObject())
        {
            if (!s_annotationPageProperties.Contains(p.Name))
            {
                Error($"{path}.{p.Name}", IiifRuleIds.UnknownProperty, p.Name == "annotations"
                    ? "An AnnotationPage cannot carry \"annotations\"; put commenting annotations in the Canvas's \"annotations\", not inside its painting page."
                    : $"\"{p.Name}\" is not a property of an AnnotationPage. Remove it or correct its name.");
            }
        }
        Optional(e, path, "@context", (v, p) => ContextValue(v, p));
        Optional(e, path, "rendering", External);
        Optional(e, path, "service", Services);
        Optional(e, path, "thumbnail", (v, p) => Array(v, p, Resource));
        Optional(e, path, "items", (v, p) => Array(v, p, Annotation));
        Optional(e, path, "partOf", (v, p) => Array(v, p, AnnotationCollection));
        foreach (var link in (string[])["next", "prev", "first", "last"]) Optional(e, path, link, AnnotationPageRef);
    }

    /// <summary>The schema's <c>annotations</c> arrays: AnnotationPages, embedded or referenced.</summary>
    private void AnnotationList(JsonElement v, string path) => Array(v, path, (item, p) =>
    {
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("items", out _)) AnnotationPage(item, p);
        else AnnotationPageRef(item, p);
    });

    private void AnnotationPageRef(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.String) return;
        if (!IsObject(e, path, "an AnnotationPage reference")) return;
        Reference(e, path);
        if (TypeOf(e) is { } t && t != "AnnotationPage") Error($"{path}.type", IiifRuleIds.Type, $"Expected an AnnotationPage here, not a {t}.");
    }

    private void AnnotationCollection(JsonElement e, string path)
    {
        if (!IsObject(e, path, "an AnnotationCollection")) return;
        ClassCore(e, path, labelRequired: false);
        TypeIs(e, path, "AnnotationCollection", "this place holds an AnnotationCollection");
        Optional(e, path, "@context", (v, p) => ContextValue(v, p));
        Optional(e, path, "metadata", Metadata);
        Optional(e, path, "summary", LanguageMap);
        Optional(e, path, "requiredStatement", KeyValue);
        Optional(e, path, "rendering", External);
        Optional(e, path, "rights", Rights);
        Optional(e, path, "partOf", (v, p) => Array(v, p, Class));
        Optional(e, path, "provider", Provider);
        Optional(e, path, "service", Services);
        Optional(e, path, "thumbnail", (v, p) => Array(v, p, Resource));
        foreach (var link in (string[])["next", "first", "last"]) Optional(e, path, link, AnnotationPageRef);
        Optional(e, path, "total", (v, p) =>
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var n) || n != decimal.Truncate(n) || n <= 0)
            {
                Error(p, IiifRuleIds.Shape, $"\"total\" is a positive whole number, not {Show(v)}.");
            }
        });
    }

    private void Annotation(JsonElement e, string path)
    {
        if (!IsObject(e, path, "an Annotation")) return;
        Required(e, path, "id", "every Annotation has an id");
        Required(e, path, "type", "an Annotation says \"type\": \"Annotation\"");
        Optional(e, path, "id", Id);
        TypeIs(e, path, "Annotation", "an AnnotationPage's items are Annotations");
        Optional(e, path, "@context", (v, p) =>
        {
            if (v.ValueKind == JsonValueKind.Array) ContextValue(v, p);
            else if (v.ValueKind != JsonValueKind.String) Error(p, IiifRuleIds.Context, $"An Annotation's \"@context\" is a URI or an array of URIs, not {AKind(v)}.");
        });
        foreach (var s in (string[])["created", "modified", "generated", "bodyValue", "canonical"]) Optional(e, path, s, StringValue);
        Optional(e, path, "motivation", StringOrStrings);
        Optional(e, path, "service", Services);
        Optional(e, path, "rendering", External);
        Optional(e, path, "thumbnail", (v, p) => Array(v, p, Resource));
        Optional(e, path, "body", (v, p) =>
        {
            if (v.ValueKind == JsonValueKind.Array) Array(v, p, Resource);
            else Resource(v, p);
        });
        Optional(e, path, "target", (v, p) =>
        {
            if (v.ValueKind == JsonValueKind.Array) Array(v, p, Target);
            else Target(v, p);
        });
    }

    private void Target(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            Id(v, path);
            return;
        }
        if (!IsObject(v, path, "an Annotation target")) return;
        var type = TypeOf(v);
        if (v.TryGetProperty("source", out _) || type == "SpecificResource") SpecificResource(v, path);
        else if (type is "Canvas" or "Manifest")
        {
            Reference(v, path);
            Optional(v, path, "partOf", (x, p) => Array(x, p, Class));
        }
        else Error(path, IiifRuleIds.Structure, $"An Annotation's target is a URI, a Canvas or Manifest reference, or a SpecificResource (with \"source\"); this is {(type is null ? "an untyped object" : $"a {type}")}.");
    }

    /// <summary>The schema's <c>resource</c>: an annotation body, TextualBody, SpecificResource, Choice or GeoJSON Feature.</summary>
    private void Resource(JsonElement e, string path)
    {
        if (!IsObject(e, path, "a content resource")) return;
        var type = TypeOf(e);
        switch (type)
        {
            case "TextualBody":
                Required(e, path, "value", "a TextualBody carries its text in \"value\"");
                Optional(e, path, "value", StringValue);
                Optional(e, path, "id", Id);
                Optional(e, path, "format", Format);
                Optional(e, path, "language", StringValue);
                Optional(e, path, "processingLanguage", StringValue);
                Optional(e, path, "textDirection", (v, p) =>
                {
                    if (v.ValueKind != JsonValueKind.String || v.GetString() is not ("ltr" or "rtl" or "auto")) Error(p, IiifRuleIds.Shape, $"\"textDirection\" is \"ltr\", \"rtl\" or \"auto\", not {Show(v)}.");
                });
                Optional(e, path, "purpose", StringOrStrings);
                return;
            case "SpecificResource":
                SpecificResource(e, path);
                return;
            case "Choice":
                Required(e, path, "items", "a Choice lists its alternatives in \"items\"");
                Optional(e, path, "items", (v, p) => Array(v, p, Resource));
                return;
            case "Feature":
                GeoJsonFeature(e, path);
                return;
            case null when !e.TryGetProperty("type", out _) && e.TryGetProperty("source", out _):
                SpecificResource(e, path);
                return;
        }
        Required(e, path, "id", "a content resource (image, sound, video, text) is named by its id");
        Required(e, path, "type", "a content resource says what it is (\"Image\", \"Sound\", \"Video\", \"Text\", …)");
        Optional(e, path, "type", StringValue);
        Optional(e, path, "id", Id);
        Optional(e, path, "height", Dimension);
        Optional(e, path, "width", Dimension);
        Optional(e, path, "duration", Duration);
        Optional(e, path, "language", StringValue);
        Optional(e, path, "rendering", External);
        Optional(e, path, "service", Services);
        Optional(e, path, "format", Format);
        Optional(e, path, "label", LanguageMap);
        Optional(e, path, "thumbnail", (v, p) => Array(v, p, Resource));
        Optional(e, path, "annotations", AnnotationList);
    }

    private void SpecificResource(JsonElement e, string path)
    {
        Required(e, path, "source", "a SpecificResource names its \"source\"");
        Optional(e, path, "id", Id);
        if (TypeOf(e) is { } t && t != "SpecificResource") Error($"{path}.type", IiifRuleIds.Type, $"An object with \"source\" is a SpecificResource, not a {t}.");
        Optional(e, path, "format", Format);
        Optional(e, path, "source", (v, p) =>
        {
            if (v.ValueKind == JsonValueKind.String) Id(v, p);
            else Resource(v, p);
        });
        Optional(e, path, "scope", Id);
        Optional(e, path, "selector", (v, p) =>
        {
            if (v.ValueKind == JsonValueKind.Array) Array(v, p, Selector);
            else Selector(v, p);
        });
        Optional(e, path, "purpose", StringOrStrings);
        Optional(e, path, "styleClass", StringOrStrings);
    }

    private void Selector(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            Id(v, path);
            return;
        }
        if (!IsObject(v, path, "a selector")) return;
        switch (TypeOf(v))
        {
            case "PointSelector":
                Optional(v, path, "t", Duration);
                Optional(v, path, "x", Dimension);
                Optional(v, path, "y", Dimension);
                break;
            case "FragmentSelector":
            case "SvgSelector":
                Required(v, path, "value", "this selector carries its selection in \"value\"");
                Optional(v, path, "conformsTo", Id);
                break;
            case "ImageApiSelector":
                break;
            case "XPathSelector":
            case "CssSelector":
                Required(v, path, "value", "this selector carries its selection in \"value\"");
                Optional(v, path, "value", StringValue);
                break;
            case "TextQuoteSelector":
                Required(v, path, "exact", "a TextQuoteSelector quotes the text in \"exact\"");
                Optional(v, path, "exact", StringValue);
                break;
            case "TextPositionSelector":
            case "DataPositionSelector":
                Required(v, path, "start", "a position selector has \"start\" and \"end\"");
                Required(v, path, "end", "a position selector has \"start\" and \"end\"");
                Optional(v, path, "start", Integer);
                Optional(v, path, "end", Integer);
                break;
            case "RangeSelector":
                Required(v, path, "startSelector", "a RangeSelector has \"startSelector\" and \"endSelector\"");
                Required(v, path, "endSelector", "a RangeSelector has \"startSelector\" and \"endSelector\"");
                Optional(v, path, "startSelector", Selector);
                Optional(v, path, "endSelector", Selector);
                Optional(v, path, "refinedBy", Selector);
                break;
            case null:
                Error(path, IiifRuleIds.Required, "The selector has no \"type\" (PointSelector, FragmentSelector, SvgSelector, ImageApiSelector, …).");
                break;
            case var other:
                Error($"{path}.type", IiifRuleIds.Structure, $"\"{other}\" is not a selector type IIIF knows (PointSelector, FragmentSelector, SvgSelector, ImageApiSelector, XPathSelector, CssSelector, TextQuoteSelector, TextPositionSelector, DataPositionSelector, RangeSelector).");
                break;
        }
    }

    private void GeoJsonFeature(JsonElement e, string path)
    {
        if (!IsObject(e, path, "a GeoJSON Feature")) return;
        Required(e, path, "type", "a GeoJSON Feature says \"type\": \"Feature\"");
        Required(e, path, "geometry", "a GeoJSON Feature has a \"geometry\"");
        Optional(e, path, "id", Id);
        if (TypeOf(e) is { } t && t != "Feature") Error($"{path}.type", IiifRuleIds.Type, $"Expected a GeoJSON \"Feature\", not {t}.");
        Optional(e, path, "properties", (v, p) =>
        {
            if (v.ValueKind != JsonValueKind.Object) Error(p, IiifRuleIds.Shape, $"\"properties\" is an object, not {AKind(v)}.");
        });
        Optional(e, path, "geometry", (g, p) =>
        {
            if (!IsObject(g, p, "a GeoJSON geometry")) return;
            Required(g, p, "type", "a geometry has a \"type\"");
            Required(g, p, "coordinates", "a geometry has \"coordinates\"");
            Optional(g, p, "coordinates", (c, cp) =>
            {
                if (c.ValueKind != JsonValueKind.Array) Error(cp, IiifRuleIds.Shape, $"\"coordinates\" is an array, not {AKind(c)}.");
            });
        });
    }
}
