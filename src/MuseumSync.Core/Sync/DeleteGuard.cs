using System.Globalization;
using MuseumSync.Storage;

namespace MuseumSync.Sync;

/// <summary>
/// Stops a run before the batch that would take its deletions past <see cref="SyncWriterOptions.MaxDeletePercent"/> of a
/// source's rows (geonetwork#419: a source that lost its data wiped the mirrors that followed it). Only rows that exist
/// count (a deletion of an id the store never had deletes nothing), against the rows the source had when the run first
/// deleted. Deletions come only from records the source reports deleted, never from records a run did not see, so a
/// resumed run deletes nothing it was not told to.
/// </summary>
internal sealed class DeleteGuard(SyncWriterOptions options)
{
    private readonly Dictionary<string, (long Rows, long Deleted)> _sources = new(StringComparer.Ordinal);

    public Task CheckAsync(ISyncStore store, SyncBatch batch, CancellationToken cancellationToken)
    {
        // Not async for the usual batch (no deletions): its state machine would run, and be compiled, once per batch (issue #18).
        if (options.ForceDeletes || batch.Deletions.Count == 0 || store is not IDeleteCounts counts) return Task.CompletedTask;
        return CheckDeletionsAsync(counts, batch, cancellationToken);
    }

    private async Task CheckDeletionsAsync(IDeleteCounts counts, SyncBatch batch, CancellationToken cancellationToken)
    {
        var ids = batch.Deletions.Select(d => d.ObjectId!).Distinct(StringComparer.Ordinal).ToArray();
        var (rows, named) = await counts.CountForDeleteAsync(batch.Source, ids, cancellationToken).ConfigureAwait(false);
        var (before, deleted) = _sources.TryGetValue(batch.Source, out var seen) ? seen : (rows, 0L);
        var total = deleted + named;
        if (before > 0 && total * 100.0 > options.MaxDeletePercent * before)
        {
            throw new SyncDeleteThresholdException(string.Create(CultureInfo.InvariantCulture,
                $"Source '{batch.Source}': this run would delete {total:N0} of its {before:N0} rows in {options.StoreDescription} ({total * 100.0 / before:0.#}%), more than the {options.MaxDeletePercent:0.#}% a run may delete (-MaxDeletePercent). Nothing of this batch was written and the checkpoint did not move{(deleted > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({deleted:N0} rows were deleted by earlier batches of this run)") : string.Empty)}. A source that lost its data must not wipe its mirror: check the source first. If the deletions are real, run again with -ForceDeletes (config key ForceDeletes = $true), or raise -MaxDeletePercent (config key MaxDeletePercent)."));
        }
        _sources[batch.Source] = (before, total);
    }
}
