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

    /// <summary>
    /// The file a module folder's load context takes an assembly from: its ReadyToRun image for this .NET version, OS
    /// and architecture when the build made one (Release), otherwise the IL copy in dependencies/.
    /// </summary>
    public static string ModuleAssembly(string moduleDirectory, string name)
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var rid = os + "-" + System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var image = Path.Combine(moduleDirectory, "dependencies", "readytorun", $"net{Environment.Version.Major}.0", rid, name + ".dll");
        return File.Exists(image) ? image : Path.Combine(moduleDirectory, "dependencies", name + ".dll");
    }

    public static string TempDirectory()
    {
        var d = Path.Combine(Path.GetTempPath(), "museumsync-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
