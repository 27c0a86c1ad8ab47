using MuseumSync.Storage;

namespace MuseumSync.Benchmarks;

/// <summary>A generated batch written as the sync writer writes one: a store session filled (records hashed as added) and completed.</summary>
internal static class StoreSessions
{
    public static async Task<BatchResult> CommitBatchAsync(this ISyncStore store, SyncBatch batch, CancellationToken cancellationToken)
    {
        var session = store.BeginSession(batch.Source);
        await using (session.ConfigureAwait(false))
        {
            foreach (var r in batch.Records) session.AddRecord(r);
            foreach (var r in batch.DeadLetters) session.AddDeadLetter(r);
            var done = new SessionCompletion { AdvanceCheckpoint = batch.AdvanceCheckpoint, CheckpointPosition = batch.CheckpointPosition, Now = batch.Now };
            return await session.CompleteAsync(done, cancellationToken).ConfigureAwait(false);
        }
    }
}
