using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MuseumSync.Iiif;

/// <summary>The schema's basic types (id, language map, dimension, format, rights, …) and the linking classes.</summary>
internal sealed partial class IiifWalker
{
    private static readonly HashSet<string> s_behaviors = new(StringComparer.Ordinal)
    {
        "auto-advance", "no-auto-advance", "repeat", "no-repeat", "unordered", "individuals", "continuous", "paged",
        "facing-pages", "non-paged", "multi-part", "together", "sequence", "thumbnail-nav", "no-nav", "hidden",
    };

    private static readonly string[] s_rightsPrefixes =
        ["http://creativecommons.org/licenses/", "http://creativecommons.org/publicdomain/", "http://rightsstatements.org/vocab/"];

    /// <summary>The schema's <c>class</c>: a required http <c>id</c> and <c>type</c>, an optional language-map <c>label</c>.</summary>
    private void ClassCore(JsonElement e, string path, bool labelRequired)
    {
        Required(e, path, "id", "every IIIF resource is named by an http(s) id");
        Required(e, path, "type", "every IIIF resource says its type");
        if (labelRequired) Required(e, path, "label", $"a {TypeOf(e) ?? "Manifest or Collection"} has a label (a language map such as {{\"en\": [\"Title\"]}})");
        Optional(e, path, "id", Id);
        Optional(e, path, "type", StringValue);
        Optional(e, path, "label", LanguageMap);
    }

    private void Class(JsonElement e, string path)
    {
        if (IsObject(e, path, "a linked resource")) ClassCore(e, path, labelRequired: false);
    }

    private void Required(JsonElement e, string path, string name, string why)
    {
        if (!e.TryGetProperty(name, out _)) Error(path, IiifRuleIds.Required, $"\"{name}\" is missing; {why}.");
    }

    private static void Optional(JsonElement e, string path, string name, Action<JsonElement, string> check)
    {
        if (e.TryGetProperty(name, out var v)) check(v, $"{path}.{(IsPlainName(name) ? name : $"['{name}']")}");
    }

    private void Array(JsonElement v, string path, Action<JsonElement, string> item)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            Error(path, IiifRuleIds.Shape, $"\"{Last(path)}\" must be an array{(v.ValueKind == JsonValueKind.Object ? " (wrap the object in [ ])" : string.Empty)}, not {AKind(v)}.");
            return;
        }
        var i = 0;
        foreach (var x in v.EnumerateArray()) item(x, $"{path}[{i++}]");
    }

    private bool IsObject(JsonElement e, string path, string what)
    {
        if (e.ValueKind == JsonValueKind.Object) return true;
        Error(path, IiifRuleIds.Shape, $"Expected {what} (a JSON object) here, not {AKind(e)}.");
        return false;
    }

    private void TypeIs(JsonElement e, string path, string expected, string why)
    {
        if (TypeOf(e) is { } t && t != expected) Error($"{path}.type", IiifRuleIds.Type, $"\"type\" is \"{t}\" where \"{expected}\" belongs ({why}).");
    }

    private void TypeStartsWith(JsonElement e, string path, string expected)
    {
        if (TypeOf(e) is { } t && !t.StartsWith(expected, StringComparison.Ordinal)) Error($"{path}.type", IiifRuleIds.Type, $"\"type\" is \"{t}\" where \"{expected}\" belongs.");
    }

    private static string? TypeOf(JsonElement e) => e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private void Id(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            Error(path, IiifRuleIds.Id, $"An id is an http(s) URI string, not {AKind(v)}.");
            return;
        }
        var s = v.GetString()!;
        if (!s.StartsWith("http", StringComparison.Ordinal) || !Uri.TryCreate(s, UriKind.Absolute, out _))
        {
            Error(path, IiifRuleIds.Id, $"{Show(v)} is not an http(s) URI; IIIF ids are URIs such as https://example.org/iiif/1/manifest.");
        }
    }

    /// <summary>The schema's <c>lngString</c>: <c>{"en": ["…"], "none": ["…"]}</c>.</summary>
    private void LanguageMap(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Object)
        {
            Error(path, IiifRuleIds.LanguageMap, v.ValueKind == JsonValueKind.String
                ? $"\"{Last(path)}\" is a plain string (the Presentation 2 style); in 3.0 it is a language map: {{\"en\": [{Show(v)}]}}, or {{\"none\": [...]}} when the language is unknown."
                : $"\"{Last(path)}\" must be a language map such as {{\"en\": [\"text\"]}}, not {AKind(v)}.");
            return;
        }
        foreach (var p in v.EnumerateObject())
        {
            var where = $"{path}.{(IsPlainName(p.Name) ? p.Name : $"['{p.Name}']")}";
            if (!LanguageKey().IsMatch(p.Name))
            {
                Error(where, IiifRuleIds.LanguageMap, p.Name == "@none"
                    ? "The language key \"@none\" is JSON-LD 1.0 style; Presentation 3.0 writes \"none\"."
                    : $"\"{p.Name}\" is not a language tag; use a BCP 47 tag such as \"en\" or \"zh-Hant\", or \"none\".");
            }
            if (p.Value.ValueKind != JsonValueKind.Array)
            {
                Error(where, IiifRuleIds.LanguageMap, $"The value for \"{p.Name}\" must be an array of strings ([\"text\"]), not {AKind(p.Value)}.");
                continue;
            }
            var i = 0;
            foreach (var s in p.Value.EnumerateArray())
            {
                if (s.ValueKind != JsonValueKind.String) Error($"{where}[{i}]", IiifRuleIds.LanguageMap, $"Language map values are strings, not {AKind(s)}.");
                i++;
            }
        }
    }

    private void Metadata(JsonElement v, string path) => Array(v, path, KeyValue);

    private void KeyValue(JsonElement e, string path)
    {
        if (!IsObject(e, path, "a label/value pair")) return;
        Required(e, path, "label", "a label/value pair has a \"label\" language map");
        Required(e, path, "value", "a label/value pair has a \"value\" language map");
        Optional(e, path, "label", LanguageMap);
        Optional(e, path, "value", LanguageMap);
    }

    private void External(JsonElement v, string path) => Array(v, path, (e, p) =>
    {
        Class(e, p);
        if (e.ValueKind != JsonValueKind.Object) return;
        Optional(e, p, "format", Format);
        Optional(e, p, "profile", StringValue);
    });

    private void Homepage(JsonElement v, string path) => Array(v, path, (e, p) =>
    {
        Class(e, p);
        if (e.ValueKind != JsonValueKind.Object) return;
        Optional(e, p, "format", Format);
        Optional(e, p, "language", (l, lp) => Array(l, lp, (tag, tp) =>
        {
            if (tag.ValueKind != JsonValueKind.String || !LanguageKey().IsMatch(tag.GetString()!)) Error(tp, IiifRuleIds.LanguageMap, $"{Show(tag)} is not a language tag.");
        }));
    });

    private void Provider(JsonElement v, string path) => Array(v, path, (e, p) =>
    {
        Class(e, p);
        if (e.ValueKind != JsonValueKind.Object) return;
        TypeIs(e, p, "Agent", "a provider is an Agent");
        Optional(e, p, "homepage", Homepage);
        Optional(e, p, "logo", (l, lp) => Array(l, lp, Resource));
        Optional(e, p, "seeAlso", External);
    });

    /// <summary>The schema's <c>service</c>: an array of 3.0 services (id, type) or 2.x services (@id, @type).</summary>
    private void Services(JsonElement v, string path) => Array(v, path, (e, p) =>
    {
        if (!IsObject(e, p, "a service")) return;
        var v3 = e.TryGetProperty("id", out _) || e.TryGetProperty("type", out _);
        var v2 = e.TryGetProperty("@id", out _) || e.TryGetProperty("@type", out _);
        if (v3 && v2 && e.TryGetProperty("id", out _) && e.TryGetProperty("type", out _) && e.TryGetProperty("@id", out _) && e.TryGetProperty("@type", out _))
        {
            Error(p, IiifRuleIds.Service, "The service has both id/type and @id/@type; write a 3.0 service (id, type) or a 2.x one (@id, @type), not both.");
            return;
        }
        if (v2 && !e.TryGetProperty("id", out _))
        {
            Required(e, p, "@id", "a 2.x service is named by \"@id\"");
            Required(e, p, "@type", "a 2.x service says its \"@type\"");
            Optional(e, p, "@id", Id);
            Optional(e, p, "@type", StringValue);
        }
        else
        {
            ClassCore(e, p, labelRequired: false);
        }
        Optional(e, p, "profile", StringValue);
        Optional(e, p, "service", Services);
    });

    private void Rights(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.String && s_rightsPrefixes.Any(prefix => v.GetString()!.Contains(prefix, StringComparison.Ordinal))) return;
        var s = v.ValueKind == JsonValueKind.String ? v.GetString()! : null;
        var httpsHint = s is not null && s.StartsWith("https://", StringComparison.Ordinal) && s_rightsPrefixes.Any(prefix => ("http://" + s[8..]).Contains(prefix, StringComparison.Ordinal))
            ? $" Write it with http://, as the vocabularies define it: \"http://{s[8..]}\"."
            : " Use a Creative Commons license or public domain tool (http://creativecommons.org/…) or a RightsStatements.org statement (http://rightsstatements.org/vocab/…); put anything else in requiredStatement or metadata.";
        Error(path, IiifRuleIds.Rights, $"\"rights\" is {Show(v)}, which is not a Creative Commons or RightsStatements.org URI.{httpsHint}");
    }

    private void NavDate(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParseExact(v.GetString(), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            && (v.GetString()!.EndsWith('Z') || v.GetString()![^6] is '+' or '-'))
        {
            return;
        }
        Error(path, IiifRuleIds.NavDate, $"\"navDate\" is {Show(v)}; it is an xsd:dateTime with a time zone, such as \"1856-01-01T00:00:00Z\".");
    }

    private void NavPlace(JsonElement v, string path)
    {
        if (!IsObject(v, path, "a navPlace FeatureCollection")) return;
        Required(v, path, "type", "navPlace says \"type\": \"FeatureCollection\"");
        Optional(v, path, "type", StringValue);
        Optional(v, path, "id", Id);
        Optional(v, path, "features", (f, p) => Array(f, p, GeoJsonFeature));
    }

    private void ViewingDirection(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.String && v.GetString() is "left-to-right" or "right-to-left" or "top-to-bottom" or "bottom-to-top") return;
        Error(path, IiifRuleIds.ViewingDirection, $"\"viewingDirection\" is {Show(v)}; use \"left-to-right\", \"right-to-left\", \"top-to-bottom\" or \"bottom-to-top\".");
    }

    private void Behavior(JsonElement v, string path) => Array(v, path, (b, p) =>
    {
        if (b.ValueKind == JsonValueKind.String && s_behaviors.Contains(b.GetString()!)) return;
        Error(p, IiifRuleIds.Behavior, $"{Show(b)} is not a Presentation 3.0 behavior ({string.Join(", ", s_behaviors)}).");
    });

    private void Dimension(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var n) && n == decimal.Truncate(n) && n > 0) return;
        Error(path, IiifRuleIds.Dimensions, $"\"{Last(path)}\" is {Show(v)}; it must be a positive whole number of pixels (or points).");
    }

    private void Duration(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Number && v.GetDouble() > 0) return;
        Error(path, IiifRuleIds.Dimensions, $"\"{Last(path)}\" is {Show(v)}; it must be a positive number of seconds.");
    }

    private void Integer(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var n) && n == decimal.Truncate(n)) return;
        Error(path, IiifRuleIds.Shape, $"\"{Last(path)}\" is {Show(v)}; it must be a whole number.");
    }

    private void Format(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.String && MediaType().IsMatch(v.GetString()!)) return;
        Error(path, IiifRuleIds.Format, $"\"format\" is {Show(v)}; it is a media type such as \"image/jpeg\".");
    }

    private void StringValue(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String) Error(path, IiifRuleIds.Shape, $"\"{Last(path)}\" must be a string, not {AKind(v)}.");
    }

    private void StringOrStrings(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.String) return;
        if (v.ValueKind == JsonValueKind.Array) Array(v, path, StringValue);
        else Error(path, IiifRuleIds.Shape, $"\"{Last(path)}\" must be a string or an array of strings, not {AKind(v)}.");
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string AKind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null or JsonValueKind.Undefined => "null",
        _ => "a " + Kind(v),
    };

    private static string Show(JsonElement v)
    {
        var raw = v.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? Kind(v) == "object" ? "an object" : "an array" : v.GetRawText();
        return raw.Length > 80 ? raw[..80] + "…" : raw;
    }

    private static string Last(string path)
    {
        var p = path.TrimEnd(']');
        var i = p.LastIndexOfAny(['.', '[']);
        var name = i >= 0 ? path[(i + 1)..] : path;
        return name.Trim('[', ']', '\'');
    }

    private static bool IsPlainName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '@');

    [GeneratedRegex("^[a-zA-Z-][a-zA-Z-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageKey();

    [GeneratedRegex("^[a-z][a-z]*/.*$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaType();
}
