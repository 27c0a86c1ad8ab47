using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// The module's own load context: MuseumSync.Core and its dependencies (Polly, SqlClient, Sqlite, Npgsql, …) load here,
/// from the module's <c>dependencies</c> folder, so a session that already loaded other versions of them (dbatools and
/// the SqlServer module bring their own SqlClient) does not matter. Platform-specific assemblies and native libraries
/// come from <c>runtimes/&lt;rid&gt;/…</c>, most specific RID first; an assembly with a ReadyToRun image for the running
/// .NET version, OS and architecture comes from <c>readytorun/net&lt;major&gt;.0/&lt;rid&gt;/</c>.
/// The one exception is <see cref="SharedAssemblyName"/>: the types users name in scripts load in the default context,
/// where PowerShell resolves type literals, and this context leaves them there so both sides use one copy.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    /// <summary>The assembly of the types the cmdlets write and take (records, summaries, results, exceptions).</summary>
    internal const string SharedAssemblyName = "MuseumSync.Types";

    private readonly string _dependencyDir;
    private readonly string[] _rids;

    public ModuleLoadContext(string dependencyDir)
        : base("MuseumSync", isCollectible: false)
    {
        _dependencyDir = dependencyDir;
        _rids = RidFallbacks();
    }

    public string DependencyDirectory => _dependencyDir;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // null defers to the default context, which holds the shared types (ModuleInitializer loads them there): a
        // second copy here would make Core's SyncSummary a different type from the [MuseumSync.SyncSummary] of scripts.
        if (string.Equals(assemblyName.Name, SharedAssemblyName, StringComparison.Ordinal)) return null;
        var path = FindManaged(assemblyName.Name);
        if (path is null) return null; // not ours: the framework or PowerShell supplies it
        if (IsProvidedByFramework(assemblyName, path)) return null;
        return LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var rid in _rids)
        {
            var dir = Path.Combine(_dependencyDir, "runtimes", rid, "native");
            if (!Directory.Exists(dir)) continue;
            foreach (var candidate in NativeNames(unmanagedDllName))
            {
                var p = Path.Combine(dir, candidate);
                if (File.Exists(p)) return LoadUnmanagedDllFromPath(p);
            }
        }
        return IntPtr.Zero;
    }

    internal string? FindManaged(string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        var file = name + ".dll";
        var image = FindReadyToRun(name);
        if (image is not null) return image;
        foreach (var rid in _rids)
        {
            var p = Path.Combine(_dependencyDir, "runtimes", rid, "lib", "net8.0", file);
            if (File.Exists(p)) return p;
        }
        var plain = Path.Combine(_dependencyDir, file);
        return File.Exists(plain) ? plain : null;
    }

    /// <summary>
    /// The ReadyToRun image of an assembly for the running .NET version, OS and architecture
    /// (<c>readytorun/net&lt;major&gt;.0/&lt;rid&gt;/</c>, which the Release build fills), or null. Only that folder is looked
    /// in: the runtime refuses an image compiled for another OS or architecture instead of running its IL, and ignores
    /// one whose format it no longer reads, so the portable IL copy serves every other platform.
    /// </summary>
    internal string? FindReadyToRun(string name)
    {
        var framework = Path.Combine(_dependencyDir, "readytorun", "net" + Environment.Version.Major.ToString(CultureInfo.InvariantCulture) + ".0");
        if (!Directory.Exists(framework)) return null;
        foreach (var rid in _rids)
        {
            var p = Path.Combine(framework, rid, name + ".dll");
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>
    /// A package may carry a copy of an assembly that the running .NET already has in a newer version
    /// (System.Diagnostics.DiagnosticSource and friends); the framework's copy wins then.
    /// </summary>
    private static bool IsProvidedByFramework(AssemblyName name, string path)
    {
        if (name.Name is null || !(name.Name.StartsWith("System.", StringComparison.Ordinal) || name.Name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || name.Name.StartsWith("Microsoft.Bcl.", StringComparison.Ordinal)))
        {
            return false;
        }
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string;
        if (tpa is null) return false;
        foreach (var entry in tpa.Split(Path.PathSeparator))
        {
            if (!string.Equals(Path.GetFileNameWithoutExtension(entry), name.Name, StringComparison.OrdinalIgnoreCase)) continue;
            try
            {
                var frameworkVersion = AssemblyName.GetAssemblyName(entry).Version;
                var ourVersion = AssemblyName.GetAssemblyName(path).Version;
                return frameworkVersion >= ourVersion;
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }
        return false;
    }

    private static IEnumerable<string> NativeNames(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows())
        {
            yield return name + ".dll";
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return "lib" + name + ".dylib";
            yield return name + ".dylib";
        }
        else
        {
            yield return "lib" + name + ".so";
            yield return name + ".so";
        }
    }

    private static string[] RidFallbacks()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            _ => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        };
        if (OperatingSystem.IsWindows()) return [$"win-{arch}", "win"];
        if (OperatingSystem.IsMacOS()) return [$"osx-{arch}", "osx", "unix"];
        var musl = File.Exists("/etc/alpine-release");
        return musl ? [$"linux-musl-{arch}", $"linux-{arch}", "linux", "unix"] : [$"linux-{arch}", "linux", "unix"];
    }
}
