namespace MuseumSync.Storage.Leases;

/// <summary>Lease resource names: one per source (<c>demo</c>).</summary>
internal static class LeaseResource
{
    /// <summary>The resource for <paramref name="source"/>.</summary>
    public static string For(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return source;
    }
}
