using System.Data;
using System.Text.Json;

namespace MuseumSync.Storage.SqlServer;

/// <summary>The delete guard's counts on SQL Server.</summary>
internal sealed partial class SqlServerSyncStore : IDeleteCounts
{
    /// <summary>The statement of <see cref="CountForDeleteAsync"/> for a quoted schema (OPENJSON: SQL Server 2016 and later).</summary>
    internal static string CountForDeleteSql(string schema) => $"""
        SELECT (SELECT COUNT_BIG(*) FROM {schema}.museum_records WHERE source = @source),
               (SELECT COUNT_BIG(*) FROM {schema}.museum_records WHERE source = @source
                    AND object_id IN (SELECT id FROM OPENJSON(@ids) WITH (id nvarchar(350) '$')));
        """;

    /// <inheritdoc />
    public Task<(long Rows, long Named)> CountForDeleteAsync(string source, IReadOnlyCollection<string> objectIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(objectIds);
        return RunAsync(static async (s, state, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, CountForDeleteSql(s._sql.Schema));
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.Add("@source", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = state.source;
                cmd.Parameters.Add("@ids", SqlDbType.NVarChar, -1).Value = JsonSerializer.Serialize(state.objectIds);
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
