using System.Data.Common;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage;

/// <summary>
/// The statements of one SQL dialect that the shared steps of <see cref="AdoSyncStore{TStore, TConnection, TCommand}"/>
/// run (the text differs, the steps do not). <see cref="Schema"/> is the validated, quoted schema; every value is a parameter.
/// </summary>
internal sealed class AdoStatements
{
    public required string Schema { get; init; }

    /// <summary>The schema's migrations; <c>{s}</c> in their SQL stands for <see cref="Schema"/> (<see cref="Migration"/>).</summary>
    public required IReadOnlyList<(int Version, string Description, string Sql)> Migrations { get; init; }

    /// <summary>Takes the schema lock (<c>@lock</c>) for the rest of the transaction.</summary>
    public required string SchemaLock { get; init; }

    public required string Bootstrap { get; init; }
    public required string MigrationApplied { get; init; }
    public required string MigrationRecord { get; init; }
    public required string MigrationVersions { get; init; }

    /// <summary>Every checkpoint, in ordinal order of the source.</summary>
    public required string SelectCheckpoints { get; init; }

    /// <summary>The checkpoint of <c>@source</c>.</summary>
    public required string SelectCheckpoint { get; init; }

    public required string SetCheckpoint { get; init; }
    public required string ResetCheckpoint { get; init; }

    /// <summary>The first <c>@limit</c> dead letters by id, of <c>@source</c> and since <c>@since</c> when those are not null (<see cref="DeadLetterRow"/>'s columns).</summary>
    public required string SelectDeadLetters { get; init; }

    public required string ClaimLease { get; init; }
    public required string SelectLease { get; init; }
    public required string TakeOverLease { get; init; }
    public required string RenewLease { get; init; }
    public required string ReleaseLease { get; init; }

    /// <summary>The rows of <c>@source</c> and how many of them <c>@ids</c> names (<see cref="AdoDialect.BindIds"/>).</summary>
    public required string CountForDelete { get; init; }

    public required string BudgetReserve { get; init; }
    public required string BudgetEnsure { get; init; }
    public required string BudgetReturn { get; init; }
    public required string BudgetSelect { get; init; }

    public required string OcrCandidates { get; init; }
    public required string OcrLayers { get; init; }
    public required string OcrUpsertLayer { get; init; }
    public required string OcrResolveDeadLetter { get; init; }

    /// <summary>Inserts or counts again an OCR dead letter; returns its attempt count.</summary>
    public required string OcrUpsertDeadLetter { get; init; }

    /// <summary>A migration's SQL for this schema.</summary>
    public string Migration(string sql) => sql.Replace("{s}", Schema, StringComparison.Ordinal);
}

/// <summary>What a parameter holds; each dialect maps it to its own type (SQL Server to its column's type and length).</summary>
internal enum AdoType
{
    /// <summary>A source name (SQL Server: <c>nvarchar(100)</c>).</summary>
    Source,

    /// <summary>An object id (SQL Server: <c>nvarchar(350)</c>).</summary>
    ObjectId,

    /// <summary>A short text, e.g. a migration's description (SQL Server: <c>nvarchar(200)</c>).</summary>
    Description,

    /// <summary>Text of any length.</summary>
    Text,

    /// <summary>A 32-bit integer.</summary>
    Int,

    /// <summary>A UTC time, kept to the millisecond (a <see cref="DateTimeOffset"/>).</summary>
    Time,

    /// <summary>A 16-byte hash.</summary>
    Hash,
}

/// <summary>
/// What differs between the server stores (PostgreSQL, SQL Server) for the steps they share: the SQL
/// (<see cref="AdoStatements"/>), how parameters are named and typed, how times are read, and which errors mean
/// "no schema yet", "try again" or "a database error".
/// </summary>
internal abstract class AdoDialect(AdoStatements statements)
{
    public AdoStatements Sql { get; } = statements;

    /// <summary>Adds the parameter <paramref name="name"/> (without a prefix); a null value is a NULL of that type.</summary>
    public abstract void Add(DbCommand cmd, string name, AdoType type, object? value);

    /// <summary>Binds the lease's resource and holder.</summary>
    public void BindLease(DbCommand cmd, string resource, string holderId)
    {
        BindResource(cmd, resource);
        BindHolderId(cmd, "holder", holderId);
    }

    /// <summary>Binds a source name as <c>source</c>.</summary>
    public void BindSource(DbCommand cmd, string source) => Add(cmd, "source", AdoType.Source, source);

    /// <summary>Binds the leased resource.</summary>
    public abstract void BindResource(DbCommand cmd, string resource);

    /// <summary>Binds a holder id as <paramref name="name"/> (<c>holder</c>, or <c>previous</c> for the holder a take-over replaces).</summary>
    public abstract void BindHolderId(DbCommand cmd, string name, string holderId);

    /// <summary>Binds the claiming worker's host, process id and process start time.</summary>
    public abstract void BindHolder(DbCommand cmd, LeaseIdentity me);

    /// <summary>Binds how long the lease lasts.</summary>
    public abstract void BindDuration(DbCommand cmd, TimeSpan duration);

    /// <summary>Binds what a manual checkpoint change sets (besides its source).</summary>
    public abstract void BindCheckpointChange(DbCommand cmd, CheckpointChange change);

    /// <summary>Binds the schema lock's name (<see cref="AdoStatements.SchemaLock"/>), and how long it may wait: the command's timeout.</summary>
    public abstract void BindSchemaLock(DbCommand cmd, string lockName);

    /// <summary>Binds what <see cref="AdoStatements.Bootstrap"/> takes besides the schema in its text.</summary>
    public abstract void BindBootstrap(DbCommand cmd, string schema);

    /// <summary>Binds object ids as one parameter <paramref name="name"/> (<see cref="AdoStatements.CountForDelete"/>).</summary>
    public abstract void BindIds(DbCommand cmd, string name, IReadOnlyCollection<string> ids);

    /// <summary>Binds a text layer's values (<see cref="OcrTextSql.LayerParameters"/>).</summary>
    public abstract void BindLayer(DbCommand cmd, MuseumRecordText layer);

    /// <summary>A stored UTC time.</summary>
    public abstract DateTimeOffset ReadTime(DbDataReader r, int ordinal);

    /// <summary>True when the error says the store's tables are not there (no schema yet).</summary>
    public abstract bool IsMissingTable(DbException ex);

    /// <summary>True for the errors of the database or its client that become a <see cref="SyncStoreException"/>.</summary>
    public abstract bool IsStoreError(Exception ex);

    /// <summary>True when running the whole unit of work again may succeed.</summary>
    public abstract bool IsTransient(Exception ex);

    /// <summary>Runs a statement and returns the rows it changed, as the dialect's statements report them.</summary>
    public virtual Task<int> AffectedAsync(DbCommand cmd, CancellationToken ct) => cmd.ExecuteNonQueryAsync(ct);
}
