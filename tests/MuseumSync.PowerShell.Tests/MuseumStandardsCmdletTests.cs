using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Test-LidoRecord, Test-IiifManifest, ConvertTo-IiifManifest and ConvertTo-LidoXml as a user runs them, on the built module.</summary>
public sealed class MuseumStandardsCmdletTests() : SampleApiTests(new SampleApiOptions { RecordCount = 120, DefaultPageSize = 50 })
{
    private static string Fixtures => Path.Combine(TestPaths.SharedDirectory, "fixtures");

    private static string LidoSchema => Path.Combine(Fixtures, "lido", "schema");

    /// <summary>Valid lines of the feed (duplicates included: each arrives as its own record).</summary>
    private int ValidRecords => _api.Collection.Lines.Count - _api.Collection.InvalidLines.Count;

    [SharedFixturesFact]
    public void TestLidoRecord_ValidFixturesByWildcard_OneValidResultPerRecord()
    {
        using var ps = PowerShellSession.Create();
        var valid = Path.Combine(Fixtures, "lido", "valid", "lido-examples");
        var output = ps.Invoke("Test-LidoRecord -Path ([IO.Path]::Combine($args[0], '*.xml')), ([IO.Path]::Combine($args[0], '*', '*.xml')) -SchemaPath $args[1] -Version 1.1", valid, LidoSchema);

        Assert.Empty(ps.Errors);
        Assert.Equal(42, output.Count);
        Assert.All(output, o => Assert.Equal("MuseumSync.Lido.LidoValidationResult", o.BaseObject.GetType().FullName));
        Assert.All(output, o => Assert.True((bool)o.Properties["IsValid"].Value, $"{o.Properties["File"].Value}#{o.Properties["Index"].Value}"));
    }

    [SharedFixturesFact]
    public void TestLidoRecord_InvalidFixtures_ErrorsNameElementLineXPathAndRule()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("""
            param($folder, $schema)
            Test-LidoRecord -LiteralPath ([IO.Path]::Combine($folder, 'DDB_LIDO_record_1.xml')), ([IO.Path]::Combine($folder, 'graphics_LIDO_record')) -SchemaPath $schema
            """, Path.Combine(Fixtures, "lido", "invalid", "lido-examples", "AQinDa_manipulated_records"), LidoSchema);

        Assert.Equal(2, output.Count);
        dynamic ddb = output[0].BaseObject;
        Assert.False((bool)ddb.IsValid);
        dynamic first = ((IEnumerable<object>)ddb.Errors).Cast<dynamic>().First(e => (string)e.Rule == "xsd");
        Assert.Equal(197, (int)first.Line);
        Assert.Contains("'recordType'", (string)first.Message, StringComparison.Ordinal);
        Assert.EndsWith("/lido:recordType[2]", (string)first.XPath, StringComparison.Ordinal);

        dynamic graphics = output[1].BaseObject;
        Assert.False((bool)graphics.IsValid);
        var rules = ((IEnumerable<object>)graphics.Errors).Cast<dynamic>().Select(e => (string)e.Rule).ToList();
        Assert.DoesNotContain("xsd", rules);
        Assert.Contains("title", rules);
        Assert.Contains("legal-body", rules);

        // Silencing the two error rules leaves only warnings: the record counts as valid.
        var relaxed = ps.Invoke("Test-LidoRecord -LiteralPath $args[0] -SchemaPath $args[1] -ExcludeRule title, legal-*",
            Path.Combine(Fixtures, "lido", "invalid", "lido-examples", "AQinDa_manipulated_records", "graphics_LIDO_record"), LidoSchema);
        Assert.True((bool)((dynamic)Assert.Single(relaxed).BaseObject).IsValid);
    }

    [Fact]
    public void TestLidoRecord_XxeDocument_InvalidAndNothingResolved()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("""
            $xml = '<?xml version="1.0"?><!DOCTYPE lido [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]><lido:lido xmlns:lido="http://www.lido-schema.org">&x;</lido:lido>'
            Test-LidoRecord -Xml $xml -SkipSchema
            """);
        dynamic r = Assert.Single(output).BaseObject;
        Assert.False((bool)r.IsValid);
        Assert.Equal("xml-dtd", (string)((IEnumerable<object>)r.Errors).Cast<dynamic>().Single().Rule);
    }

    [Fact]
    public void TestLidoRecord_UnknownRuleOrSeverity_TerminatingErrorListsTheRules()
    {
        using var ps = PowerShellSession.Create();
        var e = StatementTerminatingError(ps, "Test-LidoRecord -Xml '<x/>' -SkipSchema -Rule titel");
        Assert.StartsWith("LidoRuleUnknown", e.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-Rule 'titel' matches no LIDO quality rule", e.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("record-id", e.Exception.Message, StringComparison.Ordinal);
        var bad = StatementTerminatingError(ps, "Test-LidoRecord -Xml '<x/>' -SkipSchema -RuleSeverity @{ title = 'fatal' }");
        Assert.Contains("Use Error or Warning", bad.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestLidoRecord_NoSchemaAnywhere_TerminatingErrorSaysHowToSupplyIt()
    {
        using var ps = PowerShellSession.Create();
        var e = StatementTerminatingError(ps, "Test-LidoRecord -Xml '<x/>' -SchemaPath $args[0]", _dir);
        Assert.Equal("LidoSchemaUnavailable,MuseumSync.PowerShell.Commands.TestLidoRecordCommand", e.FullyQualifiedErrorId);
        Assert.Contains("has no lido-v1.1.xsd", e.Exception.Message, StringComparison.Ordinal);
    }

    /// <summary>A cmdlet's terminating error stops its statement; the script goes on, and the error is in the error stream.</summary>
    internal static ErrorRecord StatementTerminatingError(PowerShellSession ps, string script, params object[] args)
    {
        var before = ps.Errors.Count;
        Assert.Empty(ps.Invoke(script, args));
        return Assert.Single(ps.Errors.Skip(before));
    }

    [SharedFixturesFact]
    public void PolledRecords_ToLidoAndTested_EveryConvertibleRecordPassesTheXsd()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("""
            param($uri, $schema)
            $records = @(Invoke-MuseumPoll -Uri $uri -Source demo -PageSize 50 | Where-Object { $_.IsValid })
            $results = @($records | Test-LidoRecord -SchemaPath $schema -Version 1.1)
            [pscustomobject]@{ Records = $records.Count; Results = $results.Count; Invalid = @($results | Where-Object { -not $_.IsValid }).Count; Ids = @($results | ForEach-Object { $_.RecordId }) }
            """, _api.ObjectsUri, LidoSchema);
        dynamic summary = Assert.Single(output);
        Assert.Equal(ValidRecords, (int)summary.Records);
        Assert.Equal((int)summary.Records, (int)summary.Results);
        Assert.Equal(0, (int)summary.Invalid);
        Assert.Empty(ps.Errors);
    }

    [SharedFixturesFact]
    public void ConvertToLidoXml_OutFileAndWrap_OneLidoWrapThatPassesTheXsd()
    {
        using var ps = PowerShellSession.Create();
        var file = Path.Combine(_dir, "out", "demo-lido.xml");
        var output = ps.Invoke("""
            param($uri, $file, $schema)
            $records = @(Invoke-MuseumPoll -Uri $uri -Source demo -PageSize 50 | Where-Object { $_.IsValid })
            $info = $records | ConvertTo-LidoXml -OutFile $file -WorkType Painting
            $wrap = $records | ConvertTo-LidoXml -Wrap
            $single = $records[0] | ConvertTo-LidoXml
            [pscustomobject]@{
                File = $info
                FromFile = @(Test-LidoRecord -LiteralPath $file -SchemaPath $schema | Where-Object { $_.IsValid }).Count
                FromWrap = @(Test-LidoRecord -Xml $wrap -SchemaPath $schema | Where-Object { $_.IsValid }).Count
                Single = $single
            }
            """, _api.ObjectsUri, file, LidoSchema);
        dynamic r = Assert.Single(output);
        var valid = ValidRecords;
        Assert.Equal(file, ((FileInfo)((PSObject)r.File).BaseObject).FullName);
        Assert.Equal(valid, (int)r.FromFile);
        Assert.Equal(valid, (int)r.FromWrap);
        Assert.Equal(XName.Get("lido", "http://www.lido-schema.org"), XDocument.Parse((string)((PSObject)r.Single).BaseObject).Root!.Name);
        Assert.Equal(valid, XDocument.Load(file).Root!.Elements().Count());
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(file)!, "*.tmp"));
    }

    [SharedFixturesFact]
    public void ConvertToIiifManifest_PolledRecords_EveryManifestPassesTestIiifManifest()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("""
            param($uri)
            $records = @(Invoke-MuseumPoll -Uri $uri -Source demo -PageSize 50)
            $manifests = @($records | ConvertTo-IiifManifest -BaseUri 'https://iiif.example.org/manifests/' -ErrorAction SilentlyContinue -ErrorVariable refused)
            $results = @($manifests | Test-IiifManifest)
            [pscustomobject]@{ Manifests = $manifests; Results = $results; Refused = @($refused | ForEach-Object { $_.FullyQualifiedErrorId }) }
            """, _api.ObjectsUri);
        dynamic r = Assert.Single(output);
        var manifests = ((object[])r.Manifests).Cast<PSObject>().ToList();
        var results = ((object[])r.Results).Cast<PSObject>().ToList();
        Assert.Equal(ValidRecords, manifests.Count);
        Assert.Equal(manifests.Count, results.Count);
        Assert.All(manifests, m => Assert.Equal("MuseumSync.Iiif.IiifManifestDocument", m.BaseObject.GetType().FullName));
        Assert.All(results, x => Assert.True((bool)x.Properties["IsValid"].Value, string.Join(" | ", (IEnumerable<object>)x.Properties["Errors"].Value)));
        Assert.All(manifests, m => Assert.True((bool)m.Properties["HasImageService"].Value));
        // The invalid lines of the feed became records marked invalid: each is a non-terminating error, not a manifest.
        var refused = ((object[])r.Refused).Select(x => x.ToString()!).ToList();
        Assert.Equal(_api.Collection.InvalidLines.Count, refused.Count);
        Assert.All(refused, id => Assert.StartsWith("IiifManifestNotPossible", id, StringComparison.Ordinal));
    }

    [SharedFixturesFact]
    public void TestIiifManifest_Fixtures_ThirtyValidThirteenInvalidWithOneLineErrors()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("""
            param($iiif)
            $valid = @(Test-IiifManifest -Path "$iiif/valid/*/*.json", "$iiif/valid/*/*/*.json")
            $invalid = @(Test-IiifManifest -Path "$iiif/invalid/*/*.json", "$iiif/invalid/*/*/*.json")
            $v2 = Test-IiifManifest -LiteralPath "$iiif/invalid/presentation-validator/v2.1-fixture-1/manifest.json"
            [pscustomobject]@{ Valid = $valid; Invalid = $invalid; V2 = $v2 }
            """, Path.Combine(Fixtures, "iiif"));
        dynamic r = Assert.Single(output);
        var valid = ((object[])r.Valid).Cast<PSObject>().ToList();
        var invalid = ((object[])r.Invalid).Cast<PSObject>().ToList();
        Assert.Equal(30, valid.Count);
        Assert.All(valid, v => Assert.True((bool)v.Properties["IsValid"].Value));
        Assert.Equal(13, invalid.Count);
        Assert.All(invalid, v => Assert.False((bool)v.Properties["IsValid"].Value));
        dynamic v2 = ((PSObject)r.V2).BaseObject;
        Assert.Contains("IIIF Presentation 2 document", (string)((IEnumerable<object>)v2.Errors).Cast<dynamic>().Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestIiifManifest_JsonFromPipelineAndUnreachableUri_ResultAndNonTerminatingError()
    {
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("""
            '{"@context":"http://iiif.io/api/presentation/3/context.json","id":"https://x.org/m","type":"Manifest","label":"plain"}' | Test-IiifManifest
            Test-IiifManifest -Uri 'http://127.0.0.1:9/manifest.json' -TimeoutSec 5
            """);
        dynamic r = Assert.Single(output).BaseObject;
        Assert.False((bool)r.IsValid);
        var paths = ((IEnumerable<object>)r.Errors).Cast<dynamic>().Select(e => (string)e.Path).ToList();
        Assert.Contains("$.label", paths);
        Assert.Contains("IiifFetchFailed", Assert.Single(ps.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [SharedFixturesFact]
    public async Task TestIiifManifest_Uri_FetchesAndValidatesEachDocument()
    {
        var iiif = Path.Combine(Fixtures, "iiif");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapGet("/valid.json", () => Results.File(Path.Combine(iiif, "valid", "presentation-validator", "full_example.json"), "application/ld+json"));
        app.MapGet("/v2.json", () => Results.File(Path.Combine(iiif, "invalid", "presentation-validator", "v2.1-fixture-1", "manifest.json"), "application/json"));
        await app.StartAsync();
        var root = app.Urls.Single().TrimEnd('/');

        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("Test-IiifManifest -Uri $args[0], $args[1], $args[2]", $"{root}/valid.json", $"{root}/v2.json", $"{root}/missing.json");

        Assert.Equal(2, output.Count);
        dynamic valid = output[0].BaseObject;
        Assert.True((bool)valid.IsValid);
        Assert.Equal($"{root}/valid.json", (string)valid.Source);
        dynamic v2 = output[1].BaseObject;
        Assert.Equal("2.x", (string)v2.Version);
        var error = Assert.Single(ps.Errors);
        Assert.StartsWith("IiifFetchFailed", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("404", error.Exception.Message, StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public void FormatFile_LoadsAndHasAViewForEveryStandardsOutputType()
    {
        var file = Path.Combine(TestPaths.ModuleDirectory, "MuseumSync.Format.ps1xml");
        _ = new FormatTable([file]); // throws FormatTableLoadException when a view is malformed
        var types = XDocument.Load(file).Descendants("TypeName").Select(t => t.Value).ToHashSet();
        foreach (var type in new[]
        {
            "MuseumSync.Lido.LidoValidationResult", "MuseumSync.Lido.LidoIssue", "MuseumSync.Iiif.IiifValidationResult", "MuseumSync.Iiif.IiifIssue",
            "MuseumSync.Iiif.IiifManifestDocument", "MuseumSync.Compliance.ComplianceDecision", "MuseumSync.Compliance.RightsRule",
        })
        {
            Assert.Contains(type, types);
        }
    }
}

/// <summary>A fact that skips, saying why, when the shared LIDO/IIIF fixtures are not next to the repository.</summary>
public sealed class SharedFixturesFactAttribute : FactAttribute
{
    public SharedFixturesFactAttribute()
    {
        var fixtures = Path.Combine(TestPaths.SharedDirectory, "fixtures");
        if (!Directory.Exists(Path.Combine(fixtures, "lido", "schema")) || !Directory.Exists(Path.Combine(fixtures, "iiif", "valid")))
        {
            Skip = $"The shared LIDO/IIIF fixtures are not in {fixtures} (<repo root>/../shared/fixtures).";
        }
    }
}
