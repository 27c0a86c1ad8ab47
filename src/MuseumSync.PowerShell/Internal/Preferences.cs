using System.Management.Automation;

namespace MuseumSync.PowerShell.Internal;

/// <summary>The common-parameter preferences a cmdlet needs to know before it starts async work (which cannot ask later).</summary>
internal static class Preferences
{
    /// <summary>True when -Verbose is in force (the parameter, or $VerbosePreference), so the async core should build its verbose lines at all.</summary>
    public static bool IsVerbose(PSCmdlet cmdlet) =>
        cmdlet.MyInvocation.BoundParameters.TryGetValue("Verbose", out var v) ? v is SwitchParameter s ? s.IsPresent : v is true
        : cmdlet.GetVariableValue("VerbosePreference") is ActionPreference p && p != ActionPreference.SilentlyContinue;
}
