using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using MuseumSync.Lido;

namespace MuseumSync.Core.Tests.Lido;

/// <summary>Documents written to attack the validator: external entities, entity expansion, documents that name URLs.</summary>
public sealed class LidoHostileDocumentTests
{
    private static LidoValidator Validator() => new(new LidoValidationOptions { ValidateSchema = false, Schema = new LidoSchemaOptions { AllowDownload = false } });

    [Fact]
    public void Validate_XxeReadingALocalFile_InvalidAndNothingResolved()
    {
        var secret = Path.Combine(TestPaths.TempDirectory(), "secret.txt");
        File.WriteAllText(secret, "TOP-SECRET-VALUE");
        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE lido:lido [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
            <lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID lido:type="local">&xxe;</lido:lidoRecID></lido:lido>
            """;

        var r = Validator().ValidateXml(xml, "xxe.xml").Single();

        Assert.False(r.IsValid);
        var e = Assert.Single(r.Errors);
        Assert.Equal("xml-dtd", e.Rule);
        Assert.Equal("/", e.XPath); // .NET reports no line for a prohibited DTD; it is always in the prolog
        Assert.Contains("remove the DOCTYPE", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TOP-SECRET", e.Message + r.RecordId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_XxeAndExternalDtdPointingAtAServer_NoRequestIsMade()
    {
        await using var server = await LocalHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("<!ENTITY x 'pwned'>"));
        var documents = new[]
        {
            $"""<?xml version="1.0"?><!DOCTYPE r [ <!ENTITY e SYSTEM "{server.BaseUri}entity"> ]><lido:lido xmlns:lido="http://www.lido-schema.org">&e;</lido:lido>""",
            $"""<?xml version="1.0"?><!DOCTYPE lido:lido SYSTEM "{server.BaseUri}external.dtd"><lido:lido xmlns:lido="http://www.lido-schema.org"/>""",
            $"""<?xml version="1.0"?><!DOCTYPE r [ <!ENTITY % p SYSTEM "{server.BaseUri}param"> %p; ]><lido:lido xmlns:lido="http://www.lido-schema.org"/>""",
        };
        foreach (var xml in documents)
        {
            var r = Validator().ValidateXml(xml).Single();
            Assert.False(r.IsValid);
            Assert.Equal("xml-dtd", Assert.Single(r.Errors).Rule);
        }
        Assert.Empty(server.Paths);
    }

    [LidoFixtureFact]
    public async Task Validate_SchemaLocationAndXIncludePointingAtAServer_NoRequestIsMade()
    {
        await using var server = await LocalHttpServer.StartAsync(ctx => ctx.Response.WriteAsync("<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'/>"));
        var xml = LidoTestData.Record(replace: x => x
            .Replace("<lido:lido xmlns:lido=\"http://www.lido-schema.org\">",
                $"<lido:lido xmlns:lido=\"http://www.lido-schema.org\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xi=\"http://www.w3.org/2001/XInclude\" xsi:schemaLocation=\"http://www.lido-schema.org {server.BaseUri}evil.xsd\"><xi:include href=\"{server.BaseUri}include.xml\"/>", StringComparison.Ordinal));

        var r = LidoTestData.Validator(LidoVersion.Lido11).ValidateXml(xml).Single();

        Assert.Empty(server.Paths);
        // The XInclude element is simply not LIDO: the schema rejects it, nothing is included.
        Assert.Contains(r.Errors, e => e.Rule == "xsd" && e.Message.Contains("include", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Validate_BillionLaughs_InvalidPromptlyWithBoundedMemory()
    {
        var entities = string.Join("\n", Enumerable.Range(1, 9).Select(i => $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">"));
        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
            <!ENTITY lol0 "lol">
            {entities}
            ]>
            <lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID lido:type="local">&lol9;</lido:lidoRecID></lido:lido>
            """;
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var r = Validator().ValidateXml(xml).Single();

        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.False(r.IsValid);
        Assert.Equal("xml-dtd", Assert.Single(r.Errors).Rule);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.True(allocated < 8 * 1024 * 1024, $"allocated {allocated:N0} bytes"); // 10^9 'lol's would be gigabytes
    }

    [Fact]
    public void Validate_NotWellFormedMidRecord_EarlierRecordsKeptAndTheBrokenOneReported()
    {
        var xml = LidoTestData.Wrap(LidoTestData.Record("A/1"), LidoTestData.Record("A/2"));
        xml = xml[..xml.LastIndexOf("<lido:recordWrap>", StringComparison.Ordinal)] + "<lido:recordWrap><unclosed></lido:recordWrap>";

        var results = Validator().ValidateXml(xml, "broken.xml").ToList();

        Assert.Equal(2, results.Count);
        Assert.True(results[0].IsValid, LidoTestData.Describe(results[0]));
        Assert.Equal("A/2", results[1].RecordId);
        var e = Assert.Single(results[1].Errors);
        Assert.Equal("xml", e.Rule);
        Assert.Contains("not well-formed", e.Message, StringComparison.Ordinal);
        Assert.True(e.Line > 1);
    }

    [Fact]
    public void Validate_NotLidoAtAll_OneDocumentLevelResult()
    {
        var r = Validator().ValidateXml("<catalogue><item/></catalogue>", "other.xml").Single();
        Assert.False(r.IsValid);
        Assert.Equal(0, r.Index);
        Assert.Contains("holds no lido:lido record", Assert.Single(r.Errors).Message, StringComparison.Ordinal);

        var empty = Validator().ValidateXml(string.Empty, "empty.xml").Single();
        Assert.False(empty.IsValid);
    }
}
