using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell;

/// <summary>
/// Runs when the module is imported: sends MuseumSync.Core (and through it every dependency) to the module's own
/// load context. Only MuseumSync's own assemblies are answered for; anything else is left to PowerShell.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly Lazy<ModuleLoadContext> s_context = new(() =>
        new ModuleLoadContext(Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies")));

    internal static ModuleLoadContext Context => s_context.Value;

    /// <summary>Hooks the default context's resolver.</summary>
    public void OnImport() => Register();

    /// <summary>Unhooks it when the module is removed.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= Resolve;

    internal static void Register()
    {
        AssemblyLoadContext.Default.Resolving -= Resolve;
        AssemblyLoadContext.Default.Resolving += Resolve;
    }

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (!string.Equals(name.Name, "MuseumSync.Core", StringComparison.Ordinal)) return null;
        return Context.LoadFromAssemblyName(name);
    }
}
