using Microsoft.Data.Sqlite;

namespace MuseumSync.Storage.Sqlite;

/// <summary>Runs one migration's SQL, keeping the indexes an administrator made on a column that migration replaces.</summary>
internal sealed partial class SqliteSyncStore
{
    /// <summary>The migrations that drop and re-add a column of <c>museum_records</c>, by version: the column.</summary>
    private static readonly Dictionary<int, string> s_replacedColumns = new() { [9] = "creation_sort" };

    private async Task MigrateAsync(int version, string sql, SqliteTransaction tx, CancellationToken cancellationToken)
    {
        // SQLite's DROP COLUMN refuses a column that an index names, so such an index (ORDER BY creation_sort is what
        // the docs suggest) is dropped first and made again, from its own definition, on the column that replaces it.
        var kept = new List<(string Name, string Sql)>();
        if (s_replacedColumns.TryGetValue(version, out var column))
        {
            using var find = _connection.CreateCommand();
            find.Transaction = tx;
            find.CommandText = """
                SELECT DISTINCT s.name, s.sql FROM sqlite_schema AS s, pragma_index_xinfo(s.name) AS c
                WHERE s.type = 'index' AND s.tbl_name = 'museum_records' AND s.sql IS NOT NULL AND c.name = $column
                """;
            find.Parameters.AddWithValue("$column", column);
            using var r = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) kept.Add((r.GetString(0), r.GetString(1)));
        }
        foreach (var (name, _) in kept) await ExecAsync(tx, "DROP INDEX \"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"", cancellationToken).ConfigureAwait(false);
        await ExecAsync(tx, sql, cancellationToken).ConfigureAwait(false);
        foreach (var (_, create) in kept) await ExecAsync(tx, create, cancellationToken).ConfigureAwait(false);
    }

    private async Task ExecAsync(SqliteTransaction tx, string sql, CancellationToken cancellationToken)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
