using System.Globalization;

namespace MuseumSync.Storage.Leases;

/// <summary>
/// What the operating system says about a process beyond its existence. A killed process whose parent has not reaped
/// it yet (a zombie, <c>Z</c> in <c>/proc/PID/stat</c>) still has its pid and start time, but it will never renew or
/// release a lease: for lease takeover it is dead.
/// </summary>
internal static class ProcessState
{
    /// <summary>True when <paramref name="pid"/> is a zombie (or dead, <c>X</c>) process; false when it is not, or when the system has no <c>/proc</c>.</summary>
    public static bool IsZombie(int pid)
    {
        if (!OperatingSystem.IsLinux() || pid <= 0) return false;
        string stat;
        try
        {
            stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // gone meanwhile, or not ours to read: the caller's other checks decide
        }
        return StateOf(stat) is 'Z' or 'X' or 'x';
    }

    /// <summary>The state letter of a <c>/proc/PID/stat</c> line: the field after the command name, which is in parentheses and may itself hold spaces and parentheses.</summary>
    internal static char? StateOf(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var close = stat.LastIndexOf(')');
        return close >= 0 && close + 2 < stat.Length && stat[close + 1] == ' ' ? stat[close + 2] : null;
    }
}
