namespace MuseumSync.Host.Tests;

public sealed class ModuleLocatorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msh-locator-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Locate_ExplicitRelativePathExists_ReturnsFullPath()
    {
        string manifest = Touch(Path.Combine(_root, "m", "X.psd1"));

        ModuleLocation location = ModuleLocator.Locate(Path.Combine("m", "X.psd1"), environmentPath: "/ignored", [], _root);

        Assert.True(location.IsFound);
        Assert.Equal(manifest, location.Path);
    }

    [Fact]
    public void Locate_ExplicitPathMissing_ReturnsNotFoundWithFix()
    {
        ModuleLocation location = ModuleLocator.Locate(Path.Combine(_root, "nope.psd1"), null, [], _root);

        Assert.False(location.IsFound);
        Assert.Contains(Path.Combine(_root, "nope.psd1"), location.Description, StringComparison.Ordinal);
        Assert.Contains("dotnet build -c Release", location.Description, StringComparison.Ordinal);
        Assert.Contains("--module", location.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_EnvironmentPathWithoutExplicit_UsesEnvironment()
    {
        string manifest = Touch(Path.Combine(_root, "env", "MuseumSync.psd1"));

        ModuleLocation location = ModuleLocator.Locate(null, manifest, [], _root);

        Assert.Equal(manifest, location.Path);
    }

    [Fact]
    public void Locate_ManifestInAncestor_FoundBySearch()
    {
        string manifest = Touch(Path.Combine(_root, ModuleLocator.RelativeManifestPath));
        string deep = Directory.CreateDirectory(Path.Combine(_root, "src", "a", "bin")).FullName;

        ModuleLocation location = ModuleLocator.Locate(null, null, [deep], _root);

        Assert.Equal(manifest, location.Path);
    }

    [Fact]
    public void Locate_NothingFound_ListsSearchedPathsAndFix()
    {
        string deep = Directory.CreateDirectory(Path.Combine(_root, "a", "b")).FullName;

        ModuleLocation location = ModuleLocator.Locate(null, "  ", [deep, deep], _root);

        Assert.False(location.IsFound);
        Assert.Contains(Path.Combine(deep, ModuleLocator.RelativeManifestPath), location.Description, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, ModuleLocator.RelativeManifestPath), location.Description, StringComparison.Ordinal);
        Assert.Contains("dotnet build -c Release", location.Description, StringComparison.Ordinal);
    }

    private static string Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "@{}");
        return path;
    }
}
