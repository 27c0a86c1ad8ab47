using MuseumSync.Storage.Leases;

namespace MuseumSync.Core.Tests.Storage.Leases;

public sealed class LeaseIdentityTests
{
    private static SyncLeaseHolder Holder(int pid, DateTimeOffset? started) => new()
    {
        Resource = "met",
        HolderId = Guid.NewGuid().ToString("N"),
        Host = Environment.MachineName,
        ProcessId = pid,
        ProcessStarted = started,
    };

    [LinuxFact]
    public void MayBeAlive_HolderIsAZombieOnThisHost_Dead()
    {
        using var zombie = ZombieProcess.Start();

        Assert.False(LeaseIdentity.MayBeAlive(Holder(zombie.Pid, zombie.Started)));
    }

    [LinuxFact]
    public void MayBeAlive_HolderIsARunningProcessOnThisHost_Alive()
    {
        using var zombie = ZombieProcess.Start();
        using var parent = System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadAllText($"/proc/{zombie.Pid}/stat").Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(LeaseIdentity.MayBeAlive(Holder(parent.Id, new DateTimeOffset(parent.StartTime.ToUniversalTime(), TimeSpan.Zero))));
    }

    [Theory]
    [InlineData("1234 (sleep) Z 1 1234 1234 0 -1", 'Z')]
    [InlineData("1234 (my (odd) name) S 1 1234", 'S')]
    [InlineData("1234 (a) b) R 1", 'R')]
    public void StateOf_CommandNameWithSpacesAndParentheses_ReadsTheStateAfterTheLastParenthesis(string stat, char state)
    {
        Assert.Equal(state, ProcessState.StateOf(stat));
    }
}

/// <summary>A fact that needs Linux (<c>/proc</c>, <c>sh</c>); skipped elsewhere, saying so.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Zombie processes are made with sh and read from /proc/PID/stat, which only Linux has.";
    }
}
