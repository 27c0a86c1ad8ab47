using Microsoft.Data.Sqlite;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Core.Tests.Storage.Sqlite;

/// <summary>
/// A migrated SQLite store in a temporary folder of its own. Disposing closes the store that <see cref="Store"/> holds
/// then (a test may close it and open the file again), clears the connection pools and deletes the folder.
/// </summary>
internal sealed class SqliteTestDatabase : IAsyncDisposable
{
    private SqliteTestDatabase(string fileName)
    {
        Directory = TestPaths.TempDirectory();
        Path = System.IO.Path.Combine(Directory, fileName);
    }

    /// <summary>The folder of the database, for the other files a test writes.</summary>
    public string Directory { get; }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The open store; a test that reopens the file sets the new one here, so that disposing closes it.</summary>
    public SqliteSyncStore Store { get; set; } = null!;

    /// <summary>Creates the database file and applies every migration.</summary>
    public static async Task<SqliteTestDatabase> CreateAsync(string fileName = "sync.db")
    {
        var db = new SqliteTestDatabase(fileName);
        db.Store = await SqliteSyncStore.OpenAsync(db.Path, create: true, CancellationToken.None);
        await db.Store.InitializeAsync(CancellationToken.None);
        return db;
    }

    /// <summary>Every row <paramref name="sql"/> returns from the database at <paramref name="path"/>, opened read-only (DBNull as null).</summary>
    public static async Task<List<object?[]>> ReadRowsAsync(string path, string sql)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await r.ReadAsync())
        {
            var row = new object?[r.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
