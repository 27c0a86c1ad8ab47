namespace MuseumSync.Storage.Leases;

/// <summary>A request for a lease.</summary>
public sealed class LeaseRequest
{
    /// <summary>The shortest lease.</summary>
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromSeconds(2);

    /// <summary>What to lease (<see cref="LeaseResource.For"/>).</summary>
    public required string Resource { get; init; }

    /// <summary>Who asks. The default is this process (<see cref="LeaseIdentity.Create"/>).</summary>
    public LeaseIdentity Identity { get; init; } = LeaseIdentity.Create();

    /// <summary>How long the lease lasts without a renewal; a dead worker's lease frees itself after this. The default is 2 minutes.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Resource);
        if (Resource.Length > 200) throw new ArgumentException("A lease resource has at most 200 characters.", nameof(Resource));
        ArgumentNullException.ThrowIfNull(Identity);
        if (Duration < MinimumDuration || Duration > TimeSpan.FromDays(1)) throw new ArgumentOutOfRangeException(nameof(Duration), Duration, "Use a lease duration from 2 seconds to 1 day.");
    }
}

/// <summary>What <see cref="ISyncStore.TryAcquireLeaseAsync"/> found.</summary>
/// <param name="Lease">The lease, when it was taken.</param>
/// <param name="Holder">Who holds it, when it was not.</param>
/// <param name="TookOverFrom">The previous holder, when its lease had expired or its process had died.</param>
public sealed record LeaseAttempt(SyncLease? Lease, SyncLeaseHolder? Holder, SyncLeaseHolder? TookOverFrom = null)
{
    /// <summary>True when the lease was taken.</summary>
    public bool Acquired => Lease is not null;
}
