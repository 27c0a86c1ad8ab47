using MuseumSync.Core.Tests.Lido;
using MuseumSync.Iiif;

namespace MuseumSync.Core.Tests.Iiif;

public sealed class IiifValidatorFixtureTests
{
    private static readonly IiifValidator s_validator = new();

    private static IiifValidationResult Check(string folder, string relative) => s_validator.Validate(File.ReadAllText(Path.Combine(folder, relative)), relative);

    [IiifFixtureFact]
    public void Validate_EveryValidFixture_Valid()
    {
        var files = StandardsFixtures.DataFiles(StandardsFixtures.IiifValid);
        Assert.Equal(30, files.Length);
        var failures = files.Select(f => s_validator.Validate(File.ReadAllText(f), f)).Where(r => !r.IsValid)
            .Select(r => r.Source + ": " + string.Join(" | ", r.Errors)).ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [IiifFixtureFact]
    public void Validate_EveryInvalidFixture_InvalidWithOneLineErrors()
    {
        var files = StandardsFixtures.DataFiles(StandardsFixtures.IiifInvalid);
        Assert.Equal(13, files.Length);
        foreach (var f in files)
        {
            var r = s_validator.Validate(File.ReadAllText(f), f);
            Assert.False(r.IsValid, f);
            Assert.All(r.Errors, e =>
            {
                Assert.StartsWith("$", e.Path, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', e.Message);
                Assert.False(string.IsNullOrEmpty(e.Rule));
            });
        }
    }

    [IiifFixtureFact]
    public void Validate_Presentation2Manifests_RejectedAsPresentation2()
    {
        foreach (var relative in new[] { "presentation-validator/v2.1-fixture-1/manifest.json", "presentation-validator/v2.1-fixture-2/manifest.json", "cookbook-recipes/0057-publishing-v2-and-v3/manifest-v2.json" })
        {
            var r = Check(StandardsFixtures.IiifInvalid, relative);
            var e = Assert.Single(r.Errors);
            Assert.Equal(IiifRuleIds.Version, e.Rule);
            Assert.Contains("IIIF Presentation 2 document", e.Message, StringComparison.Ordinal);
            Assert.Equal("2.x", r.Version);
        }
    }

    [IiifFixtureFact]
    public void Validate_Presentation4Manifest_RejectedAsPresentation4()
    {
        var r = Check(StandardsFixtures.IiifInvalid, "presentation-validator/v4-ok/02_timeline.json");
        var e = Assert.Single(r.Errors);
        Assert.Equal(IiifRuleIds.Version, e.Rule);
        Assert.Contains("Presentation 4.0", e.Message, StringComparison.Ordinal);
        Assert.Equal("4.0", r.Version);
    }

    [IiifFixtureFact]
    public void Validate_BrokenFixtures_ErrorsAtThePathsTheOfficialValidatorTestsExpect()
    {
        var simple = Check(StandardsFixtures.IiifInvalid, "presentation-validator/broken_simple_image.json");
        Assert.Contains(simple.Errors, e => e.Path == "$.provider[0].logo[0]" && e.Rule == IiifRuleIds.Required);
        Assert.Contains(simple.Errors, e => e.Path == "$.provider[0].seeAlso[0]" && e.Rule == IiifRuleIds.Required);
        Assert.Contains(simple.Errors, e => e.Path == "$.items[0]" && e.Message.Contains("\"id\" is missing", StringComparison.Ordinal));

        var service = Check(StandardsFixtures.IiifInvalid, "presentation-validator/broken_service.json");
        Assert.Equal(["$.thumbnail[0].service", "$.items[0].items[0].items[0].body.service"], service.Errors.Select(e => e.Path));

        Assert.Equal("$.items[0]", Assert.Single(Check(StandardsFixtures.IiifInvalid, "presentation-validator/broken_choice.json").Errors, e => e.Rule == IiifRuleIds.Dimensions).Path);
        Assert.Contains("\"label\" is missing", Assert.Single(Check(StandardsFixtures.IiifInvalid, "presentation-validator/broken_collection.json").Errors).Message, StringComparison.Ordinal);
        Assert.Equal("$.items[0].items[0].annotations", Assert.Single(Check(StandardsFixtures.IiifInvalid, "presentation-validator/broken_embedded_annos.json").Errors).Path);
        Assert.Equal(["$.items[0].type", "$.items[1].type"], Check(StandardsFixtures.IiifInvalid, "presentation-validator/collection_of_canvases.json").Errors.Select(e => e.Path));
        Assert.Equal(IiifRuleIds.Rights, Assert.Single(Check(StandardsFixtures.IiifInvalid, "presentation-validator/non_cc_license.json").Errors).Rule);

        var label = Check(StandardsFixtures.IiifInvalid, "presentation-validator/old_format_label.json");
        Assert.Contains(label.Errors, e => e.Path == "$.label" && e.Rule == IiifRuleIds.LanguageMap && e.Message.Contains("Presentation 2 style", StringComparison.Ordinal));

        var lang = Check(StandardsFixtures.IiifInvalid, "presentation-validator/rights_lang_issues.json");
        Assert.Contains(lang.Errors, e => e.Path == "$.rights" && e.Message.Contains("\"http://creativecommons.org/publicdomain/zero/1.0/\"", StringComparison.Ordinal));
        Assert.Contains(lang.Errors, e => e.Path == "$.label.@none" && e.Rule == IiifRuleIds.LanguageMap);
        // Every "@none" key of the file is reported, each on its own line.
        var noneKeys = File.ReadAllText(Path.Combine(StandardsFixtures.IiifInvalid, "presentation-validator/rights_lang_issues.json")).Split("\"@none\"").Length - 1;
        Assert.Equal(noneKeys, lang.Errors.Count(e => e.Rule == IiifRuleIds.LanguageMap && e.Path.EndsWith(".@none", StringComparison.Ordinal)));
    }
}
