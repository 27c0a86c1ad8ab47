using System.Text.Json;

namespace MuseumSync.Iiif;

/// <summary>
/// Validates IIIF Presentation 3.0 Manifests and Collections by the rules of the specification, following the official
/// 3.0 JSON Schema (the one the IIIF validator uses) class by class: required <c>id</c>/<c>type</c>/<c>label</c>/<c>items</c>,
/// language maps, canvas dimensions and durations, annotation pages and annotations, rights URIs, behaviors,
/// <c>@context</c>. Presentation 2.x and 4.0 documents are recognized and rejected as such. Each error is one line with
/// its JSON path and rule id.
/// </summary>
internal sealed class IiifValidator
{
    /// <summary>The Presentation 3.0 context.</summary>
    public const string Presentation3Context = "http://iiif.io/api/presentation/3/context.json";

    /// <summary>Creates a validator that reports at most <paramref name="maxErrors"/> errors per document (the rest are counted).</summary>
    public IiifValidator(int maxErrors = 200)
    {
        if (maxErrors is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(maxErrors), maxErrors, "Report 1 to 100,000 errors per document.");
        MaxErrors = maxErrors;
    }

    /// <summary>The most errors reported per document. The default is 200.</summary>
    public int MaxErrors { get; }

    private static readonly JsonDocumentOptions s_parse = new() { MaxDepth = 128, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    /// <summary>Validates JSON text; <paramref name="source"/> is shown as the result's source.</summary>
    public IiifValidationResult Validate(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json, s_parse);
            return Validate(doc.RootElement, source);
        }
        catch (JsonException ex)
        {
            return NotJson(source, ex);
        }
    }

    /// <summary>Validates a JSON stream (UTF-8).</summary>
    public IiifValidationResult Validate(Stream json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json, s_parse);
            return Validate(doc.RootElement, source);
        }
        catch (JsonException ex)
        {
            return NotJson(source, ex);
        }
    }

    /// <summary>Validates a parsed document.</summary>
    public IiifValidationResult Validate(JsonElement root, string? source = null)
    {
        var walker = new IiifWalker(MaxErrors);
        if (root.ValueKind != JsonValueKind.Object)
        {
            walker.Error("$", IiifRuleIds.Json, $"A IIIF document is a JSON object; this is a JSON {root.ValueKind.ToString().ToLowerInvariant()}.");
            return walker.Result(source, null, null, null);
        }
        var id = Text(root, "id") ?? Text(root, "@id");
        var type = Text(root, "type") ?? Text(root, "@type");
        var version = IiifVersion.Detect(root);
        if (version == "2.x")
        {
            walker.Error("$", IiifRuleIds.Version,
                $"This is a IIIF Presentation 2 document ({IiifVersion.Evidence(root)}). Presentation 3.0 is required: upgrade it (id/type instead of @id/@type, language maps, items instead of sequences/canvases/images) or publish a 3.0 version beside it.");
            return walker.Result(source, id, type, version);
        }
        if (version == "4.0")
        {
            walker.Error("$", IiifRuleIds.Version,
                $"This is a IIIF Presentation 4.0 document ({IiifVersion.Evidence(root)}); MuseumSync checks Presentation 3.0. Publish a 3.0 version of it for 3.0 viewers and aggregators.");
            return walker.Result(source, id, type, version);
        }
        walker.TopLevel(root);
        return walker.Result(source, id, type, version);
    }

    private IiifValidationResult NotJson(string? source, JsonException ex)
    {
        var walker = new IiifWalker(MaxErrors);
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
        walker.Error(ex.Path is { Length: > 0 } p ? p : "$", IiifRuleIds.Json, $"The document is not valid JSON{where}: {ex.Message.Split(" Path:")[0]}");
        return walker.Result(source, null, null, null);
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
