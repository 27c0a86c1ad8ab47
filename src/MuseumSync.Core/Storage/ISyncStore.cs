using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage;

/// <summary>
/// What every database MuseumSync writes to provides (SQLite, SQL Server, PostgreSQL). The one rule that matters:
/// a batch session (<see cref="BeginSession"/>, then <see cref="ISyncSession.CompleteAsync"/>) writes the records, the
/// deletions, the dead letters and the checkpoint in ONE transaction, so a run killed at any moment resumes with nothing lost and nothing doubled. A store is used by one
/// caller at a time; its lease renewals may come from another thread and are serialised with the other calls.
/// </summary>
public interface ISyncStore : IAsyncDisposable
{
    /// <summary>The provider name (<c>Sqlite</c>, <c>SqlServer</c>, <c>PostgreSql</c>).</summary>
    string Provider { get; }

    /// <summary>Where the data lives, for messages: the SQLite file, or the server and database (never a secret).</summary>
    string DisplayName { get; }

    /// <summary>Creates or upgrades the schema (versioned migrations, recorded in <c>schema_migrations</c>). Safe to call on every run and from several workers at once.</summary>
    /// <returns>The migrations applied by this call (empty when the schema was current).</returns>
    Task<IReadOnlyList<SchemaMigration>> InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The schema version in the database and the migrations still to apply; changes nothing.</summary>
    Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken);

    /// <summary>The checkpoints, all of them or the one of <paramref name="source"/>; empty when the schema is not there yet.</summary>
    Task<IReadOnlyList<SyncCheckpoint>> GetCheckpointsAsync(string? source, CancellationToken cancellationToken);

    /// <summary>Sets a source's cursor and/or watermark (creating its checkpoint row when there is none); returns the checkpoint after the change.</summary>
    Task<SyncCheckpoint> SetCheckpointAsync(CheckpointChange change, CancellationToken cancellationToken);

    /// <summary>Clears a source's cursor and watermark (the next run starts from the first page); the totals stay. Null when the source has no checkpoint.</summary>
    Task<SyncCheckpoint?> ResetCheckpointAsync(string source, CancellationToken cancellationToken);

    /// <summary>The dead letters that match <paramref name="query"/>, oldest first; empty when the schema is not there yet.</summary>
    Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a batch session for <paramref name="source"/>: it collects the valid records to upsert, the deletions, the
    /// dead letters and the resolved dead letters, and its <see cref="ISyncSession.CompleteAsync"/> writes them with the
    /// lease check and the checkpoint in one transaction. Touches no database until then; several sessions may be
    /// filled at once, and they complete one at a time.
    /// </summary>
    ISyncSession BeginSession(string source);

    /// <summary>Takes the lease on <see cref="LeaseRequest.Resource"/> when it is free, expired, or held by a dead process on this host.</summary>
    Task<LeaseAttempt> TryAcquireLeaseAsync(LeaseRequest request, CancellationToken cancellationToken);

    /// <summary>Moves the lease's expiry forward; false when it is no longer held by this holder (it expired and another worker took it).</summary>
    Task<bool> RenewLeaseAsync(SyncLease lease, CancellationToken cancellationToken);

    /// <summary>Gives the lease up (nothing happens when another holder has it by now).</summary>
    Task ReleaseLeaseAsync(SyncLease lease, CancellationToken cancellationToken);
}
