using Microsoft.Data.Sqlite;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Tests that each work in a temporary folder of their own (sync.psd1, museum.db, dumps), deleted after the test.</summary>
public abstract class TempFolderTests : IDisposable
{
    // _dir and Db keep the names the test classes gave their own copies before they shared this one.
    /// <summary>The test's own folder.</summary>
    protected string _dir { get; } = TestPaths.TempDirectory();

    /// <summary>museum.db in the test's folder.</summary>
    protected string Db => Path.Combine(_dir, "museum.db");

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Deletes the folder. The tests' own SQLite connections are let go first; a file something else still holds (a
    /// child process on Windows) leaves the folder to the system's temp cleanup rather than failing a test that passed.
    /// </summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
