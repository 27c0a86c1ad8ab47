namespace MuseumSync.Storage;

/// <summary>What the delete guard (<see cref="Sync.SyncWriterOptions.MaxDeletePercent"/>) asks a store before a batch deletes rows.</summary>
internal interface IDeleteCounts
{
    /// <summary>The rows <paramref name="source"/> has, and how many of them <paramref name="objectIds"/> name (the rows a batch would delete).</summary>
    Task<(long Rows, long Named)> CountForDeleteAsync(string source, IReadOnlyCollection<string> objectIds, CancellationToken cancellationToken);
}
