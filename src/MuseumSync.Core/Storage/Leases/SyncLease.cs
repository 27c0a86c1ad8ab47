namespace MuseumSync.Storage.Leases;

/// <summary>A lease this worker holds: the proof it passes to every batch (<see cref="SyncBatch.Lease"/>) and to renewals.</summary>
public sealed class SyncLease
{
    /// <summary>What is leased: a source, or a partition of one (<see cref="LeaseResource"/>).</summary>
    public required string Resource { get; init; }

    /// <summary>This worker's holder id.</summary>
    public required string HolderId { get; init; }

    /// <summary>How long the lease lasts after each renewal.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>When it was taken (database clock).</summary>
    public DateTimeOffset AcquiredAt { get; init; }

    /// <summary>When it runs out unless renewed (database clock), as of the acquisition.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Resource} (holder {HolderId})";
}
