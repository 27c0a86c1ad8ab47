using MuseumSync.Lido;

namespace MuseumSync.Core.Tests.Lido;

public sealed class LidoValidatorFixtureTests
{
    [LidoFixtureFact]
    public void ValidateFile_EveryValidFixtureAsLido11_AllRecordsValid()
    {
        var validator = LidoTestData.Validator(LidoVersion.Lido11);
        var files = StandardsFixtures.DataFiles(StandardsFixtures.LidoValid);
        Assert.Equal(19, files.Length);
        var results = files.SelectMany(f => validator.ValidateFile(f)).ToList();

        Assert.Equal(42, results.Count);
        var failures = results.Where(r => !r.IsValid).Select(LidoTestData.Describe).ToList();
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.RecordId)));
        Assert.All(results, r => Assert.DoesNotContain(r.Errors, e => e.Rule == "xsd"));
    }

    [LidoFixtureFact]
    public void ValidateFile_ValidFixturesWithDetectedVersion_AllValidAndVersionFollowsSchemaLocation()
    {
        var validator = LidoTestData.Validator();
        foreach (var file in StandardsFixtures.DataFiles(StandardsFixtures.LidoValid))
        {
            foreach (var r in validator.ValidateFile(file))
            {
                Assert.True(r.IsValid, LidoTestData.Describe(r));
                var declares10 = File.ReadLines(file).Take(12).Any(l => l.Contains("v1.0/lido-v1.0.xsd", StringComparison.Ordinal));
                Assert.Equal(declares10 ? LidoVersion.Lido10 : LidoVersion.Lido11, r.Version);
            }
        }
    }

    [LidoFixtureFact]
    public void ValidateFile_Lido11ExamplesAsLido10_FailNamingTheLido11Elements()
    {
        var file = Directory.EnumerateFiles(StandardsFixtures.LidoValid, "LIDO-v1.1-Example_FMobj00154983-LaPrimavera.xml", SearchOption.AllDirectories).Single();
        var r = LidoTestData.Validator(LidoVersion.Lido10).ValidateFile(file).Single();
        Assert.False(r.IsValid);
        Assert.Equal(LidoVersion.Lido10, r.Version);
        Assert.Contains(r.Errors, e => e.Rule == "xsd" && e.Message.Contains("'displayRepository'", StringComparison.Ordinal));
    }

    [LidoFixtureFact]
    public void ValidateFile_RecordWithElementsOutOfOrder_FailsNamingTheOffendingElements()
    {
        var r = LidoTestData.Validator(LidoVersion.Lido11).ValidateFile(StandardsFixtures.AqindaInvalid("DDB_LIDO_record_1.xml")).Single();

        Assert.False(r.IsValid);
        var xsd = r.Errors.Where(e => e.Rule == "xsd").ToList();
        Assert.Equal(3, xsd.Count);
        var recordType = xsd[0];
        Assert.Contains("invalid child element 'recordType'", recordType.Message, StringComparison.Ordinal);
        Assert.Contains("'recordSource'", recordType.Message, StringComparison.Ordinal);
        Assert.Equal(197, recordType.Line);
        Assert.Equal("/lido:lidoWrap/lido:lido[1]/lido:administrativeMetadata[1]/lido:recordWrap[1]/lido:recordType[2]", recordType.XPath);
        Assert.Contains("invalid child element 'linkResource'", xsd[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("/lido:resourceRepresentation[1]/lido:linkResource[2]", xsd[1].XPath, StringComparison.Ordinal);
        Assert.Contains("invalid child element 'resourceType'", xsd[2].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("http://www.lido-schema.org", recordType.Message, StringComparison.Ordinal);
    }

    [LidoFixtureFact]
    public void ValidateFile_RecordWithoutLidoRecId_FailsNamingTheMissingElementAndTheBadLanguage()
    {
        var r = LidoTestData.Validator(LidoVersion.Lido11).ValidateFile(StandardsFixtures.AqindaInvalid("DDB_LIDO_record_2.xml")).Single();

        Assert.False(r.IsValid);
        Assert.Null(r.RecordId);
        var xsd = Assert.Single(r.Errors, e => e.Rule == "xsd");
        Assert.Contains("invalid child element 'descriptiveMetadata'", xsd.Message, StringComparison.Ordinal);
        Assert.Contains("'lidoRecID'", xsd.Message, StringComparison.Ordinal);
        Assert.Equal("/lido:lido/lido:descriptiveMetadata[1]", xsd.XPath);
        Assert.Equal((4, 3), (xsd.Line, xsd.Column));
        Assert.Contains(r.Errors, e => e.Rule == "record-id" && e.Severity == LidoSeverity.Error);
        var lang = Assert.Single(r.Errors, e => e.Rule == "language");
        Assert.Contains("'deutsch'", lang.Message, StringComparison.Ordinal);
    }

    [LidoFixtureFact]
    public void ValidateFile_GraphicsRecordThatPassesTheXsd_FlaggedByTheQualityRules()
    {
        var r = LidoTestData.Validator().ValidateFile(StandardsFixtures.AqindaInvalid("graphics_LIDO_record")).Single();

        Assert.DoesNotContain(r.Errors, e => e.Rule == "xsd");
        Assert.False(r.IsValid);
        var byRule = r.Errors.GroupBy(e => e.Rule).ToDictionary(g => g.Key, g => g.ToList());
        // The broken spots marked in the file: an empty title (5.2), a repository without a name (2.2), no rights (5.1-5.3),
        // an identifier typed as a URI that is not one (4.1), an empty term (5.1), a blank place name (5.3), a broken link (8.3).
        Assert.Equal("/lido:lidoWrap/lido:lido[1]/lido:descriptiveMetadata[1]/lido:objectIdentificationWrap[1]/lido:titleWrap[1]/lido:titleSet[2]", Assert.Single(byRule["title"]).XPath);
        Assert.EndsWith("/lido:repositorySet[1]/lido:repositoryName[1]", Assert.Single(byRule["legal-body"]).XPath, StringComparison.Ordinal);
        Assert.Equal(3, byRule["rights-uri"].Count);
        Assert.Contains("'AAT 300041405'", Assert.Single(byRule["uri-identifier"]).Message, StringComparison.Ordinal);
        Assert.Equal(2, byRule["empty-value"].Count);
        Assert.Contains("'ö'", Assert.Single(byRule["link-url"]).Message, StringComparison.Ordinal);
        Assert.All(byRule["title"].Concat(byRule["legal-body"]), e => Assert.Equal(LidoSeverity.Error, e.Severity));

        // Its unbroken original passes every rule.
        var original = Directory.EnumerateFiles(StandardsFixtures.LidoValid, "example_record.xml", SearchOption.AllDirectories).Single();
        var clean = LidoTestData.Validator().ValidateFile(original).Single();
        Assert.True(clean.IsValid);
        Assert.Empty(clean.Errors);
    }

    [LidoFixtureFact]
    public void ValidateFile_GraphicsRecordWithErrorRulesSilenced_IsValidWithWarnings()
    {
        var warnings = new Dictionary<string, LidoSeverity> { ["title"] = LidoSeverity.Warning, ["legal-body"] = LidoSeverity.Warning };
        var r = LidoTestData.Validator(severities: warnings).ValidateFile(StandardsFixtures.AqindaInvalid("graphics_LIDO_record")).Single();
        Assert.True(r.IsValid);
        Assert.Equal(0, r.ErrorCount);

        var onlyTitle = LidoTestData.Validator(rules: ["title"]).ValidateFile(StandardsFixtures.AqindaInvalid("graphics_LIDO_record")).Single();
        Assert.All(onlyTitle.Errors, e => Assert.Equal("title", e.Rule));
    }

    [LidoFixtureFact]
    public void ValidateFile_KenomHarvestLidoWrap_OneResultPerRecordInOrder()
    {
        var file = Directory.EnumerateFiles(StandardsFixtures.LidoValid, "kenom_oai_chunk20.xml", SearchOption.AllDirectories).Single();
        var results = LidoTestData.Validator().ValidateFile(file).ToList();
        Assert.Equal(Enumerable.Range(1, 20), results.Select(r => r.Index));
        Assert.Equal("record_DE-68_kenom_123644", results[0].RecordId);
        Assert.All(results, r => Assert.Equal(file, r.File));
        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Line < p.Second.Line));
    }

    [LidoFixtureFact]
    public void Validate_SchemaErrorOnARecordStartTag_BelongsToThatRecord()
    {
        var bad = LidoTestData.Record("B/2", x => x.Replace("<lido:lido xmlns:lido=\"http://www.lido-schema.org\">", "<lido:lido xmlns:lido=\"http://www.lido-schema.org\" lido:bogus=\"1\">", StringComparison.Ordinal));
        var results = LidoTestData.Validator(LidoVersion.Lido11).ValidateXml(LidoTestData.Wrap(LidoTestData.Record("A/1"), bad)).ToList();
        Assert.Equal(2, results.Count);
        Assert.True(results[0].IsValid, LidoTestData.Describe(results[0]));
        var e = Assert.Single(results[1].Errors);
        Assert.Equal(("xsd", "/lido:lidoWrap/lido:lido[2]"), (e.Rule, e.XPath));
        Assert.Contains("bogus", e.Message, StringComparison.Ordinal);
    }
}
