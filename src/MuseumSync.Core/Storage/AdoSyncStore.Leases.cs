using System.Data.Common;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage;

/// <summary>
/// Leases on a server store: a row per leased resource in <c>sync_leases</c>, claimed with one statement that only takes
/// a free or expired row (the database serialises concurrent claims: PostgreSQL's <c>INSERT … ON CONFLICT DO UPDATE …
/// WHERE expired</c>, SQL Server's <c>MERGE … WITH (HOLDLOCK)</c>), on the database clock; taken over from a holder that
/// is gone; renewed by every batch inside its transaction.
/// </summary>
internal abstract partial class AdoSyncStore<TStore, TConnection, TCommand>
{
    /// <inheritdoc cref="ISyncStore.TryAcquireLeaseAsync" />
    public Task<LeaseAttempt> TryAcquireLeaseAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return RunAsync(static async (s, req, ct) => await s.TryAcquireLeaseAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), req, ct).ConfigureAwait(false),
            request, $"take the lease on '{request.Resource}' in", cancellationToken);
    }

    /// <inheritdoc cref="ISyncStore.RenewLeaseAsync" />
    public Task<bool> RenewLeaseAsync(SyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return RunAsync(static async (s, l, ct) => await s.RenewLeaseAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), null, l, ct).ConfigureAwait(false),
            lease, $"renew the lease on '{lease.Resource}' in", cancellationToken);
    }

    /// <inheritdoc cref="ISyncStore.ReleaseLeaseAsync" />
    public Task ReleaseLeaseAsync(SyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return RunAsync(static async (s, l, ct) =>
        {
            var release = s.Command(await s.ConnectionAsync(ct).ConfigureAwait(false), s.Sql.ReleaseLease);
            await using var releaseScope = release.ConfigureAwait(false);
            s.Dialect.BindLease(release, l.Resource, l.HolderId);
            return await release.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, lease, $"release the lease on '{lease.Resource}' in", cancellationToken);
    }

    /// <summary>Moves the lease's expiry forward (inside <paramref name="tx"/> when a batch commits); false when another holder has it.</summary>
    private protected async Task<bool> RenewLeaseAsync(DbConnection c, DbTransaction? tx, SyncLease lease, CancellationToken ct)
    {
        var renew = Command(c, Sql.RenewLease, tx);
        await using var renewScope = renew.ConfigureAwait(false);
        Dialect.BindLease(renew, lease.Resource, lease.HolderId);
        Dialect.BindDuration(renew, lease.Duration);
        return await Dialect.AffectedAsync(renew, ct).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// The last steps of a batch inside its transaction, before its checkpoint: renews the run's lease (lost: the batch is
    /// rolled back with <see cref="SyncLeaseLostException"/>) and writes the job's done-mark, counting
    /// <paramref name="records"/>. Returns the completion the checkpoint is written from (a job's decides whether the
    /// checkpoint moves), or null when the job was done already, so the batch must write nothing.
    /// </summary>
    private protected async Task<SessionCompletion?> RenewLeaseAndMarkJobAsync(DbConnection c, DbTransaction tx, SessionCompletion done, int records, CancellationToken ct)
    {
        if (done.Lease is { } lease && !await RenewLeaseAsync(c, tx, lease, ct).ConfigureAwait(false))
        {
            throw new SyncLeaseLostException($"The lease on '{lease.Resource}' in {DisplayName} is held by another worker now (this one did not renew it in time). The batch was rolled back; this run stops, and the other worker carries on from the checkpoint.");
        }
        if (done.Job is { } job)
        {
            // The job's done-mark in this transaction: a job done already writes nothing; only the last job moves the checkpoint.
            var jobCommit = await Jobs.CommitAsync(c, tx, job, records, done.Now, ct).ConfigureAwait(false);
            if (!jobCommit.Claimed) return null;
            done = jobCommit.Apply(done);
        }
        return done;
    }

    private async Task<LeaseAttempt> TryAcquireLeaseAsync(TConnection c, LeaseRequest req, CancellationToken ct)
    {
        var me = req.Identity;
        var claim = Command(c, Sql.ClaimLease);
        await using (claim.ConfigureAwait(false))
        {
            BindClaim(claim, req);
            await claim.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var holder = await ReadLeaseAsync(c, req.Resource, ct).ConfigureAwait(false)
            ?? throw new SyncStoreException($"The lease row for '{req.Resource}' vanished while it was taken in {DisplayName}.");
        if (holder.HolderId == me.HolderId) return new LeaseAttempt(LeaseRows.ToLease(holder, req.Duration), null);
        if (LeaseIdentity.MayBeAlive(holder)) return new LeaseAttempt(null, holder);
        var take = Command(c, Sql.TakeOverLease);
        await using (take.ConfigureAwait(false))
        {
            BindClaim(take, req);
            Dialect.BindHolderId(take, "previous", holder.HolderId);
            if (await Dialect.AffectedAsync(take, ct).ConfigureAwait(false) == 0)
            {
                return new LeaseAttempt(null, await ReadLeaseAsync(c, req.Resource, ct).ConfigureAwait(false) ?? holder);
            }
        }
        var mine = await ReadLeaseAsync(c, req.Resource, ct).ConfigureAwait(false);
        return new LeaseAttempt(LeaseRows.ToLease(mine!, req.Duration), null, TookOverFrom: holder);
    }

    private async Task<SyncLeaseHolder?> ReadLeaseAsync(TConnection c, string resource, CancellationToken ct)
    {
        var cmd = Command(c, Sql.SelectLease);
        await using var cmdScope = cmd.ConfigureAwait(false);
        Dialect.BindResource(cmd, resource);
        var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false)) return null;
        return LeaseRows.ReadHolder(r, Dialect.ReadTime);
    }

    private void BindClaim(DbCommand cmd, LeaseRequest req)
    {
        Dialect.BindLease(cmd, req.Resource, req.Identity.HolderId);
        Dialect.BindHolder(cmd, req.Identity);
        Dialect.BindDuration(cmd, req.Duration);
    }
}
