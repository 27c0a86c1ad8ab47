using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage.SqlServer;

/// <summary>SQL Server's parameters and times for the shared lease and checkpoint code.</summary>
internal sealed class SqlServerDialect(SqlServerStatements sql, Func<DbConnection, string, DbTransaction?, DbCommand> command)
    : AdoDialect(new AdoStatements(sql.ClaimLease, sql.SelectLease, sql.TakeOverLease, sql.RenewLease, sql.ReleaseLease, sql.SetCheckpoint, sql.ResetCheckpoint), command)
{
    public override void BindResource(DbCommand cmd, string resource) => P(cmd).Add("@resource", SqlDbType.NVarChar, 200).Value = resource;

    public override void BindHolderId(DbCommand cmd, string name, string holderId) => P(cmd).Add("@" + name, SqlDbType.VarChar, 64).Value = holderId;

    public override void BindHolder(DbCommand cmd, LeaseIdentity me)
    {
        P(cmd).Add("@host", SqlDbType.NVarChar, 256).Value = me.Host;
        P(cmd).Add("@pid", SqlDbType.Int).Value = me.ProcessId;
        P(cmd).Add("@started", SqlDbType.DateTime2).Value = me.ProcessStarted is { } s ? SqlServerSyncStore.Db(s) : DBNull.Value;
    }

    public override void BindDuration(DbCommand cmd, TimeSpan duration) => P(cmd).Add("@milliseconds", SqlDbType.Int).Value = (int)duration.TotalMilliseconds;

    public override void BindSource(DbCommand cmd, string source) => P(cmd).Add("@source", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = source;

    public override void BindCheckpointChange(DbCommand cmd, CheckpointChange change)
    {
        P(cmd).Add("@set_cursor", SqlDbType.Bit).Value = change.SetCursor;
        P(cmd).Add("@cursor", SqlDbType.NVarChar, -1).Value = (object?)change.Cursor ?? DBNull.Value;
        P(cmd).Add("@set_watermark", SqlDbType.Bit).Value = change.SetWatermark;
        P(cmd).Add("@watermark", SqlDbType.NVarChar, 200).Value = (object?)change.Watermark ?? DBNull.Value;
    }

    public override DateTimeOffset ReadTime(DbDataReader r, int ordinal) => SqlServerSyncStore.Utc(r.GetDateTime(ordinal));

    public override bool IsMissingTable(DbException ex) => ex is SqlException sql && SqlServerSyncStore.IsMissingTable(sql);

    public override Task<int> AffectedAsync(DbCommand cmd, CancellationToken ct) => SqlServerSyncStore.AffectedAsync((SqlCommand)cmd, ct);

    private static SqlParameterCollection P(DbCommand cmd) => ((SqlCommand)cmd).Parameters;
}
