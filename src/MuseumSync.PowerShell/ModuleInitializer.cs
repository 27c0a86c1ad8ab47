using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell;

/// <summary>
/// Runs when the module is imported: sends MuseumSync.Core (and through it every dependency) to the module's own
/// load context, and loads the shared types (MuseumSync.Types, beside MuseumSync.dll) into the default context, where
/// PowerShell finds <c>[MuseumSync.SyncSummary]</c> and the other type names scripts use. Only MuseumSync's own
/// assemblies are answered for; anything else is left to PowerShell.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string s_moduleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

    private static readonly Lazy<ModuleLoadContext> s_context = new(() => new ModuleLoadContext(Path.Combine(s_moduleDirectory, "dependencies")));

    internal static ModuleLoadContext Context => s_context.Value;

    /// <summary>Hooks the default context's resolver and loads the shared types.</summary>
    public void OnImport()
    {
        Register();
        // Now rather than when a cmdlet first needs them: a script may name [MuseumSync.AccessTier] before it runs one.
        AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(ModuleLoadContext.SharedAssemblyName));
    }

    /// <summary>Unhooks it when the module is removed.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= Resolve;

    internal static void Register()
    {
        AssemblyLoadContext.Default.Resolving -= Resolve;
        AssemblyLoadContext.Default.Resolving += Resolve;
    }

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (string.Equals(name.Name, ModuleLoadContext.SharedAssemblyName, StringComparison.Ordinal))
        {
            // Its ReadyToRun image for this OS and architecture when the build made one (a copy of the same assembly).
            var path = Context.FindReadyToRun(ModuleLoadContext.SharedAssemblyName) ?? Path.Combine(s_moduleDirectory, ModuleLoadContext.SharedAssemblyName + ".dll");
            return defaultContext.LoadFromAssemblyPath(path);
        }
        // MuseumSync.Jobs (the Hangfire glue) loads beside the core, with Hangfire, in the module's context.
        if (!string.Equals(name.Name, "MuseumSync.Core", StringComparison.Ordinal) && !string.Equals(name.Name, "MuseumSync.Jobs", StringComparison.Ordinal)) return null;
        return Context.LoadFromAssemblyName(name);
    }
}
