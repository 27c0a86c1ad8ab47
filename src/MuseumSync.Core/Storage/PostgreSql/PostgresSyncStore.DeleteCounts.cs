namespace MuseumSync.Storage.PostgreSql;

/// <summary>The delete guard's counts on PostgreSQL.</summary>
internal sealed partial class PostgresSyncStore : IDeleteCounts
{
    /// <inheritdoc />
    public Task<(long Rows, long Named)> CountForDeleteAsync(string source, IReadOnlyCollection<string> objectIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(objectIds);
        return RunAsync(static async (s, state, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, $"""
                SELECT (SELECT count(*) FROM {s._sql.Schema}.museum_records WHERE source = @source),
                       (SELECT count(*) FROM {s._sql.Schema}.museum_records WHERE source = @source AND object_id = ANY(@ids))
                """);
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.AddWithValue("source", state.source);
                cmd.Parameters.AddWithValue("ids", state.objectIds.ToArray());
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
