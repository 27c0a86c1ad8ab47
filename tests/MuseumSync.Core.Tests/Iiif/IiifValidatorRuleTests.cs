using System.Text.Json.Nodes;
using MuseumSync.Iiif;

namespace MuseumSync.Core.Tests.Iiif;

/// <summary>Each Presentation 3.0 rule on small documents written here.</summary>
public sealed class IiifValidatorRuleTests
{
    private static readonly IiifValidator s_validator = new();

    internal const string Minimal = """
        {
          "@context": "http://iiif.io/api/presentation/3/context.json",
          "id": "https://example.org/iiif/1/manifest",
          "type": "Manifest",
          "label": { "en": [ "Harbour at Dawn" ] },
          "rights": "http://creativecommons.org/publicdomain/zero/1.0/",
          "behavior": [ "paged" ],
          "navDate": "1889-06-15T00:00:00Z",
          "items": [
            {
              "id": "https://example.org/iiif/1/canvas/1",
              "type": "Canvas",
              "width": 1200,
              "height": 1800,
              "items": [
                {
                  "id": "https://example.org/iiif/1/page/1",
                  "type": "AnnotationPage",
                  "items": [
                    {
                      "id": "https://example.org/iiif/1/annotation/1",
                      "type": "Annotation",
                      "motivation": "painting",
                      "body": { "id": "https://example.org/iiif/image/1/full/max/0/default.jpg", "type": "Image", "format": "image/jpeg" },
                      "target": "https://example.org/iiif/1/canvas/1"
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;

    private static IiifValidationResult Mutated(Action<JsonObject> change)
    {
        var node = JsonNode.Parse(Minimal)!.AsObject();
        change(node);
        return s_validator.Validate(node.ToJsonString());
    }

    private static JsonObject Canvas(JsonObject m) => m["items"]![0]!.AsObject();

    [Fact]
    public void Validate_MinimalManifest_Valid() => Assert.True(s_validator.Validate(Minimal).IsValid);

    [Theory]
    [InlineData("id")]
    [InlineData("type")]
    [InlineData("label")]
    [InlineData("items")]
    public void Validate_ManifestWithoutRequiredProperty_NamesIt(string property)
    {
        var r = Mutated(m => m.Remove(property));
        Assert.Contains(r.Errors, e => e.Rule == IiifRuleIds.Required && e.Path == "$" && e.Message.StartsWith($"\"{property}\" is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Context_MissingWrongOrNotLast()
    {
        Assert.Equal(IiifRuleIds.Context, Assert.Single(Mutated(m => m.Remove("@context")).Errors).Rule);
        Assert.Equal("$.@context", Assert.Single(Mutated(m => m["@context"] = "http://iiif.io/api/presentation/3/context.jsonld").Errors).Path);
        Assert.True(Mutated(m => m["@context"] = new JsonArray("http://www.w3.org/ns/anno.jsonld", "http://iiif.io/api/presentation/3/context.json")).IsValid);
        Assert.Contains("the last must be", Assert.Single(Mutated(m => m["@context"] = new JsonArray("http://iiif.io/api/presentation/3/context.json", "http://www.w3.org/ns/anno.jsonld")).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LanguageMaps_StringArraysUnderLanguageKeys()
    {
        Assert.Equal("$.label", Assert.Single(Mutated(m => m["label"] = "Harbour").Errors).Path);
        Assert.Equal("$.label.en", Assert.Single(Mutated(m => m["label"] = new JsonObject { ["en"] = "Harbour" }).Errors).Path);
        Assert.Equal("$.label.en[0]", Assert.Single(Mutated(m => m["label"] = new JsonObject { ["en"] = new JsonArray(42) }).Errors).Path);
        Assert.Equal("$.label.en_GB", Assert.Single(Mutated(m => m["label"] = new JsonObject { ["en_GB"] = new JsonArray("x") }).Errors).Path);
        Assert.True(Mutated(m => m["label"] = new JsonObject { ["none"] = new JsonArray("x"), ["zh-Hant"] = new JsonArray("y") }).IsValid);
        var meta = Mutated(m => m["metadata"] = new JsonArray(new JsonObject { ["label"] = new JsonObject { ["en"] = new JsonArray("Date") } }));
        Assert.Equal("\"value\" is missing; a label/value pair has a \"value\" language map.", Assert.Single(meta.Errors).Message);
    }

    [Theory]
    [InlineData("width", 0)]
    [InlineData("width", -5)]
    [InlineData("height", 12.5)]
    public void Validate_CanvasDimensionNotPositiveWhole_Error(string property, double value)
    {
        var e = Assert.Single(Mutated(m => Canvas(m)[property] = value).Errors);
        Assert.Equal((IiifRuleIds.Dimensions, $"$.items[0].{property}"), (e.Rule, e.Path));
    }

    [Fact]
    public void Validate_CanvasDimensionsAndDuration_RulesOfPresence()
    {
        Assert.Contains("neither width and height nor duration", Assert.Single(Mutated(m => { Canvas(m).Remove("width"); Canvas(m).Remove("height"); }).Errors).Message, StringComparison.Ordinal);
        Assert.Contains("has \"width\" but no \"height\"", Assert.Single(Mutated(m => Canvas(m).Remove("height")).Errors).Message, StringComparison.Ordinal);
        Assert.True(Mutated(m => { Canvas(m).Remove("width"); Canvas(m).Remove("height"); Canvas(m)["duration"] = 107.5; }).IsValid);
        Assert.Equal("$.items[0].duration", Assert.Single(Mutated(m => Canvas(m)["duration"] = 0).Errors).Path);
    }

    [Fact]
    public void Validate_AnnotationPagesAndAnnotations_Structure()
    {
        Assert.Equal("$.items[0].items[0].type", Assert.Single(Mutated(m => Canvas(m)["items"]![0]!["type"] = "Page").Errors).Path);
        Assert.Equal("$.items[0].items[0].items[0]", Assert.Single(Mutated(m => Canvas(m)["items"]![0]!["items"]![0]!.AsObject().Remove("id")).Errors).Path);
        Assert.Equal("$.items[0].items[0].items[0].body", Assert.Single(Mutated(m => Canvas(m)["items"]![0]!["items"]![0]!["body"]!.AsObject().Remove("id")).Errors).Path);
        Assert.Equal("$.items[0].items[0].items[0].target", Assert.Single(Mutated(m => Canvas(m)["items"]![0]!["items"]![0]!["target"] = "canvas-1").Errors).Path);
        Assert.Equal("$.items[0].items", Assert.Single(Mutated(m => Canvas(m)["items"] = new JsonObject()).Errors).Path);
        Assert.Equal("$.items[0].items[0].items[0].body.format", Assert.Single(Mutated(m => Canvas(m)["items"]![0]!["items"]![0]!["body"]!["format"] = "jpeg").Errors).Path);
    }

    [Theory]
    [InlineData("https://creativecommons.org/licenses/by/4.0/", "Write it with http://")]
    [InlineData("https://en.wikipedia.org/wiki/License", "put anything else in requiredStatement")]
    [InlineData("All rights reserved", "not a Creative Commons or RightsStatements.org URI")]
    public void Validate_RightsNotCcOrRightsStatementsHttpUri_Error(string rights, string expected)
    {
        var e = Assert.Single(Mutated(m => m["rights"] = rights).Errors);
        Assert.Equal((IiifRuleIds.Rights, "$.rights"), (e.Rule, e.Path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BehaviorViewingDirectionNavDate_Vocabularies()
    {
        Assert.Equal((IiifRuleIds.Behavior, "$.behavior[1]"), Single(Mutated(m => m["behavior"] = new JsonArray("paged", "book"))));
        Assert.Equal((IiifRuleIds.ViewingDirection, "$.viewingDirection"), Single(Mutated(m => m["viewingDirection"] = "rtl")));
        Assert.Equal((IiifRuleIds.NavDate, "$.navDate"), Single(Mutated(m => m["navDate"] = "1889-06-15")));
        Assert.True(Mutated(m => m["navDate"] = "1889-06-15T00:00:00+01:00").IsValid);
    }

    [Fact]
    public void Validate_UnknownManifestProperty_ErrorWithPresentation2Hint()
    {
        var e = Assert.Single(Mutated(m => m["description"] = "x").Errors);
        Assert.Equal((IiifRuleIds.UnknownProperty, "$.description"), (e.Rule, e.Path));
        Assert.Contains("use \"summary\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServiceAsObjectOrBothForms_Error()
    {
        static JsonObject Body(JsonObject m) => Canvas(m)["items"]![0]!["items"]![0]!["body"]!.AsObject();
        Assert.Equal("$.items[0].items[0].items[0].body.service", Single(Mutated(m => Body(m)["service"] = new JsonObject { ["id"] = "https://example.org/iiif/image/1", ["type"] = "ImageService3" })).Path);
        Assert.True(Mutated(m => Body(m)["service"] = new JsonArray(new JsonObject { ["@id"] = "https://example.org/iiif/image/1", ["@type"] = "ImageService2", ["profile"] = "http://iiif.io/api/image/2/level1.json" })).IsValid);
        Assert.Equal(IiifRuleIds.Service, Single(Mutated(m => Body(m)["service"] = new JsonArray(new JsonObject { ["id"] = "https://x.org/1", ["type"] = "ImageService3", ["@id"] = "https://x.org/1", ["@type"] = "ImageService2" }))).Rule);
    }

    [Fact]
    public void Validate_NotJsonOrHostile_InvalidWithoutThrowing()
    {
        Assert.Equal(IiifRuleIds.Json, Assert.Single(s_validator.Validate("{ \"id\": ").Errors).Rule);
        Assert.Equal(IiifRuleIds.Json, Assert.Single(s_validator.Validate("[1,2]").Errors).Rule);
        var deep = new string('[', 100_000) + new string(']', 100_000);
        Assert.Equal(IiifRuleIds.Json, Assert.Single(s_validator.Validate(deep).Errors).Rule);
        var many = "{\"@context\":\"http://iiif.io/api/presentation/3/context.json\",\"id\":\"https://x.org/m\",\"type\":\"Manifest\",\"label\":{\"en\":[\"x\"]},\"items\":[" + string.Join(",", Enumerable.Repeat("{}", 5000)) + "]}";
        var r = s_validator.Validate(many);
        Assert.Equal(200, r.Errors.Count);
        Assert.True(r.SuppressedCount > 0);
    }

    [Fact]
    public void Validate_NotAManifestOrCollection_TypeError()
    {
        var r = s_validator.Validate("""{"@context":"http://iiif.io/api/presentation/3/context.json","id":"https://x.org/p","type":"AnnotationPage","items":[]}""");
        Assert.Equal((IiifRuleIds.Type, "$.type"), Single(r));
    }

    private static (string Rule, string Path) Single(IiifValidationResult r)
    {
        var e = Assert.Single(r.Errors);
        return (e.Rule, e.Path);
    }
}
