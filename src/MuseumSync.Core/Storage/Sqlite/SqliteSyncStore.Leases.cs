using System.Globalization;
using Microsoft.Data.Sqlite;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage.Sqlite;

/// <summary>Leases on SQLite: a row per leased source in <c>sync_leases</c>, taken and renewed with the file's write lock held.</summary>
internal sealed partial class SqliteSyncStore
{
    // 'now' is read once per statement, so one statement compares and writes with one clock reading.
    private const string Now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
    private const string Expiry = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || $seconds || ' seconds')";
    private SqliteCommand? _leaseRenew;
    private (TimeSpan Duration, string Text)? _renewSeconds;

    /// <inheritdoc />
    public async Task<LeaseAttempt> TryAcquireLeaseAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var me = request.Identity;
            using (var claim = _connection.CreateCommand())
            {
                // Free, expired, or already ours: take it. Otherwise nothing changes.
                claim.CommandText = $"""
                    INSERT INTO sync_leases (resource, holder_id, holder_host, holder_pid, holder_started_utc, acquired_utc, renewed_utc, expires_utc)
                    VALUES ($resource, $holder, $host, $pid, $started, {Now}, {Now}, {Expiry})
                    ON CONFLICT (resource) DO UPDATE SET
                        holder_id = excluded.holder_id, holder_host = excluded.holder_host, holder_pid = excluded.holder_pid,
                        holder_started_utc = excluded.holder_started_utc,
                        acquired_utc = CASE WHEN sync_leases.holder_id = excluded.holder_id THEN sync_leases.acquired_utc ELSE excluded.acquired_utc END,
                        renewed_utc = excluded.renewed_utc, expires_utc = excluded.expires_utc
                    WHERE sync_leases.expires_utc < excluded.renewed_utc OR sync_leases.holder_id = excluded.holder_id
                    """;
                AddLeaseParameters(claim, request.Resource, me, request.Duration);
                await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            var holder = await ReadLeaseAsync(request.Resource, cancellationToken).ConfigureAwait(false)
                ?? throw new SyncStoreException($"The lease row for '{request.Resource}' vanished while it was taken in '{DatabasePath}'.");
            if (holder.HolderId == me.HolderId) return new LeaseAttempt(LeaseRows.ToLease(holder, request.Duration), null);
            if (LeaseIdentity.MayBeAlive(holder)) return new LeaseAttempt(null, holder);

            // The holder's process on this machine is gone (killed, crashed): its lease is void now, not at expiry.
            using (var takeOver = _connection.CreateCommand())
            {
                takeOver.CommandText = $"""
                    UPDATE sync_leases SET holder_id = $holder, holder_host = $host, holder_pid = $pid, holder_started_utc = $started,
                        acquired_utc = {Now}, renewed_utc = {Now}, expires_utc = {Expiry}
                    WHERE resource = $resource AND holder_id = $previous
                    """;
                AddLeaseParameters(takeOver, request.Resource, me, request.Duration);
                takeOver.Parameters.AddWithValue("$previous", holder.HolderId);
                if (await takeOver.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    var now = await ReadLeaseAsync(request.Resource, cancellationToken).ConfigureAwait(false);
                    return new LeaseAttempt(null, now ?? holder);
                }
            }
            var mine = await ReadLeaseAsync(request.Resource, cancellationToken).ConfigureAwait(false);
            return new LeaseAttempt(LeaseRows.ToLease(mine!, request.Duration), null, TookOverFrom: holder);
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not take the lease on '{request.Resource}' in '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<bool> RenewLeaseAsync(SyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return RenewLease(lease, transaction: null);
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not renew the lease on '{lease.Resource}' in '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task ReleaseLeaseAsync(SyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var release = _connection.CreateCommand();
            release.CommandText = "DELETE FROM sync_leases WHERE resource = $resource AND holder_id = $holder";
            release.Parameters.AddWithValue("$resource", lease.Resource);
            release.Parameters.AddWithValue("$holder", lease.HolderId);
            await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not release the lease on '{lease.Resource}' in '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Renews the lease (inside <paramref name="transaction"/> when a batch commits); false when another holder has it.</summary>
    private bool RenewLease(SyncLease lease, SqliteTransaction? transaction)
    {
        if (_leaseRenew is null)
        {
            _leaseRenew = Command($"UPDATE sync_leases SET renewed_utc = {Now}, expires_utc = {Expiry} WHERE resource = $resource AND holder_id = $holder", "$resource", "$holder", "$seconds");
        }
        _leaseRenew.Transaction = transaction;
        _leaseRenew.Parameters[0].Value = lease.Resource;
        _leaseRenew.Parameters[1].Value = lease.HolderId;
        _leaseRenew.Parameters[2].Value = RenewSeconds(lease.Duration);
        return _leaseRenew.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// The lease's duration as the SQL's <c>$seconds</c> text. A batch renews with the same duration each time, so the
    /// text is made once, not per batch (number formatting per batch is warm code the JIT compiles again and again).
    /// </summary>
    private string RenewSeconds(TimeSpan duration)
    {
        if (_renewSeconds is not { } cached || cached.Duration != duration)
        {
            cached = (duration, Seconds(duration));
            _renewSeconds = cached;
        }
        return cached.Text;
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private async Task<SyncLeaseHolder?> ReadLeaseAsync(string resource, CancellationToken ct)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT resource, holder_id, holder_host, holder_pid, holder_started_utc, acquired_utc, renewed_utc, expires_utc FROM sync_leases WHERE resource = $resource";
        cmd.Parameters.AddWithValue("$resource", resource);
        using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false)) return null;
        return LeaseRows.ReadHolder(r, static (row, i) => ParseIso(row.GetString(i)));
    }

    private static void AddLeaseParameters(SqliteCommand cmd, string resource, LeaseIdentity me, TimeSpan duration)
    {
        cmd.Parameters.AddWithValue("$resource", resource);
        cmd.Parameters.AddWithValue("$holder", me.HolderId);
        cmd.Parameters.AddWithValue("$host", me.Host);
        cmd.Parameters.AddWithValue("$pid", me.ProcessId);
        cmd.Parameters.AddWithValue("$started", me.ProcessStarted is { } s ? Iso(s) : DBNull.Value);
        cmd.Parameters.AddWithValue("$seconds", Seconds(duration));
    }
}
