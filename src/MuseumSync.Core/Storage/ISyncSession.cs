namespace MuseumSync.Storage;

/// <summary>
/// One batch on its way into a store (the shape of Npgsql's binary importer): the session takes the batch's records,
/// deletions, dead letters and resolved dead letters, and <see cref="CompleteAsync"/> writes them all, with the
/// checkpoint, in one transaction. Nothing reaches the database before <see cref="CompleteAsync"/>; disposing a session
/// that was not completed discards what it holds. A session is used by one thread at a time and completed once.
/// </summary>
/// <remarks>
/// Each record's content hash is computed as it is added, on the caller's thread, so the write transaction only
/// compares and writes. How the session holds its rows until then is the store's own business.
/// </remarks>
public interface ISyncSession : IAsyncDisposable
{
    /// <summary>The source every row of the session belongs to.</summary>
    string Source { get; }

    /// <summary>Valid records added so far (the records to upsert).</summary>
    int RecordCount { get; }

    /// <summary>Adds a valid record to upsert by (source, object id); a later record with the same id wins.</summary>
    void AddRecord(MuseumRecord record);

    /// <summary>Adds a record the source reported deleted: its row (source, object id) is deleted after the upserts.</summary>
    void AddDeletion(MuseumRecord record);

    /// <summary>Adds an invalid record to dead-letter (or, when the same payload is stored already, to count again).</summary>
    void AddDeadLetter(MuseumRecord record);

    /// <summary>Adds a dead letter that a replay fixed: its row is removed from the dead-letter table.</summary>
    void AddResolvedDeadLetter(ResolvedDeadLetter letter);

    /// <summary>
    /// Writes everything added, checks the lease and moves the checkpoint as <paramref name="completion"/> says, in one
    /// transaction; returns what the batch did. Whether it succeeds or throws, the session is finished after this call.
    /// </summary>
    Task<BatchResult> CompleteAsync(SessionCompletion completion, CancellationToken cancellationToken);
}
