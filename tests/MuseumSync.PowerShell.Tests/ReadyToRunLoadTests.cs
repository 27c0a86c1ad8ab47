using System.Reflection;
using System.Runtime.InteropServices;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// The module's load context takes a ReadyToRun image only from the folder of the running .NET version, OS and
/// architecture (the runtime refuses an image made for another OS or architecture, and ignores an older format), and
/// the portable IL copy otherwise.
/// </summary>
public sealed class ReadyToRunLoadTests
{
    private static readonly string s_rid = (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
    private static readonly string s_framework = $"net{Environment.Version.Major}.0";

    // The module's internal load context, from the built module's MuseumSync.dll (this project does not reference it).
    private sealed class Context(string dependencyDir)
    {
        private static readonly Type s_type = Assembly.LoadFrom(Path.Combine(TestPaths.ModuleDirectory, "MuseumSync.dll"))
            .GetType("MuseumSync.PowerShell.Internal.ModuleLoadContext", throwOnError: true)!;

        private readonly object _context = Activator.CreateInstance(s_type, dependencyDir)!;

        public string? FindManaged(string name) => (string?)Call(nameof(FindManaged), name);

        public string? FindReadyToRun(string name) => (string?)Call(nameof(FindReadyToRun), name);

        private object? Call(string method, string name) =>
            s_type.GetMethod(method, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!.Invoke(_context, [name]);
    }

    private static string Touch(params string[] parts)
    {
        var path = Path.Combine(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    [Fact]
    public void FindManaged_ImageForThisRuntimeAndRid_IsTakenBeforeTheIlCopy()
    {
        var deps = TestPaths.TempDirectory();
        Touch(deps, "Polly.Core.dll");
        var image = Touch(deps, "readytorun", s_framework, s_rid, "Polly.Core.dll");
        var context = new Context(deps);

        Assert.Equal(image, context.FindManaged("Polly.Core"));
        Assert.Equal(image, context.FindReadyToRun("Polly.Core"));
    }

    [Fact]
    public void FindManaged_ImagesOnlyForOtherRidsOrRuntimes_TakesTheIlCopy()
    {
        var deps = TestPaths.TempDirectory();
        var il = Touch(deps, "Polly.Core.dll");
        var foreignRid = s_rid.StartsWith("win", StringComparison.Ordinal) ? "linux-x64" : "win-x64";
        Touch(deps, "readytorun", s_framework, foreignRid, "Polly.Core.dll");
        var otherArchitecture = s_rid.EndsWith("-x64", StringComparison.Ordinal) ? s_rid[..^3] + "arm64" : s_rid[..s_rid.IndexOf('-', StringComparison.Ordinal)] + "-x64";
        Touch(deps, "readytorun", s_framework, otherArchitecture, "Polly.Core.dll");
        Touch(deps, "readytorun", "net6.0", s_rid, "Polly.Core.dll");
        var context = new Context(deps);

        Assert.Equal(il, context.FindManaged("Polly.Core"));
        Assert.Null(context.FindReadyToRun("Polly.Core"));
    }

    [Fact]
    public void FindManaged_ImageFolderWithoutThatAssembly_TakesTheIlCopy()
    {
        var deps = TestPaths.TempDirectory();
        var il = Touch(deps, "Npgsql.dll");
        Touch(deps, "readytorun", s_framework, s_rid, "Polly.Core.dll");
        var context = new Context(deps);

        Assert.Equal(il, context.FindManaged("Npgsql"));
    }
}
