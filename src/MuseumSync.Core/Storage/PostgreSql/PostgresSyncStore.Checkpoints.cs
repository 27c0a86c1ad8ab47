using Npgsql;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>Manual checkpoint changes on PostgreSQL (the steps are <see cref="AdoCheckpoints"/>).</summary>
internal sealed partial class PostgresSyncStore
{
    /// <inheritdoc />
    public Task<SyncCheckpoint> SetCheckpointAsync(CheckpointChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrWhiteSpace(change.Source);
        return RunAsync(static async (s, ch, ct) => await AdoCheckpoints.SetAsync(s.Dialect, await s.ConnectionAsync(ct).ConfigureAwait(false), ch,
                (tx, t) => s.ReadCheckpointsAsync(ch.Source, (NpgsqlTransaction)tx, t), ct).ConfigureAwait(false),
            change, $"set the checkpoint of '{change.Source}' in", cancellationToken);
    }

    /// <inheritdoc />
    public Task<SyncCheckpoint?> ResetCheckpointAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return RunAsync(static async (s, src, ct) => await AdoCheckpoints.ResetAsync(s.Dialect, await s.ConnectionAsync(ct).ConfigureAwait(false), src,
                t => s.ReadCheckpointsAsync(src, null, t), ct).ConfigureAwait(false),
            source, $"reset the checkpoint of '{source}' in", cancellationToken);
    }
}
