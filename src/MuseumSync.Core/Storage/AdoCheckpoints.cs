using System.Data.Common;

namespace MuseumSync.Storage;

/// <summary>Manual checkpoint changes on a server store (<c>Set-SyncCheckpoint</c>, <c>Reset-SyncCheckpoint</c>); <see cref="AdoDialect"/> has the SQL.</summary>
internal static class AdoCheckpoints
{
    /// <summary>Applies the change and reads the checkpoint back, in one transaction.</summary>
    public static async Task<SyncCheckpoint> SetAsync(AdoDialect d, DbConnection c, CheckpointChange change,
        Func<DbTransaction, CancellationToken, Task<IReadOnlyList<SyncCheckpoint>>> read, CancellationToken ct)
    {
        var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        var cmd = d.Command(c, d.Sql.SetCheckpoint, tx);
        await using (cmd.ConfigureAwait(false))
        {
            d.BindSource(cmd, change.Source);
            d.BindCheckpointChange(cmd, change);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var after = await read(tx, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return after[0];
    }

    /// <summary>Clears the cursor and the watermark; null when the source has no checkpoint (or there is no schema yet).</summary>
    public static async Task<SyncCheckpoint?> ResetAsync(AdoDialect d, DbConnection c, string source,
        Func<CancellationToken, Task<IReadOnlyList<SyncCheckpoint>>> read, CancellationToken ct)
    {
        var cmd = d.Command(c, d.Sql.ResetCheckpoint);
        await using (cmd.ConfigureAwait(false))
        {
            d.BindSource(cmd, source);
            try
            {
                if (await d.AffectedAsync(cmd, ct).ConfigureAwait(false) == 0) return null;
            }
            catch (DbException ex) when (d.IsMissingTable(ex))
            {
                return null;
            }
        }
        return (await read(ct).ConfigureAwait(false))[0];
    }
}
