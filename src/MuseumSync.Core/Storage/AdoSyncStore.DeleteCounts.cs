namespace MuseumSync.Storage;

/// <summary>The delete guard's counts on a server store.</summary>
internal abstract partial class AdoSyncStore<TStore, TConnection, TCommand> : IDeleteCounts
{
    /// <inheritdoc />
    public Task<(long Rows, long Named)> CountForDeleteAsync(string source, IReadOnlyCollection<string> objectIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(objectIds);
        return RunAsync(static async (s, state, ct) =>
        {
            var cmd = s.Command(await s.ConnectionAsync(ct).ConfigureAwait(false), s.Sql.CountForDelete);
            await using (cmd.ConfigureAwait(false))
            {
                s.Dialect.BindSource(cmd, state.source);
                s.Dialect.BindIds(cmd, "ids", state.objectIds);
                var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    return (reader.GetInt64(0), reader.GetInt64(1));
                }
            }
        }, (source, objectIds), $"count the rows of '{source}' before deleting in", cancellationToken);
    }
}
