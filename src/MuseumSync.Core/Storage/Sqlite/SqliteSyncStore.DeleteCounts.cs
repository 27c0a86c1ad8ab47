using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace MuseumSync.Storage.Sqlite;

/// <summary>The delete guard's counts on SQLite.</summary>
internal sealed partial class SqliteSyncStore : IDeleteCounts
{
    /// <inheritdoc />
    public async Task<(long Rows, long Named)> CountForDeleteAsync(string source, IReadOnlyCollection<string> objectIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(objectIds);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT (SELECT COUNT(*) FROM museum_records WHERE source = $source),
                       (SELECT COUNT(*) FROM museum_records WHERE source = $source AND object_id IN (SELECT value FROM json_each($ids)))
                """;
            cmd.Parameters.AddWithValue("$source", source);
            cmd.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(objectIds));
            using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not count the rows of '{source}' in '{DatabasePath}' before deleting: {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }
}
