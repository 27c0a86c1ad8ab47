using Microsoft.Data.Sqlite;

namespace MuseumSync.Storage.Sqlite;

/// <summary>Manual checkpoint changes on SQLite (<c>Set-SyncCheckpoint</c>, <c>Reset-SyncCheckpoint</c>).</summary>
internal sealed partial class SqliteSyncStore
{
    /// <inheritdoc />
    public async Task<SyncCheckpoint> SetCheckpointAsync(CheckpointChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrWhiteSpace(change.Source);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using (var tx = _connection.BeginTransaction(deferred: false))
            using (var cmd = _connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = """
                    INSERT INTO sync_checkpoints (source, position, watermark, records_committed, dead_lettered, batches)
                    VALUES ($source, CASE WHEN $setCursor = 1 THEN $cursor END, CASE WHEN $setWatermark = 1 THEN $watermark END, 0, 0, 0)
                    ON CONFLICT (source) DO UPDATE SET
                        position = CASE WHEN $setCursor = 1 THEN $cursor ELSE sync_checkpoints.position END,
                        watermark = CASE WHEN $setWatermark = 1 THEN $watermark ELSE sync_checkpoints.watermark END
                    """;
                cmd.Parameters.AddWithValue("$source", change.Source);
                cmd.Parameters.AddWithValue("$setCursor", change.SetCursor ? 1 : 0);
                cmd.Parameters.AddWithValue("$cursor", (object?)change.Cursor ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$setWatermark", change.SetWatermark ? 1 : 0);
                cmd.Parameters.AddWithValue("$watermark", (object?)change.Watermark ?? DBNull.Value);
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                tx.Commit();
            }
            return (await ReadCheckpointsAsync(change.Source, cancellationToken).ConfigureAwait(false))[0];
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not set the checkpoint of '{change.Source}' in '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<SyncCheckpoint?> ResetCheckpointAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "UPDATE sync_checkpoints SET position = NULL, watermark = NULL WHERE source = $source";
            cmd.Parameters.AddWithValue("$source", source);
            try
            {
                if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0) return null;
            }
            catch (SqliteException ex) when (IsNoSuchTable(ex))
            {
                return null;
            }
            return (await ReadCheckpointsAsync(source, cancellationToken).ConfigureAwait(false))[0];
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not reset the checkpoint of '{source}' in '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }
}
