namespace MuseumSync.Core.Tests;

internal static class TestPaths
{
    private static readonly Lazy<string?> s_repoRoot = new(FindRepoRoot);

    /// <summary>The folder holding MuseumSync.sln above the test binaries; null when it cannot be found.</summary>
    public static string? RepoRoot => s_repoRoot.Value;

    /// <summary>&lt;repo root&gt;/../shared, or null when it is absent.</summary>
    public static string? SharedDirectory
    {
        get
        {
            if (RepoRoot is null) return null;
            var d = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            return Directory.Exists(d) ? d : null;
        }
    }

    public static string TempDirectory()
    {
        var d = Path.Combine(Path.GetTempPath(), "museumsync-core-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }

    private static string? FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MuseumSync.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName;
    }
}
