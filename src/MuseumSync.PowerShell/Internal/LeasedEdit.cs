using MuseumSync.Storage;
using MuseumSync.Storage.Leases;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// A manual checkpoint change takes the source's lease for its moment, so it never lands under a running sync (which
/// would overwrite it with its next batch): a busy source is reported like Sync-MuseumRecord reports it.
/// </summary>
internal static class LeasedEdit
{
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(30);

    public static async Task<T> RunAsync<T>(ISyncStore store, string source, Func<Task<T>> edit, CancellationToken cancellationToken)
    {
        var attempt = await store.TryAcquireLeaseAsync(new LeaseRequest { Resource = LeaseResource.For(source), Duration = s_duration }, cancellationToken).ConfigureAwait(false);
        if (!attempt.Acquired) throw new SyncSourceBusyException(attempt.Holder!, store.DisplayName);
        try
        {
            // A checkpoint changed under an unfinished submission would be overwritten by its last job.
            await Jobs.SubmissionGate.ThrowIfHeldAsync(store, source, null, store.DisplayName, cancellationToken).ConfigureAwait(false);
            return await edit().ConfigureAwait(false);
        }
        finally
        {
            await store.ReleaseLeaseAsync(attempt.Lease!, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
