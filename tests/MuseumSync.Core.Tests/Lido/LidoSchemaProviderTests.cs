using MuseumSync.Lido;

namespace MuseumSync.Core.Tests.Lido;

public sealed class LidoSchemaProviderTests
{
    [LidoFixtureFact]
    public async Task Get_EmptyCache_DownloadsTheSchemaAndItsImportsOnceThenWorksOffline()
    {
        await using var server = await LocalHttpServer.ServeFolderAsync(StandardsFixtures.LidoSchema, "/schema/v1.1/");
        var cache = TestPaths.TempDirectory();
        var options = new LidoSchemaOptions { CacheDirectory = cache, DownloadBaseUri = new Uri(server.BaseUri, "schema/") };

        var entry = LidoSchemaProvider.LocateEntry(LidoVersion.Lido11, options);

        Assert.Equal(Path.Combine(cache, "mirror", $"127.0.0.1_{server.BaseUri.Port}", "schema", "v1.1", "lido-v1.1.xsd"), entry);
        Assert.Contains("/schema/v1.1/lido-v1.1.xsd", server.Paths);
        Assert.Contains("/schema/v1.1/gml/gml.xsd", server.Paths);
        Assert.Contains("/schema/v1.1/xlink.xsd", server.Paths);
        Assert.Contains("/schema/v1.1/smil/smil20.xsd", server.Paths);
        Assert.Equal(server.Paths.Distinct().Count(), server.Paths.Count); // each file fetched once
        Assert.True(File.Exists(Path.Combine(cache, "lido-v1.1.entry")));
        Assert.Empty(Directory.EnumerateFiles(cache, "*.tmp", SearchOption.AllDirectories));

        // Offline from now on: the cache alone compiles and validates.
        var requests = server.Paths.Count;
        var offline = new LidoSchemaOptions { CacheDirectory = cache, DownloadBaseUri = new Uri("http://127.0.0.1:9/"), AllowDownload = false };
        var validator = new LidoValidator(new LidoValidationOptions { Version = LidoVersion.Lido11, Schema = offline });
        Assert.True(validator.ValidateXml(LidoTestData.Record()).Single().IsValid);
        Assert.Equal(requests, server.Paths.Count);
    }

    [Fact]
    public void Get_NoCacheAndNoNetwork_ErrorSaysHowToSupplyTheSchema()
    {
        var cache = TestPaths.TempDirectory();
        // Port 9 (discard) on the loopback interface: nothing listens, the connection is refused at once.
        var options = new LidoSchemaOptions { CacheDirectory = cache, DownloadBaseUri = new Uri("http://127.0.0.1:9/schema/"), DownloadTimeout = TimeSpan.FromSeconds(10) };

        var ex = Assert.Throws<LidoSchemaUnavailableException>(() => LidoSchemaProvider.Get(LidoVersion.Lido11, options));

        Assert.Equal("LidoSchemaUnavailable", ex.ErrorId);
        Assert.Contains($"The LIDO 1.1 schema is not in the cache '{cache}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("could not be downloaded from http://127.0.0.1:9/schema/v1.1/lido-v1.1.xsd", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-SchemaPath", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(cache, "v1.1"), ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cache, "lido-v1.1.entry")));
    }

    [Fact]
    public void Get_DownloadTurnedOff_ErrorSaysHowToSupplyTheSchema()
    {
        var options = new LidoSchemaOptions { CacheDirectory = TestPaths.TempDirectory(), AllowDownload = false };
        var ex = Assert.Throws<LidoSchemaUnavailableException>(() => LidoSchemaProvider.Get(LidoVersion.Lido10, options));
        Assert.Contains("LIDO 1.0 schema is not in the cache", ex.Message, StringComparison.Ordinal);
        Assert.Contains("downloading is turned off", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lido-v1.0.xsd", ex.Message, StringComparison.Ordinal);
    }

    [LidoFixtureFact]
    public async Task Get_ServerAnswers404_ErrorNamesTheStatusAndNothingIsCached()
    {
        await using var server = await LocalHttpServer.ServeFolderAsync(StandardsFixtures.LidoSchema, "/elsewhere/");
        var cache = TestPaths.TempDirectory();
        var options = new LidoSchemaOptions { CacheDirectory = cache, DownloadBaseUri = server.BaseUri };

        var ex = Assert.Throws<LidoSchemaUnavailableException>(() => LidoSchemaProvider.Get(LidoVersion.Lido11, options));

        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cache, "lido-v1.1.entry")));
    }

    [Fact]
    public void Get_SchemaPathWithoutTheXsd_ErrorNamesTheFolderAndTheFile()
    {
        var folder = TestPaths.TempDirectory();
        var ex = Assert.Throws<LidoSchemaUnavailableException>(() => LidoSchemaProvider.Get(LidoVersion.Lido11, new LidoSchemaOptions { SchemaPath = folder }));
        Assert.Contains($"The schema folder '{folder}' has no lido-v1.1.xsd", ex.Message, StringComparison.Ordinal);
    }

    [LidoFixtureFact]
    public void Get_SchemaFolderCopiedIntoTheCache_UsedWithoutDownloading()
    {
        var cache = TestPaths.TempDirectory();
        CopyFolder(StandardsFixtures.LidoSchema, Path.Combine(cache, "v1.1"));
        var options = new LidoSchemaOptions { CacheDirectory = cache, AllowDownload = false };
        Assert.Equal(Path.Combine(cache, "v1.1", "lido-v1.1.xsd"), LidoSchemaProvider.LocateEntry(LidoVersion.Lido11, options));
        Assert.True(LidoSchemaProvider.Get(LidoVersion.Lido11, options).IsCompiled);
    }

    [LidoFixtureFact]
    public void Get_SchemaImportOutsideItsFolder_NotRead()
    {
        var folder = TestPaths.TempDirectory();
        var outside = Path.Combine(TestPaths.TempDirectory(), "outside.xsd");
        File.WriteAllText(outside, "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:x'/>");
        File.WriteAllText(Path.Combine(folder, "lido-v1.1.xsd"),
            $"<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='http://www.lido-schema.org'><xs:import namespace='urn:x' schemaLocation='{new Uri(outside).AbsoluteUri}'/></xs:schema>");
        // An unresolvable import is a warning to XmlSchemaSet: the schema compiles without it, and the file is never read.
        var set = LidoSchemaProvider.Get(LidoVersion.Lido11, new LidoSchemaOptions { SchemaPath = folder, CacheDirectory = TestPaths.TempDirectory() });
        Assert.False(set.Contains("urn:x"));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
