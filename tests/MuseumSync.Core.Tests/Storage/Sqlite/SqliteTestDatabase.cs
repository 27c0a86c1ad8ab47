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

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
