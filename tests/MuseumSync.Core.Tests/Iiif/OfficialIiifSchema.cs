using System.Text.Json.Nodes;
using MuseumSync.Core.Tests.Lido;
using NJsonSchema;

namespace MuseumSync.Core.Tests.Iiif;

/// <summary>
/// The official IIIF Presentation 3.0 JSON Schema (fixtures/iiif/schema/iiif_3_0.json), loaded into NJsonSchema as a
/// second opinion. NJsonSchema speaks draft 4, so the schema is restated in draft-4 terms first, without changing what
/// it accepts: its <c>types</c>/<c>classes</c> sections become <c>definitions</c> (NJsonSchema resolves only those),
/// <c>const</c> becomes a one-value <c>enum</c>, a numeric <c>exclusiveMinimum</c> becomes <c>minimum</c> + <c>true</c>,
/// and <c>dependencies</c> (width needs height and the reverse) becomes the equivalent <c>not</c>/<c>anyOf</c>.
/// </summary>
internal static class OfficialIiifSchema
{
    private static readonly Lazy<JsonSchema> s_schema = new(Load);

    public static bool IsValid(string json) => s_schema.Value.Validate(json).Count == 0;

    public static string Errors(string json) => string.Join("; ", s_schema.Value.Validate(json).Select(e => $"{e.Path} {e.Kind}"));

    private static JsonSchema Load()
    {
        var raw = File.ReadAllText(StandardsFixtures.IiifSchema);
        // The file has "$comment" twice at the top; keep the last, as JSON parsers that allow duplicates do.
        var first = raw.IndexOf("\"$comment\"", StringComparison.Ordinal);
        raw = raw.Remove(first, raw.IndexOf(',', first) + 1 - first);
        var root = JsonNode.Parse(raw)!.AsObject();
        var definitions = new JsonObject();
        foreach (var section in new[] { "types", "classes" })
        {
            var s = root[section]!.AsObject();
            foreach (var (name, _) in s.ToList())
            {
                var value = s[name];
                s.Remove(name);
                definitions[name] = value;
            }
            root.Remove(section);
        }
        root["definitions"] = definitions;
        root.Remove("$schema");
        Restate(root);
        var text = root.ToJsonString().Replace("#/types/", "#/definitions/", StringComparison.Ordinal).Replace("#/classes/", "#/definitions/", StringComparison.Ordinal);
        return JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
    }

    private static void Restate(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["const"] is { } c)
                {
                    o.Remove("const");
                    o["enum"] = new JsonArray(c.DeepClone());
                }
                if (o["exclusiveMinimum"] is JsonValue min && min.TryGetValue<double>(out var m))
                {
                    o["minimum"] = m;
                    o["exclusiveMinimum"] = true;
                }
                if (o["dependencies"] is JsonObject deps)
                {
                    o.Remove("dependencies");
                    var all = o["allOf"] as JsonArray ?? new JsonArray();
                    foreach (var (property, needs) in deps)
                    {
                        foreach (var need in needs!.AsArray())
                        {
                            all.Add(new JsonObject
                            {
                                ["anyOf"] = new JsonArray(
                                    new JsonObject { ["not"] = new JsonObject { ["required"] = new JsonArray(property) } },
                                    new JsonObject { ["required"] = new JsonArray(need!.GetValue<string>()) }),
                            });
                        }
                    }
                    o["allOf"] = all;
                }
                foreach (var (_, child) in o.ToList()) Restate(child);
                break;
            case JsonArray a:
                foreach (var child in a) Restate(child);
                break;
        }
    }
}
