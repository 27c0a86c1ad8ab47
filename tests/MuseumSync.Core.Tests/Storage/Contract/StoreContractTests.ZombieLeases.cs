using MuseumSync.Core.Tests.Storage.Leases;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task TryAcquireLease_HolderKilledButNotReaped_TakenOverAtOnce()
    {
        if (!OperatingSystem.IsLinux()) return; // zombies are made with sh and read from /proc
        using var zombie = ZombieProcess.Start();
        var dead = new LeaseIdentity(Guid.NewGuid().ToString("N"), Environment.MachineName, zombie.Pid, zombie.Started);
        Assert.True((await Store.TryAcquireLeaseAsync(Lease(who: dead), CancellationToken.None)).Acquired);

        var mine = await Store.TryAcquireLeaseAsync(Lease(), CancellationToken.None);

        Assert.True(mine.Acquired);
        Assert.Equal(zombie.Pid, mine.TookOverFrom!.ProcessId);
    }
}
