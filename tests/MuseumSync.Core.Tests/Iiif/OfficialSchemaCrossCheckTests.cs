using System.Text.Json.Nodes;
using MuseumSync.Core.Tests.Lido;
using MuseumSync.Iiif;

namespace MuseumSync.Core.Tests.Iiif;

/// <summary>
/// The validator's verdict agrees with the official 3.0 JSON Schema: on every fixture (and with the fixture README's
/// verdict), on every manifest MuseumSync generates, and on single-rule breakages of every valid fixture.
/// </summary>
public sealed class OfficialSchemaCrossCheckTests
{
    private static readonly IiifValidator s_validator = new();

    [IiifFixtureFact]
    public void Verdict_EveryFixture_AgreesWithTheOfficialSchemaAndTheReadme()
    {
        var disagreements = new List<string>();
        foreach (var (folder, expected) in new[] { (StandardsFixtures.IiifValid, true), (StandardsFixtures.IiifInvalid, false) })
        {
            foreach (var file in StandardsFixtures.DataFiles(folder))
            {
                var json = File.ReadAllText(file);
                var ours = s_validator.Validate(json).IsValid;
                var official = OfficialIiifSchema.IsValid(json);
                if (ours != expected || official != expected)
                {
                    disagreements.Add($"{Path.GetRelativePath(StandardsFixtures.Root!, file)}: README {expected}, official schema {official} ({OfficialIiifSchema.Errors(json)}), MuseumSync {ours}");
                }
            }
        }
        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements));
    }

    /// <summary>Breakages applied one at a time to every valid fixture; each line is (name, applies to, change).</summary>
    private static readonly (string Name, Func<JsonObject, bool> Applies, Action<JsonObject> Break)[] s_breakages =
    [
        ("no label", _ => true, d => d.Remove("label")),
        ("no id", _ => true, d => d.Remove("id")),
        ("string label", _ => true, d => d["label"] = "A label"),
        ("@none label key", _ => true, d => d["label"] = new JsonObject { ["@none"] = new JsonArray("x") }),
        ("https rights", _ => true, d => d["rights"] = "https://creativecommons.org/licenses/by/4.0/"),
        ("http rights", _ => true, d => d["rights"] = "http://creativecommons.org/licenses/by/4.0/"),
        ("unknown behavior", _ => true, d => d["behavior"] = new JsonArray("book")),
        ("metadata without value", _ => true, d => d["metadata"] = new JsonArray(new JsonObject { ["label"] = new JsonObject { ["en"] = new JsonArray("x") } })),
        ("extra property", _ => true, d => d["logo"] = "x"),
        ("first canvas without id", IsManifest, d => FirstCanvas(d).Remove("id")),
        ("first canvas width 0", d => IsManifest(d) && FirstCanvas(d).ContainsKey("width"), d => FirstCanvas(d)["width"] = 0),
        ("first canvas width as text", d => IsManifest(d) && FirstCanvas(d).ContainsKey("width"), d => FirstCanvas(d)["width"] = "1200"),
        ("first canvas without height", d => IsManifest(d) && FirstCanvas(d).ContainsKey("height"), d => FirstCanvas(d).Remove("height")),
        ("first canvas typed Page", IsManifest, d => FirstCanvas(d)["type"] = "Page"),
        ("first page typed Page", d => IsManifest(d) && FirstPage(d) is not null, d => FirstPage(d)!["type"] = "Page"),
        ("annotations inside the page", d => IsManifest(d) && FirstPage(d) is not null, d => FirstPage(d)!["annotations"] = new JsonArray()),
        ("first annotation without id", d => IsManifest(d) && FirstAnnotation(d) is not null, d => FirstAnnotation(d)!.Remove("id")),
        ("first body without type", d => IsManifest(d) && FirstAnnotation(d)?["body"] is JsonObject b && b["type"]?.GetValue<string>() is "Image" or "Video" or "Sound", d => ((JsonObject)FirstAnnotation(d)!["body"]!).Remove("type")),
        ("collection item typed Canvas", d => !IsManifest(d), d => d["items"]![0]!["type"] = "Canvas"),
        ("viewingDirection rtl", _ => true, d => d["viewingDirection"] = "rtl"),
    ];

    [IiifFixtureFact]
    public void Verdict_SingleBreakagesOfEveryValidFixture_AgreesWithTheOfficialSchema()
    {
        var disagreements = new List<string>();
        var checkedCount = 0;
        foreach (var file in StandardsFixtures.DataFiles(StandardsFixtures.IiifValid))
        {
            foreach (var (name, applies, change) in s_breakages)
            {
                var doc = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
                if (!applies(doc)) continue;
                change(doc);
                var json = doc.ToJsonString();
                var ours = s_validator.Validate(json);
                var official = OfficialIiifSchema.IsValid(json);
                checkedCount++;
                if (ours.IsValid != official)
                {
                    disagreements.Add($"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)} + {name}: official {official} ({OfficialIiifSchema.Errors(json)}), MuseumSync {ours.IsValid} ({string.Join(" | ", ours.Errors)})");
                }
            }
        }
        Assert.True(checkedCount > 400, $"only {checkedCount} documents checked");
        Assert.True(disagreements.Count == 0, string.Join(Environment.NewLine, disagreements));
    }

    private static bool IsManifest(JsonObject d) => d["type"]?.GetValue<string>() == "Manifest";

    private static JsonObject FirstCanvas(JsonObject d) => d["items"]![0]!.AsObject();

    private static JsonObject? FirstPage(JsonObject d) => FirstCanvas(d)["items"] is JsonArray { Count: > 0 } pages ? pages[0] as JsonObject : null;

    private static JsonObject? FirstAnnotation(JsonObject d) => FirstPage(d)?["items"] is JsonArray { Count: > 0 } annos ? annos[0] as JsonObject : null;
}
