namespace MuseumSync;

/// <summary>
/// Another worker holds the lease on the source (or partition), or a scale-out submission holds the source: this run did
/// nothing and should end. Every instance carries the error id <c>SyncSourceBusy</c> and is transient (the source is free
/// again once the holder ends).
/// </summary>
public sealed class SyncSourceBusyException : MuseumSyncException
{
    private const string Id = "SyncSourceBusy";

    /// <summary>Creates the exception.</summary>
    public SyncSourceBusyException() : this("The source is busy: another worker or a scale-out submission holds it.") { }

    /// <summary>Creates the exception.</summary>
    public SyncSourceBusyException(string message) : base(message, Id, isTransient: true) { }

    /// <summary>Creates the exception.</summary>
    public SyncSourceBusyException(string message, Exception? inner) : base(message, Id, isTransient: true, inner) { }

    /// <summary>Creates the exception for <paramref name="holder"/>.</summary>
    public SyncSourceBusyException(SyncLeaseHolder holder, string database)
        : base(Describe(holder, database), Id, isTransient: true)
    {
        Holder = holder;
    }

    /// <summary>Who holds the lease.</summary>
    public SyncLeaseHolder? Holder { get; }

    private static string Describe(SyncLeaseHolder holder, string database)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return $"Source '{holder.Resource}' is busy: another worker is syncing it into {database} ({holder}). " +
               "This run changed nothing and stops here. The lease is released when that worker ends; if it died, it expires by itself at the time shown.";
    }
}

/// <summary>This worker's lease ran out and another worker took the source: the batch was rolled back and the run must stop.</summary>
public sealed class SyncLeaseLostException : MuseumSyncException
{
    /// <summary>Creates the exception.</summary>
    public SyncLeaseLostException() { }

    /// <summary>Creates the exception.</summary>
    public SyncLeaseLostException(string message) : base(message, "SyncLeaseLost", isTransient: true) { }

    /// <summary>Creates the exception.</summary>
    public SyncLeaseLostException(string message, Exception? inner) : base(message, "SyncLeaseLost", isTransient: true, inner) { }
}
