using Microsoft.Data.Sqlite;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// Copies committed WAL frames into the database file on a connection and thread of its own, so the committing
/// thread (the slowest stage of a sync) never stops to checkpoint. <see cref="Request"/> after each commit; requests
/// that come while a checkpoint runs are folded into the next one.
/// </summary>
/// <remarks>
/// Checkpoints are PASSIVE: they never wait for, or block, the writer or readers, and copy what they can. Durability is
/// unchanged (a committed batch is in the WAL either way; a checkpoint fsyncs the WAL and then the database file). The
/// writer keeps SQLite's own automatic checkpoint (at 1,000 pages, the default) as a safety net, so the WAL stays
/// bounded even if this thread cannot keep up (a higher threshold was no faster and let the WAL grow larger: figures in
/// docs/guide/performance.md). A failed checkpoint is not an error of the sync (the frames stay in the WAL, readable and
/// durable); the next request tries again.
/// </remarks>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly object _lock = new();
    private SqliteConnection? _connection;
    private Task _running = Task.CompletedTask;
    private bool _requested;
    private bool _disposed;

    public WalCheckpointer(string connectionString)
    {
        _connectionString = connectionString;
    }

    /// <summary>Checkpoints that ran, for tests and diagnostics.</summary>
    public int Completed { get; private set; }

    /// <summary>Asks for a checkpoint soon; returns at once.</summary>
    public void Request()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _requested = true;
            if (_running.IsCompleted) _running = Task.Run(Loop);
        }
    }

    private void Loop()
    {
        while (true)
        {
            lock (_lock)
            {
                if (!_requested || _disposed) return;
                _requested = false;
            }
            try
            {
                if (_connection is null)
                {
                    _connection = new SqliteConnection(_connectionString);
                    _connection.Open();
                }
                using var cmd = _connection.CreateCommand();
                cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                cmd.ExecuteNonQuery();
                Completed++;
            }
            catch (SqliteException)
            {
                // The frames stay in the WAL (durable and readable); the writer's automatic checkpoint or the next request copies them.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_lock)
        {
            _disposed = true;
            running = _running;
        }
        await running.ConfigureAwait(false);
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
