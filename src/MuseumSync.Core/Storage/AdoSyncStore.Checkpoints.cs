using System.Data.Common;

namespace MuseumSync.Storage;

/// <summary>Manual checkpoint changes on a server store (<c>Set-SyncCheckpoint</c>, <c>Reset-SyncCheckpoint</c>).</summary>
internal abstract partial class AdoSyncStore<TStore, TConnection, TCommand>
{
    /// <inheritdoc cref="ISyncStore.SetCheckpointAsync" />
    public Task<SyncCheckpoint> SetCheckpointAsync(CheckpointChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentException.ThrowIfNullOrWhiteSpace(change.Source);
        return RunAsync(static async (s, ch, ct) =>
        {
            // The change and the checkpoint read back, in one transaction.
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            var cmd = s.Command(c, s.Sql.SetCheckpoint, tx);
            await using (cmd.ConfigureAwait(false))
            {
                s.Dialect.BindSource(cmd, ch.Source);
                s.Dialect.BindCheckpointChange(cmd, ch);
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var after = await s.ReadCheckpointsAsync(ch.Source, tx, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return after[0];
        }, change, $"set the checkpoint of '{change.Source}' in", cancellationToken);
    }

    /// <inheritdoc cref="ISyncStore.ResetCheckpointAsync" />
    public Task<SyncCheckpoint?> ResetCheckpointAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return RunAsync(static async (s, src, ct) =>
        {
            var cmd = s.Command(await s.ConnectionAsync(ct).ConfigureAwait(false), s.Sql.ResetCheckpoint);
            await using (cmd.ConfigureAwait(false))
            {
                s.Dialect.BindSource(cmd, src);
                try
                {
                    if (await s.Dialect.AffectedAsync(cmd, ct).ConfigureAwait(false) == 0) return null;
                }
                catch (DbException ex) when (s.Dialect.IsMissingTable(ex))
                {
                    // No schema yet: no checkpoint.
                    return null;
                }
            }
            return (await s.ReadCheckpointsAsync(src, null, ct).ConfigureAwait(false))[0];
        }, source, $"reset the checkpoint of '{source}' in", cancellationToken);
    }
}
