using System.Data.Common;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage;

/// <summary>
/// Leases on a server store: a row per leased resource in <c>sync_leases</c>, claimed with one statement that only takes
/// a free or expired row (the database serialises concurrent claims), taken over from a holder that is gone, renewed
/// by every batch inside its transaction. The steps are the same on every server; <see cref="AdoDialect"/> has the SQL.
/// </summary>
internal static class AdoLeases
{
    public static async Task<LeaseAttempt> TryAcquireAsync(AdoDialect d, DbConnection c, LeaseRequest req, string displayName, CancellationToken ct)
    {
        var me = req.Identity;
        var claim = d.Command(c, d.Sql.ClaimLease);
        await using (claim.ConfigureAwait(false))
        {
            BindClaim(d, claim, req);
            await claim.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var holder = await ReadAsync(d, c, req.Resource, ct).ConfigureAwait(false)
            ?? throw new SyncStoreException($"The lease row for '{req.Resource}' vanished while it was taken in {displayName}.");
        if (holder.HolderId == me.HolderId) return new LeaseAttempt(LeaseRows.ToLease(holder, req.Duration), null);
        if (LeaseIdentity.MayBeAlive(holder)) return new LeaseAttempt(null, holder);
        var take = d.Command(c, d.Sql.TakeOverLease);
        await using (take.ConfigureAwait(false))
        {
            BindClaim(d, take, req);
            d.BindHolderId(take, "previous", holder.HolderId);
            if (await d.AffectedAsync(take, ct).ConfigureAwait(false) == 0)
            {
                return new LeaseAttempt(null, await ReadAsync(d, c, req.Resource, ct).ConfigureAwait(false) ?? holder);
            }
        }
        var mine = await ReadAsync(d, c, req.Resource, ct).ConfigureAwait(false);
        return new LeaseAttempt(LeaseRows.ToLease(mine!, req.Duration), null, TookOverFrom: holder);
    }

    /// <summary>Moves the lease's expiry forward (inside <paramref name="tx"/> when a batch commits); false when another holder has it.</summary>
    public static async Task<bool> RenewAsync(AdoDialect d, DbConnection c, DbTransaction? tx, SyncLease lease, CancellationToken ct)
    {
        var renew = d.Command(c, d.Sql.RenewLease, tx);
        await using var renewScope = renew.ConfigureAwait(false);
        d.BindLease(renew, lease.Resource, lease.HolderId);
        d.BindDuration(renew, lease.Duration);
        return await d.AffectedAsync(renew, ct).ConfigureAwait(false) == 1;
    }

    public static async Task<int> ReleaseAsync(AdoDialect d, DbConnection c, SyncLease lease, CancellationToken ct)
    {
        var release = d.Command(c, d.Sql.ReleaseLease);
        await using var releaseScope = release.ConfigureAwait(false);
        d.BindLease(release, lease.Resource, lease.HolderId);
        return await release.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<SyncLeaseHolder?> ReadAsync(AdoDialect d, DbConnection c, string resource, CancellationToken ct)
    {
        var cmd = d.Command(c, d.Sql.SelectLease);
        await using var cmdScope = cmd.ConfigureAwait(false);
        d.BindResource(cmd, resource);
        var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false)) return null;
        return new SyncLeaseHolder
        {
            Resource = r.GetString(0),
            HolderId = r.GetString(1),
            Host = r.GetString(2),
            ProcessId = r.GetInt32(3),
            ProcessStarted = r.IsDBNull(4) ? null : d.ReadTime(r, 4),
            AcquiredAt = d.ReadTime(r, 5),
            RenewedAt = d.ReadTime(r, 6),
            ExpiresAt = d.ReadTime(r, 7),
        };
    }

    private static void BindClaim(AdoDialect d, DbCommand cmd, LeaseRequest req)
    {
        d.BindLease(cmd, req.Resource, req.Identity.HolderId);
        d.BindHolder(cmd, req.Identity);
        d.BindDuration(cmd, req.Duration);
    }
}
