using System.Data.Common;

namespace MuseumSync.Storage.Leases;

/// <summary>Conversions shared by the stores' lease code.</summary>
internal static class LeaseRows
{
    /// <summary>The lease a holder row describes, for the worker that holds it.</summary>
    public static SyncLease ToLease(SyncLeaseHolder row, TimeSpan duration) => new()
    {
        Resource = row.Resource,
        HolderId = row.HolderId,
        Duration = duration,
        AcquiredAt = row.AcquiredAt,
        ExpiresAt = row.ExpiresAt,
    };

    /// <summary>
    /// The holder row a store's lease query returns (resource, holder_id, holder_host, holder_pid, holder_started_utc,
    /// acquired_utc, renewed_utc, expires_utc, in that order); <paramref name="time"/> reads a time column as the store keeps it.
    /// </summary>
    public static SyncLeaseHolder ReadHolder(DbDataReader r, Func<DbDataReader, int, DateTimeOffset> time) => new()
    {
        Resource = r.GetString(0),
        HolderId = r.GetString(1),
        Host = r.GetString(2),
        ProcessId = r.GetInt32(3),
        ProcessStarted = r.IsDBNull(4) ? null : time(r, 4),
        AcquiredAt = time(r, 5),
        RenewedAt = time(r, 6),
        ExpiresAt = time(r, 7),
    };
}
