using Npgsql;
using NpgsqlTypes;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>
/// Leases on PostgreSQL: a row per leased source in <c>sync_leases</c>, claimed with one <c>INSERT … ON CONFLICT DO UPDATE
/// … WHERE expired</c> (the row lock serialises concurrent claims), renewed by every batch inside its transaction.
/// </summary>
internal sealed partial class PostgresSyncStore
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
                take.Parameters.AddWithValue("previous", holder.HolderId);
                if (await take.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
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
            release.Parameters.AddWithValue("resource", l.Resource);
            release.Parameters.AddWithValue("holder", l.HolderId);
            return await release.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, lease, $"release the lease on '{lease.Resource}' in", cancellationToken);
    }

    private async Task<bool> RenewLeaseAsync(NpgsqlConnection c, NpgsqlTransaction? tx, SyncLease lease, CancellationToken ct)
    {
        var renew = Command(c, _sql.RenewLease, tx);
        await using var renewScope = renew.ConfigureAwait(false);
        renew.Parameters.AddWithValue("resource", lease.Resource);
        renew.Parameters.AddWithValue("holder", lease.HolderId);
        renew.Parameters.AddWithValue("seconds", NpgsqlDbType.Double, lease.Duration.TotalSeconds);
        return await renew.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    private async Task<SyncLeaseHolder?> ReadLeaseAsync(NpgsqlConnection c, string resource, CancellationToken ct)
    {
        var cmd = Command(c, _sql.SelectLease);
        await using var cmdScope = cmd.ConfigureAwait(false);
        cmd.Parameters.AddWithValue("resource", resource);
        var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false)) return null;
        return new SyncLeaseHolder
        {
            Resource = r.GetString(0),
            HolderId = r.GetString(1),
            Host = r.GetString(2),
            ProcessId = r.GetInt32(3),
            ProcessStarted = r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4),
            AcquiredAt = r.GetFieldValue<DateTimeOffset>(5),
            RenewedAt = r.GetFieldValue<DateTimeOffset>(6),
            ExpiresAt = r.GetFieldValue<DateTimeOffset>(7),
        };
    }

    private static void AddIdentity(NpgsqlCommand cmd, string resource, LeaseIdentity me, TimeSpan duration)
    {
        cmd.Parameters.AddWithValue("resource", resource);
        cmd.Parameters.AddWithValue("holder", me.HolderId);
        cmd.Parameters.AddWithValue("host", me.Host);
        cmd.Parameters.AddWithValue("pid", me.ProcessId);
        cmd.Parameters.AddWithValue("started", NpgsqlDbType.TimestampTz, me.ProcessStarted is { } s ? Utc(s) : DBNull.Value);
        cmd.Parameters.AddWithValue("seconds", NpgsqlDbType.Double, duration.TotalSeconds);
    }
}
