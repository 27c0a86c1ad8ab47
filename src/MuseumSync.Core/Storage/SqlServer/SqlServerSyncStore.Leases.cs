using System.Data;
using Microsoft.Data.SqlClient;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage.SqlServer;

/// <summary>
/// Leases on SQL Server: a row per leased source in <c>sync_leases</c>, claimed with one <c>MERGE … WITH (HOLDLOCK)</c>
/// on the database clock (the key-range lock serialises concurrent claims from several servers), renewed by every
/// batch inside its transaction.
/// </summary>
internal sealed partial class SqlServerSyncStore
{
    /// <inheritdoc />
    public Task<LeaseAttempt> TryAcquireLeaseAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return RunAsync(static async (s, req, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var me = req.Identity;
            var claim = s.Command(c, s._sql.ClaimLease);
            await using (claim.ConfigureAwait(false))
            {
                AddIdentity(claim, req.Resource, me, req.Duration);
                await claim.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var holder = await s.ReadLeaseAsync(c, req.Resource, ct).ConfigureAwait(false)
                ?? throw new SyncStoreException($"The lease row for '{req.Resource}' vanished while it was taken in {s.DisplayName}.");
            if (holder.HolderId == me.HolderId) return new LeaseAttempt(LeaseRows.ToLease(holder, req.Duration), null);
            if (LeaseIdentity.MayBeAlive(holder)) return new LeaseAttempt(null, holder);
            var take = s.Command(c, s._sql.TakeOverLease);
            await using (take.ConfigureAwait(false))
            {
                AddIdentity(take, req.Resource, me, req.Duration);
                take.Parameters.Add("@previous", SqlDbType.VarChar, 64).Value = holder.HolderId;
                if (await AffectedAsync(take, ct).ConfigureAwait(false) == 0)
                {
                    return new LeaseAttempt(null, await s.ReadLeaseAsync(c, req.Resource, ct).ConfigureAwait(false) ?? holder);
                }
            }
            var mine = await s.ReadLeaseAsync(c, req.Resource, ct).ConfigureAwait(false);
            return new LeaseAttempt(LeaseRows.ToLease(mine!, req.Duration), null, TookOverFrom: holder);
        }, request, $"take the lease on '{request.Resource}' in", cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewLeaseAsync(SyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return RunAsync(static async (s, l, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            return await s.RenewLeaseAsync(c, null, l, ct).ConfigureAwait(false);
        }, lease, $"renew the lease on '{lease.Resource}' in", cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(SyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return RunAsync(static async (s, l, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var release = s.Command(c, s._sql.ReleaseLease);
            await using var releaseScope = release.ConfigureAwait(false);
            release.Parameters.Add("@resource", SqlDbType.NVarChar, 200).Value = l.Resource;
            release.Parameters.Add("@holder", SqlDbType.VarChar, 64).Value = l.HolderId;
            return await release.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, lease, $"release the lease on '{lease.Resource}' in", cancellationToken);
    }

    private async Task<bool> RenewLeaseAsync(SqlConnection c, SqlTransaction? tx, SyncLease lease, CancellationToken ct)
    {
        var renew = Command(c, _sql.RenewLease, tx);
        await using var renewScope = renew.ConfigureAwait(false);
        renew.Parameters.Add("@resource", SqlDbType.NVarChar, 200).Value = lease.Resource;
        renew.Parameters.Add("@holder", SqlDbType.VarChar, 64).Value = lease.HolderId;
        renew.Parameters.Add("@milliseconds", SqlDbType.Int).Value = (int)lease.Duration.TotalMilliseconds;
        return await AffectedAsync(renew, ct).ConfigureAwait(false) == 1;
    }

    private async Task<SyncLeaseHolder?> ReadLeaseAsync(SqlConnection c, string resource, CancellationToken ct)
    {
        var cmd = Command(c, _sql.SelectLease);
        await using var cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.Add("@resource", SqlDbType.NVarChar, 200).Value = resource;
        var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false)) return null;
        return new SyncLeaseHolder
        {
            Resource = r.GetString(0),
            HolderId = r.GetString(1),
            Host = r.GetString(2),
            ProcessId = r.GetInt32(3),
            ProcessStarted = r.IsDBNull(4) ? null : Utc(r.GetDateTime(4)),
            AcquiredAt = Utc(r.GetDateTime(5)),
            RenewedAt = Utc(r.GetDateTime(6)),
            ExpiresAt = Utc(r.GetDateTime(7)),
        };
    }

    private static void AddIdentity(SqlCommand cmd, string resource, LeaseIdentity me, TimeSpan duration)
    {
        cmd.Parameters.Add("@resource", SqlDbType.NVarChar, 200).Value = resource;
        cmd.Parameters.Add("@holder", SqlDbType.VarChar, 64).Value = me.HolderId;
        cmd.Parameters.Add("@host", SqlDbType.NVarChar, 256).Value = me.Host;
        cmd.Parameters.Add("@pid", SqlDbType.Int).Value = me.ProcessId;
        cmd.Parameters.Add("@started", SqlDbType.DateTime2).Value = me.ProcessStarted is { } s ? Db(s) : DBNull.Value;
        cmd.Parameters.Add("@milliseconds", SqlDbType.Int).Value = (int)duration.TotalMilliseconds;
    }
}
