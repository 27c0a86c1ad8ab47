using System.Management.Automation.Runspaces;

namespace MuseumSync.PowerShell.Internal;

/// <summary>The scope <see cref="Polling.LivePolls"/> keys a poll by: the runspace the cmdlet runs in (one pipeline at a time).</summary>
internal static class LivePollScope
{
    /// <summary>The current runspace's id (called on the pipeline thread).</summary>
    public static Guid Current => Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;
}
