namespace MuseumSync.Storage;

/// <summary>
/// What every database MuseumSync writes to provides. The one rule that matters: <see cref="CommitBatchAsync"/> writes the
/// records, the dead letters and the checkpoint in ONE transaction, so a run killed at any moment resumes with nothing
/// lost and nothing doubled.
/// </summary>
public interface ISyncStore : IAsyncDisposable
{
    /// <summary>The provider name (<c>Sqlite</c>, <c>SqlServer</c>, <c>PostgreSql</c>).</summary>
    string Provider { get; }

    /// <summary>Creates or upgrades the schema. Safe to call on every run.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The checkpoints, all of them or the one of <paramref name="source"/>.</summary>
    Task<IReadOnlyList<SyncCheckpoint>> GetCheckpointsAsync(string? source, CancellationToken cancellationToken);

    /// <summary>The dead letters that match <paramref name="query"/>, oldest first.</summary>
    Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken);

    /// <summary>Upserts the valid records, inserts the dead letters and advances the checkpoint, in one transaction.</summary>
    Task<BatchResult> CommitBatchAsync(SyncBatch batch, CancellationToken cancellationToken);
}
