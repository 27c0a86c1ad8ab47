namespace MuseumSync.Storage.Leases;

/// <summary>Lease resource names: a source (<c>demo</c>) or one partition of its ID fan-out (<c>demo#2/8</c>).</summary>
internal static class LeaseResource
{
    /// <summary>The resource for <paramref name="source"/> and, when given, one <paramref name="partition"/>.</summary>
    public static string For(string source, SyncPartition? partition = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return partition is { } p ? $"{source}#{p}" : source;
    }
}
