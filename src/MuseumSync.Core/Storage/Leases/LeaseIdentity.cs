using System.ComponentModel;
using System.Diagnostics;

namespace MuseumSync.Storage.Leases;

/// <summary>Who a worker is: a fresh holder id per run, the host, the process id and its start time.</summary>
/// <param name="HolderId">Unique per worker run.</param>
/// <param name="Host">The machine name.</param>
/// <param name="ProcessId">The process id.</param>
/// <param name="ProcessStarted">When the process started (UTC), so a reused pid is not mistaken for the holder.</param>
public sealed record LeaseIdentity(string HolderId, string Host, int ProcessId, DateTimeOffset? ProcessStarted)
{
    private static readonly Lazy<DateTimeOffset?> s_started = new(() => StartTimeOf(Process.GetCurrentProcess()));

    /// <summary>A new identity for this process.</summary>
    public static LeaseIdentity Create() =>
        new(Guid.NewGuid().ToString("N"), Environment.MachineName, Environment.ProcessId, s_started.Value);

    /// <summary>
    /// True unless <paramref name="holder"/> certainly ran on this host in a process that is gone (no such pid, a zombie
    /// that was killed but not reaped yet, or the pid now belongs to a process started at another time). Another host's holder is always presumed alive until its lease expires.
    /// </summary>
    public static bool MayBeAlive(SyncLeaseHolder holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        if (!string.Equals(holder.Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return true;
        if (holder.ProcessId == Environment.ProcessId) return true; // this process: another runspace of ours
        Process p;
        try
        {
            p = Process.GetProcessById(holder.ProcessId);
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        using (p)
        {
            // Killed but not reaped yet: it keeps its pid and start time, yet will never renew the lease.
            if (ProcessState.IsZombie(holder.ProcessId)) return false;
            if (holder.ProcessStarted is not { } started) return true;
            var now = StartTimeOf(p);
            return now is null || (now.Value - started).Duration() < TimeSpan.FromSeconds(2);
        }
    }

    private static DateTimeOffset? StartTimeOf(Process p)
    {
        try
        {
            return new DateTimeOffset(p.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
