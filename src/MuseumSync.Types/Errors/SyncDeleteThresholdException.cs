namespace MuseumSync;

/// <summary>
/// A run would have deleted more than its threshold share of a source's rows (<c>-MaxDeletePercent</c>), so it stopped
/// before the batch that crossed it: a source that lost its data must not wipe its mirror.
/// </summary>
public sealed class SyncDeleteThresholdException : MuseumSyncException
{
    /// <summary>The error id: <c>SyncDeleteThreshold</c>.</summary>
    public const string Id = "SyncDeleteThreshold";

    /// <summary>Creates the exception.</summary>
    public SyncDeleteThresholdException() : base("A run would have deleted more than its threshold share of a source's rows.", Id, isTransient: false) { }

    /// <summary>Creates the exception.</summary>
    public SyncDeleteThresholdException(string message) : base(message, Id, isTransient: false) { }

    /// <summary>Creates the exception.</summary>
    public SyncDeleteThresholdException(string message, Exception? inner) : base(message, Id, isTransient: false, inner) { }
}
