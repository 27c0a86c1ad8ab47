using Npgsql;
using NpgsqlTypes;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>Manual checkpoint changes on PostgreSQL.</summary>
internal sealed partial class PostgresSyncStore
{
    /// <inheritdoc />
    public Task<SyncCheckpoint> SetCheckpointAsync(CheckpointChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrWhiteSpace(change.Source);
        return RunAsync(static async (s, ch, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var cmd = s.Command(c, s._sql.SetCheckpoint, tx);
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.AddWithValue("source", ch.Source);
                cmd.Parameters.AddWithValue("setCursor", ch.SetCursor);
                cmd.Parameters.AddWithValue("cursor", NpgsqlDbType.Text, (object?)ch.Cursor ?? DBNull.Value);
                cmd.Parameters.AddWithValue("setWatermark", ch.SetWatermark);
                cmd.Parameters.AddWithValue("watermark", NpgsqlDbType.Text, (object?)ch.Watermark ?? DBNull.Value);
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
                cmd.Parameters.AddWithValue("source", src);
                try
                {
                    if (await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) return null;
                }
                catch (PostgresException ex) when (IsMissingTable(ex))
                {
                    return null;
                }
            }
            return (await s.ReadCheckpointsAsync(src, null, ct).ConfigureAwait(false))[0];
        }, source, $"reset the checkpoint of '{source}' in", cancellationToken);
    }
}
