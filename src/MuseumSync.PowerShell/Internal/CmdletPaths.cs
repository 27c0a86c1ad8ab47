using System.Management.Automation;

namespace MuseumSync.PowerShell.Internal;

internal static class CmdletPaths
{
    /// <summary>Resolves a path against PowerShell's current location (not the process's), so <c>./museum.db</c> means what the user sees.</summary>
    public static string Resolve(PSCmdlet cmdlet, string path) => cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}
