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
}
