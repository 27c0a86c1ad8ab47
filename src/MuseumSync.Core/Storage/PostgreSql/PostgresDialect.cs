using System.Data.Common;
using MuseumSync.Storage.Leases;
using Npgsql;
using NpgsqlTypes;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>PostgreSQL's parameters and times for the shared lease and checkpoint code.</summary>
internal sealed class PostgresDialect(PostgresStatements sql, Func<DbConnection, string, DbTransaction?, DbCommand> command)
    : AdoDialect(new AdoStatements(sql.ClaimLease, sql.SelectLease, sql.TakeOverLease, sql.RenewLease, sql.ReleaseLease, sql.SetCheckpoint, sql.ResetCheckpoint), command)
{
    public override void BindResource(DbCommand cmd, string resource) => P(cmd).AddWithValue("resource", resource);

    public override void BindHolderId(DbCommand cmd, string name, string holderId) => P(cmd).AddWithValue(name, holderId);

    public override void BindHolder(DbCommand cmd, LeaseIdentity me)
    {
        P(cmd).AddWithValue("host", me.Host);
        P(cmd).AddWithValue("pid", me.ProcessId);
        P(cmd).AddWithValue("started", NpgsqlDbType.TimestampTz, me.ProcessStarted is { } s ? PostgresSyncStore.Utc(s) : DBNull.Value);
    }

    public override void BindDuration(DbCommand cmd, TimeSpan duration) => P(cmd).AddWithValue("seconds", NpgsqlDbType.Double, duration.TotalSeconds);

    public override void BindSource(DbCommand cmd, string source) => P(cmd).AddWithValue("source", source);

    public override void BindCheckpointChange(DbCommand cmd, CheckpointChange change)
    {
        P(cmd).AddWithValue("setCursor", change.SetCursor);
        P(cmd).AddWithValue("cursor", NpgsqlDbType.Text, (object?)change.Cursor ?? DBNull.Value);
        P(cmd).AddWithValue("setWatermark", change.SetWatermark);
        P(cmd).AddWithValue("watermark", NpgsqlDbType.Text, (object?)change.Watermark ?? DBNull.Value);
    }

    public override DateTimeOffset ReadTime(DbDataReader r, int ordinal) => r.GetFieldValue<DateTimeOffset>(ordinal);

    public override bool IsMissingTable(DbException ex) => ex is PostgresException pg && PostgresSyncStore.IsMissingTable(pg);

    private static NpgsqlParameterCollection P(DbCommand cmd) => ((NpgsqlCommand)cmd).Parameters;
}
