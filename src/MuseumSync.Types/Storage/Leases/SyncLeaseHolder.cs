using System.Globalization;

namespace MuseumSync;

/// <summary>Who holds a lease: the worker that is syncing a source right now.</summary>
public sealed class SyncLeaseHolder
{
    /// <summary>What is leased (a source, or <c>source#2/8</c> for a partition).</summary>
    public required string Resource { get; init; }

    /// <summary>The holder's id (one per worker run).</summary>
    public required string HolderId { get; init; }

    /// <summary>The machine the worker runs on.</summary>
    public required string Host { get; init; }

    /// <summary>The worker's process id.</summary>
    public int ProcessId { get; init; }

    /// <summary>When the worker's process started (UTC): tells a live process from a reused pid.</summary>
    public DateTimeOffset? ProcessStarted { get; init; }

    /// <summary>When the worker took the lease (UTC, database clock).</summary>
    public DateTimeOffset AcquiredAt { get; init; }

    /// <summary>When the worker last renewed it (UTC, database clock).</summary>
    public DateTimeOffset RenewedAt { get; init; }

    /// <summary>When it runs out unless renewed again (UTC, database clock).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"host {Host}, pid {ProcessId}, since {AcquiredAt:yyyy-MM-dd HH:mm:ss}Z, last renewed {RenewedAt:HH:mm:ss}Z, expires {ExpiresAt:yyyy-MM-dd HH:mm:ss}Z");
}
