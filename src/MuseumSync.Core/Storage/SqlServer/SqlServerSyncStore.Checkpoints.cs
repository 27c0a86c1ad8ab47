using System.Data;
using Microsoft.Data.SqlClient;

namespace MuseumSync.Storage.SqlServer;

/// <summary>Manual checkpoint changes on SQL Server.</summary>
internal sealed partial class SqlServerSyncStore
{
    /// <inheritdoc />
    public Task<SyncCheckpoint> SetCheckpointAsync(CheckpointChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrWhiteSpace(change.Source);
        return RunAsync(static async (s, ch, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            using var tx = (SqlTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, s._sql.SetCheckpoint, tx);
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.Add("@source", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = ch.Source;
                cmd.Parameters.Add("@set_cursor", SqlDbType.Bit).Value = ch.SetCursor;
                cmd.Parameters.Add("@cursor", SqlDbType.NVarChar, -1).Value = (object?)ch.Cursor ?? DBNull.Value;
                cmd.Parameters.Add("@set_watermark", SqlDbType.Bit).Value = ch.SetWatermark;
                cmd.Parameters.Add("@watermark", SqlDbType.NVarChar, 200).Value = (object?)ch.Watermark ?? DBNull.Value;
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var after = await s.ReadCheckpointsAsync(ch.Source, tx, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return after[0];
        }, change, $"set the checkpoint of '{change.Source}' in", cancellationToken);
    }

    /// <inheritdoc />
    public Task<SyncCheckpoint?> ResetCheckpointAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return RunAsync(static async (s, src, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, s._sql.ResetCheckpoint);
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.Add("@source", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = src;
                try
                {
                    if (await AffectedAsync(cmd, ct).ConfigureAwait(false) == 0) return null;
                }
                catch (SqlException ex) when (IsMissingTable(ex))
                {
                    return null;
                }
            }
            return (await s.ReadCheckpointsAsync(src, null, ct).ConfigureAwait(false))[0];
        }, source, $"reset the checkpoint of '{source}' in", cancellationToken);
    }
}
