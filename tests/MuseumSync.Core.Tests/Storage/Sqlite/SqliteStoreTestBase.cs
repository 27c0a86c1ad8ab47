using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Core.Tests.Storage.Sqlite;

/// <summary>Tests that each get a migrated SQLite store of their own (<see cref="SqliteTestDatabase"/>), deleted after the test.</summary>
public abstract class SqliteStoreTestBase : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;

    // The names of the fields the test classes had before they shared this setup, so their tests read as they did.
    /// <summary>The database's own folder.</summary>
    private protected string _dir => _db.Directory;

    /// <summary>The database file (sync.db).</summary>
    private protected string DbPath => _db.Path;

    /// <summary>The open store; a test that reopens the file sets the new one, which the cleanup then closes.</summary>
    private protected SqliteSyncStore _store { get => _db.Store; set => _db.Store = value; }

    public async Task InitializeAsync() => _db = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();
}
