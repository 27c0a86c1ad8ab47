namespace MuseumSync.PowerShell.Tests;

internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ModuleDirectory => Path.Combine(RepoRoot, "out", "MuseumSync");

    public static string ModuleManifest => Path.Combine(ModuleDirectory, "MuseumSync.psd1");

    public static string SharedDirectory => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MuseumSync.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException($"MuseumSync.sln not found above {AppContext.BaseDirectory}.");
    }

    public static string TempDirectory()
    {
        var d = Path.Combine(Path.GetTempPath(), "museumsync-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
