using MuseumSync.Storage;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Core.Tests.Storage.Contract;

public abstract partial class StoreContractTests
{
    private static LeaseRequest Lease(string resource = "met", LeaseIdentity? who = null, TimeSpan? duration = null) =>
        new() { Resource = resource, Identity = who ?? LeaseIdentity.Create(), Duration = duration ?? TimeSpan.FromMinutes(2) };

    private static LeaseIdentity Stranger(string host = "another-server", int pid = 4242) =>
        new(Guid.NewGuid().ToString("N"), host, pid, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [StoreFact]
    public async Task TryAcquireLease_Free_TakenAndHeldAgainstAnotherWorker()
    {
        var mine = await Store.TryAcquireLeaseAsync(Lease(), CancellationToken.None);
        Assert.True(mine.Acquired);
        Assert.True(mine.Lease!.ExpiresAt > mine.Lease.AcquiredAt);

        var other = await Store.TryAcquireLeaseAsync(Lease(who: Stranger()), CancellationToken.None);

        Assert.False(other.Acquired);
        Assert.Equal(Environment.MachineName, other.Holder!.Host);
        Assert.Equal(Environment.ProcessId, other.Holder.ProcessId);
        Assert.Equal(mine.Lease.HolderId, other.Holder.HolderId);
        Assert.Contains(Environment.MachineName, other.Holder.ToString(), StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task TryAcquireLease_OtherResource_Independent()
    {
        Assert.True((await Store.TryAcquireLeaseAsync(Lease("met#1/2"), CancellationToken.None)).Acquired);
        Assert.True((await Store.TryAcquireLeaseAsync(Lease("met#2/2"), CancellationToken.None)).Acquired);
        Assert.True((await Store.TryAcquireLeaseAsync(Lease("aic"), CancellationToken.None)).Acquired);
    }

    [StoreFact]
    public async Task TryAcquireLease_SameHolderAgain_KeepsItAndItsStart()
    {
        var me = LeaseIdentity.Create();
        var first = await Store.TryAcquireLeaseAsync(Lease(who: me), CancellationToken.None);
        var again = await Store.TryAcquireLeaseAsync(Lease(who: me), CancellationToken.None);

        Assert.True(again.Acquired);
        Assert.Equal(first.Lease!.AcquiredAt, again.Lease!.AcquiredAt);
    }

    [StoreFact]
    public async Task ReleaseLease_ThenAnotherWorker_Acquires()
    {
        var mine = (await Store.TryAcquireLeaseAsync(Lease(), CancellationToken.None)).Lease!;
        await Store.ReleaseLeaseAsync(mine, CancellationToken.None);

        Assert.True((await Store.TryAcquireLeaseAsync(Lease(who: Stranger()), CancellationToken.None)).Acquired);
        Assert.False(await Store.RenewLeaseAsync(mine, CancellationToken.None));
    }

    [StoreFact]
    public async Task TryAcquireLease_AnotherHostsLeaseExpired_TakenOver()
    {
        var stranger = (await Store.TryAcquireLeaseAsync(Lease(who: Stranger(), duration: LeaseRequest.MinimumDuration), CancellationToken.None)).Lease!;
        Assert.False((await Store.TryAcquireLeaseAsync(Lease(), CancellationToken.None)).Acquired);

        await Task.Delay(LeaseRequest.MinimumDuration + TimeSpan.FromMilliseconds(300));
        var mine = await Store.TryAcquireLeaseAsync(Lease(), CancellationToken.None);

        Assert.True(mine.Acquired);
        Assert.False(await Store.RenewLeaseAsync(stranger, CancellationToken.None)); // the dead worker learns it lost the lease
    }

    [StoreFact]
    public async Task TryAcquireLease_HolderProcessOnThisHostIsGone_TakenOverAtOnce()
    {
        var dead = Stranger(host: Environment.MachineName, pid: 2_000_000_000); // no such process
        Assert.True((await Store.TryAcquireLeaseAsync(Lease(who: dead), CancellationToken.None)).Acquired);

        var mine = await Store.TryAcquireLeaseAsync(Lease(), CancellationToken.None);

        Assert.True(mine.Acquired);
        Assert.Equal(dead.HolderId, mine.TookOverFrom!.HolderId);
    }

    [StoreFact]
    public async Task CommitBatch_LeaseLostToAnotherWorker_RolledBackWithLeaseLost()
    {
        var mine = (await Store.TryAcquireLeaseAsync(Lease(duration: LeaseRequest.MinimumDuration), CancellationToken.None)).Lease!;
        Assert.Equal(1, (await CommitAsync(new SyncBatch { Source = "met", Records = [Rec("1")], DeadLetters = [], Lease = mine, Now = T1 })).Inserted);

        await Task.Delay(LeaseRequest.MinimumDuration + TimeSpan.FromMilliseconds(300));
        Assert.True((await Store.TryAcquireLeaseAsync(Lease(who: Stranger()), CancellationToken.None)).Acquired);

        await Assert.ThrowsAsync<SyncLeaseLostException>(() => Store.CommitBatchAsync(new SyncBatch { Source = "met", Records = [Rec("2")], DeadLetters = [], Lease = mine, AdvanceCheckpoint = true, CheckpointPosition = "c9", Now = T2 }, CancellationToken.None));

        Assert.Equal(1, await CountAsync("museum_records"));
        Assert.Null((await CheckpointAsync()).Cursor);
    }

    [StoreFact]
    public async Task CommitBatch_UnderItsLease_RenewsIt()
    {
        var mine = (await Store.TryAcquireLeaseAsync(Lease(duration: TimeSpan.FromSeconds(30)), CancellationToken.None)).Lease!;
        var before = await Db.RowAsync("SELECT expires_utc FROM {t}sync_leases WHERE resource = @p0", "met");
        await Task.Delay(50);

        await Store.CommitBatchAsync(new SyncBatch { Source = "met", Records = [Rec("1")], DeadLetters = [], Lease = mine, Now = T1 }, CancellationToken.None);

        var after = await Db.RowAsync("SELECT expires_utc FROM {t}sync_leases WHERE resource = @p0", "met");
        Assert.True(string.CompareOrdinal(after!["expires_utc"], before!["expires_utc"]) > 0);
    }

    [StoreFact]
    public async Task TryAcquireLease_ManyWorkersAtOnce_ExactlyOneWins()
    {
        var stores = new List<ISyncStore>();
        for (var i = 0; i < 4; i++) stores.Add(await OpenAsync(MainOptions));
        for (var round = 0; round < 5; round++)
        {
            var resource = "race-" + round;
            var attempts = await Task.WhenAll(stores.Select(s => s.TryAcquireLeaseAsync(Lease(resource), CancellationToken.None)));
            Assert.Single(attempts, a => a.Acquired);
            var winner = attempts.Single(a => a.Acquired).Lease!.HolderId;
            Assert.All(attempts.Where(a => !a.Acquired), a => Assert.Equal(winner, a.Holder!.HolderId));
        }
    }

    [StoreFact]
    public async Task LeaseKeeper_RenewsInTheBackground_AndNoticesALostLease()
    {
        var mine = (await Store.TryAcquireLeaseAsync(Lease(duration: TimeSpan.FromSeconds(3)), CancellationToken.None)).Lease!;
        await using (var keeper = new LeaseKeeper(Store, mine, TimeProvider.System, TimeSpan.FromMilliseconds(200)))
        {
            await Task.Delay(TimeSpan.FromSeconds(4)); // longer than the lease: only renewals keep it
            Assert.False(keeper.IsLost);
            Assert.False((await Store.TryAcquireLeaseAsync(Lease(who: Stranger()), CancellationToken.None)).Acquired);

            await Db.ExecAsync("UPDATE {t}sync_leases SET holder_id = @p0 WHERE resource = @p1", "someone-else", "met");
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (!keeper.IsLost && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(keeper.IsLost);
        }
    }
}
