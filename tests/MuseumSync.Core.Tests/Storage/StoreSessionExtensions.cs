using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage;

/// <summary>The tests' way to write a whole <see cref="SyncBatch"/>: one store session, filled and completed, as the sync writer does.</summary>
internal static class StoreSessionExtensions
{
    public static async Task<BatchResult> CommitBatchAsync(this ISyncStore store, SyncBatch batch, CancellationToken cancellationToken)
    {
        var session = store.BeginSession(batch.Source);
        await using (session.ConfigureAwait(false))
        {
            Fill(session, batch);
            return await session.CompleteAsync(Completion(batch), cancellationToken).ConfigureAwait(false);
        }
    }

    public static ISyncSession Fill(ISyncSession session, SyncBatch batch)
    {
        foreach (var r in batch.Records) session.AddRecord(r);
        foreach (var r in batch.Deletions) session.AddDeletion(r);
        foreach (var r in batch.DeadLetters) session.AddDeadLetter(r);
        foreach (var d in batch.ResolvedDeadLetters) session.AddResolvedDeadLetter(d);
        return session;
    }

    public static SessionCompletion Completion(SyncBatch batch) => new()
    {
        AdvanceCheckpoint = batch.AdvanceCheckpoint,
        CheckpointPosition = batch.CheckpointPosition,
        Watermark = batch.Watermark,
        Endpoint = batch.Endpoint,
        Superseded = batch.Superseded,
        Lease = batch.Lease,
        Now = batch.Now,
    };
}
