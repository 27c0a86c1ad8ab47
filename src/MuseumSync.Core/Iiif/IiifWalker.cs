using System.Text.Json;

namespace MuseumSync.Iiif;

/// <summary>
/// Walks a Presentation 3.0 document the way the official JSON Schema does, one method per schema class
/// (<c>manifest</c>, <c>collection</c>, <c>canvas</c>, <c>annotationPage</c>, <c>annotation</c>, <c>resource</c>, …), and
/// collects one-line errors with JSON paths. This file: the top level and the containers; see the other parts for
/// annotations and resources, and for the value types.
/// </summary>
internal sealed partial class IiifWalker
{
    private static readonly HashSet<string> s_manifestProperties = new(StringComparer.Ordinal)
    {
        "@context", "id", "label", "type", "metadata", "summary", "requiredStatement", "rendering", "service", "services",
        "viewingDirection", "placeholderCanvas", "accompanyingCanvas", "rights", "start", "navDate", "navPlace", "provider",
        "seeAlso", "thumbnail", "homepage", "behavior", "partOf", "items", "structures", "annotations",
    };

    private readonly List<IiifIssue> _errors = new();
    private readonly int _max;
    private int _suppressed;

    public IiifWalker(int maxErrors) => _max = maxErrors;

    public void Error(string path, string rule, string message)
    {
        if (_errors.Count >= _max)
        {
            _suppressed++;
            return;
        }
        _errors.Add(new IiifIssue { Path = path, Rule = rule, Message = message });
    }

    public IiifValidationResult Result(string? source, string? id, string? type, string? version) => new()
    {
        Source = source,
        Id = id,
        Type = type,
        Version = version,
        Errors = _errors.ToArray(),
        SuppressedCount = _suppressed,
    };

    public void TopLevel(JsonElement root)
    {
        TopContext(root);
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case null when !root.TryGetProperty("type", out _):
                Error("$", IiifRuleIds.Required, "The document has no \"type\"; a Manifest says \"type\": \"Manifest\", a Collection \"type\": \"Collection\".");
                ClassCore(root, "$", labelRequired: true);
                break;
            case "Manifest":
                Manifest(root, "$");
                break;
            case "Collection":
                Collection(root, "$");
                break;
            default:
                Error("$.type", IiifRuleIds.Type, $"\"type\" is {Show(root.GetProperty("type"))}; a IIIF Presentation 3.0 Manifest or Collection is checked here (\"type\": \"Manifest\" or \"Collection\").");
                break;
        }
    }

    private void TopContext(JsonElement root)
    {
        if (!root.TryGetProperty("@context", out var c))
        {
            Error("$", IiifRuleIds.Context, $"The document has no \"@context\"; a top-level Presentation 3.0 resource needs \"@context\": \"{IiifValidator.Presentation3Context}\".");
            return;
        }
        if (c.ValueKind == JsonValueKind.Array)
        {
            var last = c.GetArrayLength() > 0 ? c[c.GetArrayLength() - 1] : default;
            if (ContextValue(c, "$.@context") && !(last.ValueKind == JsonValueKind.String && last.GetString() == IiifValidator.Presentation3Context))
            {
                Error("$.@context", IiifRuleIds.Context, $"\"@context\" lists several contexts, so the last must be \"{IiifValidator.Presentation3Context}\".");
            }
            return;
        }
        ContextValue(c, "$.@context");
    }

    /// <summary>The schema's <c>@context</c>: the Presentation 3 context, or an array of http URIs.</summary>
    private bool ContextValue(JsonElement c, string path)
    {
        if (c.ValueKind == JsonValueKind.String)
        {
            if (c.GetString() == IiifValidator.Presentation3Context) return true;
            Error(path, IiifRuleIds.Context, $"\"@context\" is {Show(c)}; use \"{IiifValidator.Presentation3Context}\".");
            return false;
        }
        if (c.ValueKind != JsonValueKind.Array)
        {
            Error(path, IiifRuleIds.Context, $"\"@context\" must be the Presentation 3 context URI or an array of context URIs, not {AKind(c)}.");
            return false;
        }
        var ok = true;
        var i = 0;
        foreach (var item in c.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !item.GetString()!.StartsWith("http", StringComparison.Ordinal))
            {
                Error($"{path}[{i}]", IiifRuleIds.Context, $"Each \"@context\" entry is an http(s) URI; this one is {Show(item)}.");
                ok = false;
            }
            i++;
        }
        return ok;
    }

    private void Manifest(JsonElement e, string path)
    {
        ClassCore(e, path, labelRequired: true);
        TypeStartsWith(e, path, "Manifest");
        foreach (var p in e.EnumerateObject())
        {
            if (!s_manifestProperties.Contains(p.Name))
            {
                Error($"{path}.{p.Name}", IiifRuleIds.UnknownProperty,
                    $"\"{p.Name}\" is not a property of a Presentation 3.0 Manifest{Hint(p.Name)}. Remove it or correct its name.");
            }
        }
        Required(e, path, "items", "a Manifest lists its Canvases in \"items\"");
        Descriptive(e, path);
        Optional(e, path, "viewingDirection", ViewingDirection);
        Optional(e, path, "start", (_, _) => { });
        Optional(e, path, "items", (v, p) => Array(v, p, Canvas));
        Optional(e, path, "structures", (v, p) => Array(v, p, Range));
        Optional(e, path, "service", Services);
        Optional(e, path, "services", Services);
        Optional(e, path, "placeholderCanvas", (v, p) => SpecialCanvas(v, p));
        Optional(e, path, "accompanyingCanvas", (v, p) => SpecialCanvas(v, p));
        Optional(e, path, "annotations", AnnotationList);
    }

    private void Collection(JsonElement e, string path)
    {
        ClassCore(e, path, labelRequired: true);
        TypeStartsWith(e, path, "Collection");
        Required(e, path, "items", "a Collection lists its Manifests and Collections in \"items\"");
        Descriptive(e, path);
        Optional(e, path, "items", (v, p) => Array(v, p, CollectionItem));
        Optional(e, path, "service", Services);
        Optional(e, path, "services", Services);
        Optional(e, path, "placeholderCanvas", (v, p) => SpecialCanvas(v, p));
        Optional(e, path, "accompanyingCanvas", (v, p) => SpecialCanvas(v, p));
        Optional(e, path, "annotations", AnnotationList);
        if (path != "$") Optional(e, path, "@context", (v, p) => ContextValue(v, p)); // the top level's is checked by TopContext
    }

    /// <summary>The descriptive and linking properties Manifests, Collections and Canvases share.</summary>
    private void Descriptive(JsonElement e, string path)
    {
        Optional(e, path, "metadata", Metadata);
        Optional(e, path, "summary", LanguageMap);
        Optional(e, path, "requiredStatement", KeyValue);
        Optional(e, path, "rendering", External);
        Optional(e, path, "rights", Rights);
        Optional(e, path, "navDate", NavDate);
        Optional(e, path, "navPlace", NavPlace);
        Optional(e, path, "provider", Provider);
        Optional(e, path, "seeAlso", External);
        Optional(e, path, "thumbnail", (v, p) => Array(v, p, Resource));
        Optional(e, path, "homepage", Homepage);
        Optional(e, path, "behavior", Behavior);
        Optional(e, path, "partOf", (v, p) => Array(v, p, Class));
    }

    private void CollectionItem(JsonElement e, string path)
    {
        if (!IsObject(e, path, "a Collection's item")) return;
        var type = TypeOf(e);
        if (type == "Collection" && e.TryGetProperty("items", out _))
        {
            Collection(e, path);
        }
        else if (type is "Manifest" or "Collection")
        {
            Reference(e, path);
            if (type == "Collection") Required(e, path, "label", "a Collection referenced from a Collection has a label");
        }
        else
        {
            Error($"{path}.type", IiifRuleIds.Structure, $"A Collection's items are Manifests and Collections; this one is {(type is null ? "untyped" : $"a {type}")}. Put Canvases and Ranges in a Manifest.");
        }
    }

    /// <summary>The schema's <c>reference</c>: id, type and (optionally) label and thumbnail, never items.</summary>
    private void Reference(JsonElement e, string path)
    {
        Required(e, path, "id", "a reference names what it points to by its id");
        Required(e, path, "type", "a reference says what it points to");
        Optional(e, path, "id", Id);
        Optional(e, path, "label", LanguageMap);
        Optional(e, path, "thumbnail", (v, p) => Array(v, p, Resource));
        if (TypeOf(e) is { } type && type is not ("Manifest" or "AnnotationPage" or "Collection" or "Canvas" or "Range"))
        {
            Error($"{path}.type", IiifRuleIds.Type, $"A reference points to a Manifest, Collection, Canvas, Range or AnnotationPage, not a {type}.");
        }
        if (e.TryGetProperty("items", out _))
        {
            Error($"{path}.items", IiifRuleIds.Structure, $"This {TypeOf(e) ?? "item"} is embedded with its \"items\" where only a reference (id, type, label) is allowed. Reference it instead of embedding it.");
        }
    }

    private void Canvas(JsonElement e, string path) => CanvasCore(e, path, special: false);

    private void SpecialCanvas(JsonElement e, string path) => CanvasCore(e, path, special: true);

    private void CanvasCore(JsonElement e, string path, bool special)
    {
        if (!IsObject(e, path, "a Canvas")) return;
        ClassCore(e, path, labelRequired: false);
        TypeIs(e, path, "Canvas", "a Manifest's items are Canvases");
        Required(e, path, "items", "a Canvas holds its content in \"items\" (AnnotationPages)");
        var hasWidth = e.TryGetProperty("width", out _);
        var hasHeight = e.TryGetProperty("height", out _);
        if (!hasWidth && !hasHeight && !e.TryGetProperty("duration", out _))
        {
            Error(path, IiifRuleIds.Dimensions, "The Canvas has neither width and height nor duration; give an image or video Canvas \"width\" and \"height\", a sound or video Canvas a \"duration\".");
        }
        else if (hasWidth != hasHeight)
        {
            Error(path, IiifRuleIds.Dimensions, $"The Canvas has \"{(hasWidth ? "width" : "height")}\" but no \"{(hasWidth ? "height" : "width")}\"; give both.");
        }
        Optional(e, path, "width", Dimension);
        Optional(e, path, "height", Dimension);
        Optional(e, path, "duration", Duration);
        Descriptive(e, path);
        Optional(e, path, "service", Services);
        Optional(e, path, "items", (v, p) => Array(v, p, AnnotationPage));
        Optional(e, path, "annotations", AnnotationList);
        if (special)
        {
            if (e.TryGetProperty("placeholderCanvas", out _) && e.TryGetProperty("accompanyingCanvas", out _))
            {
                Error(path, IiifRuleIds.Structure, "A placeholder or accompanying Canvas cannot itself have both a placeholderCanvas and an accompanyingCanvas.");
            }
        }
        else
        {
            Optional(e, path, "placeholderCanvas", (v, p) => SpecialCanvas(v, p));
            Optional(e, path, "accompanyingCanvas", (v, p) => SpecialCanvas(v, p));
        }
    }

    private void Range(JsonElement e, string path)
    {
        if (!IsObject(e, path, "a Range")) return;
        ClassCore(e, path, labelRequired: false);
        TypeIs(e, path, "Range", "structures hold Ranges");
        Required(e, path, "items", "a Range lists its Canvases and Ranges in \"items\"");
        Optional(e, path, "rendering", External);
        Optional(e, path, "supplementary", AnnotationCollection);
        Optional(e, path, "service", Services);
        Optional(e, path, "placeholderCanvas", (v, p) => SpecialCanvas(v, p));
        Optional(e, path, "accompanyingCanvas", (v, p) => SpecialCanvas(v, p));
        Optional(e, path, "behavior", Behavior);
        Optional(e, path, "annotations", AnnotationList);
        Optional(e, path, "thumbnail", (v, p) => Array(v, p, Resource));
        Optional(e, path, "items", (v, p) => Array(v, p, RangeItem));
    }

    private void RangeItem(JsonElement e, string path)
    {
        if (!IsObject(e, path, "a Range's item")) return;
        var type = TypeOf(e);
        var hasItems = e.TryGetProperty("items", out _);
        switch (type)
        {
            case "Canvas" when hasItems:
                Canvas(e, path);
                break;
            case "Canvas":
                Reference(e, path);
                Optional(e, path, "partOf", (v, p) => Array(v, p, Class));
                break;
            case "Range" when hasItems:
                Range(e, path);
                break;
            case "Range":
                Reference(e, path);
                break;
            default:
                if (type == "SpecificResource" || e.TryGetProperty("source", out _)) SpecificResource(e, path);
                else Error($"{path}.type", IiifRuleIds.Structure, $"A Range's items are Canvases, Ranges or SpecificResources; this one is {(type is null ? "untyped" : $"a {type}")}.");
                break;
        }
    }

    private static string Hint(string name) => name switch
    {
        "@id" or "@type" => " (that is Presentation 2; use \"id\"/\"type\")",
        "sequences" => " (that is Presentation 2; put the Canvases in \"items\")",
        "description" => " (that is Presentation 2; use \"summary\")",
        "attribution" => " (that is Presentation 2; use \"requiredStatement\")",
        "license" => " (that is Presentation 2; use \"rights\")",
        "logo" => " (in 3.0 a logo belongs to a \"provider\")",
        "within" => " (that is Presentation 2; use \"partOf\")",
        "viewingHint" => " (that is Presentation 2; use \"behavior\")",
        _ => string.Empty,
    };
}
