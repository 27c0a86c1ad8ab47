using MuseumSync.Storage;

namespace MuseumSync.Jobs;

/// <summary>
/// The rule between plain runs and scale-out submissions: a submission holds its source from the moment it is written
/// until its last job commits (or it is abandoned), because only that last job moves the checkpoint and a plain run
/// in between would move it under the jobs. Whoever takes the source's lease for a plain run, a checkpoint edit or a
/// new submission asks here while holding the lease, so the lease (which the store serialises) orders the two: a plain
/// run that holds the source keeps a submission out, and a submission keeps every plain run out.
/// </summary>
internal static class SubmissionGate
{
    /// <summary>
    /// Throws <see cref="SyncSourceBusyException"/> when an unfinished submission other than <paramref name="ownSubmission"/>
    /// holds <paramref name="source"/> in <paramref name="store"/> (a store without job tables holds none).
    /// </summary>
    public static async Task ThrowIfHeldAsync(ISyncStore store, string source, string? ownSubmission, string database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is not IJobStore jobs) return;
        var open = await jobs.GetOpenSubmissionAsync(source, cancellationToken).ConfigureAwait(false);
        if (open is null || string.Equals(open.Id, ownSubmission, StringComparison.Ordinal)) return;
        throw new SyncSourceBusyException(Message(open, database));
    }

    /// <summary>What the error says: which submission, how far it got, and the three ways on.</summary>
    public static string Message(JobSubmission open, string database)
    {
        ArgumentNullException.ThrowIfNull(open);
        return $"Source '{open.Source}' is held by scale-out submission {open.Id} (submitted {JobPlanner.Stamp(open.Created)}, {open.DoneJobs} of {open.PlannedJobs} jobs done) in {database}: " +
               "its last job moves the checkpoint, so a plain run or a checkpoint change now would move it under the jobs. This run changed nothing and stops here. " +
               $"Wait until the workers finish it (Start-MuseumSyncWorker; Get-MuseumSyncJob -Submission {open.Id} shows its jobs), " +
               $"or abandon it with Submit-MuseumSync -ConfigPath <your sync.psd1> -Abandon {open.Id} (its remaining jobs then write nothing, and the checkpoint stays where it is).";
    }
}
