namespace MuseumSync.Storage.Leases;

/// <summary>
/// Renews a lease in the background while a run waits for records (a slow API can keep a sync idle for minutes).
/// Every batch renews the lease as well, inside its transaction; the keeper covers the gaps in between.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;
    private volatile bool _lost;

    /// <summary>Starts renewing <paramref name="lease"/> every <paramref name="interval"/> (the default is a third of its duration).</summary>
    public LeaseKeeper(ISyncStore store, SyncLease lease, TimeProvider time, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(time);
        Lease = lease;
        var every = interval ?? TimeSpan.FromTicks(lease.Duration.Ticks / 3);
        _loop = Task.Run(() => RunAsync(store, lease, time, every, _cts.Token));
    }

    /// <summary>The lease being kept.</summary>
    public SyncLease Lease { get; }

    /// <summary>True once a renewal found the lease held by another worker.</summary>
    public bool IsLost => _lost;

    /// <summary>Renewals that failed with a database error (the next one tries again).</summary>
    public int FailedRenewals { get; private set; }

    private async Task RunAsync(ISyncStore store, SyncLease lease, TimeProvider time, TimeSpan every, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, ct).ConfigureAwait(false);
                if (!await store.RenewLeaseAsync(lease, ct).ConfigureAwait(false))
                {
                    _lost = true;
                    return;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SyncStoreException)
            {
                // A network blip: the lease still has time left; the next batch (or renewal) tells whether it survived.
                FailedRenewals++;
            }
        }
    }

    /// <summary>Stops renewing (the lease itself is released by <see cref="ISyncStore.ReleaseLeaseAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _cts.Dispose();
    }
}
