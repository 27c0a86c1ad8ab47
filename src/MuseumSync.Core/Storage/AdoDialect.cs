using System.Data.Common;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage;

/// <summary>The lease and checkpoint statements of one SQL dialect (the text differs, the steps do not).</summary>
internal sealed record AdoStatements(string ClaimLease, string SelectLease, string TakeOverLease, string RenewLease, string ReleaseLease, string SetCheckpoint, string ResetCheckpoint);

/// <summary>
/// How a server store (PostgreSQL, SQL Server) makes commands, binds the lease and checkpoint parameters and reads their
/// times: all that differs between the two for <see cref="AdoLeases"/> and <see cref="AdoCheckpoints"/>.
/// </summary>
internal abstract class AdoDialect(AdoStatements statements, Func<DbConnection, string, DbTransaction?, DbCommand> command)
{
    public AdoStatements Sql { get; } = statements;

    public DbCommand Command(DbConnection c, string sql, DbTransaction? tx = null) => command(c, sql, tx);

    /// <summary>Binds the lease's resource and holder.</summary>
    public void BindLease(DbCommand cmd, string resource, string holderId)
    {
        BindResource(cmd, resource);
        BindHolderId(cmd, "holder", holderId);
    }

    /// <summary>Binds the leased resource.</summary>
    public abstract void BindResource(DbCommand cmd, string resource);

    /// <summary>Binds a holder id as <paramref name="name"/> (<c>holder</c>, or <c>previous</c> for the holder a take-over replaces).</summary>
    public abstract void BindHolderId(DbCommand cmd, string name, string holderId);

    /// <summary>Binds the claiming worker's host, process id and process start time.</summary>
    public abstract void BindHolder(DbCommand cmd, LeaseIdentity me);

    /// <summary>Binds how long the lease lasts.</summary>
    public abstract void BindDuration(DbCommand cmd, TimeSpan duration);

    /// <summary>Binds a source name.</summary>
    public abstract void BindSource(DbCommand cmd, string source);

    /// <summary>Binds what a manual checkpoint change sets (besides its source).</summary>
    public abstract void BindCheckpointChange(DbCommand cmd, CheckpointChange change);

    /// <summary>A stored UTC time.</summary>
    public abstract DateTimeOffset ReadTime(DbDataReader r, int ordinal);

    /// <summary>True when the error says the store's tables are not there (no schema yet).</summary>
    public abstract bool IsMissingTable(DbException ex);

    /// <summary>Runs a statement and returns the rows it changed, as the dialect's statements report them.</summary>
    public virtual Task<int> AffectedAsync(DbCommand cmd, CancellationToken ct) => cmd.ExecuteNonQueryAsync(ct);
}
