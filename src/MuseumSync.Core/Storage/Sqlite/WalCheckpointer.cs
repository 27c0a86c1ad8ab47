using Microsoft.Data.Sqlite;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// Copies committed WAL frames into the database file on a connection and thread of its own, so the committing
/// thread (the slowest stage of a sync) never stops to checkpoint. The store calls <see cref="Committed"/> after each
/// commit with about how many bytes it wrote; a checkpoint starts once <see cref="ThresholdBytes"/> have been committed
/// since the last one, or <see cref="MaxDelay"/> after the first commit it has not copied yet, whichever comes first.
/// Commits that come while a checkpoint runs are folded into the next one.
/// </summary>
/// <remarks>
/// Checkpoints are PASSIVE: they never wait for, or block, the writer or readers, and copy what they can. Each one
/// fsyncs the WAL and then the database file, so fewer, larger checkpoints cost fewer fsyncs and copy the pages that
/// consecutive batches share (the last leaf and its parents of the table and of the key index) once instead of once per
/// batch: with a checkpoint per batch of 1,000 records the fsyncs alone took about 3% of a 1M-record sync's CPU
/// (docs/guide/performance.md). A committed batch is in the WAL (written through the OS) before its commit returns, so
/// it survives the process being killed whenever checkpoints run; under <c>synchronous=NORMAL</c> a batch is fsynced
/// by the next checkpoint, at most <see cref="MaxDelay"/> after its commit (or when the store closes), so after an OS
/// crash or power loss the batches of about the last second may roll back, with their checkpoint.
/// <para>
/// The threshold is half of SQLite's own automatic checkpoint (1,000 pages, the default, left on in the writer as a
/// safety net), so the writer does not checkpoint by itself while this keeps up, and the WAL stays bounded even if
/// this thread cannot keep up. A failed checkpoint is not an error of the sync (the frames stay in the WAL, readable and
/// durable); the next commit tries again.
/// </para>
/// </remarks>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>The longest a commit waits for the checkpoint that copies (and fsyncs) it: 1 second.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly object _lock = new();
    private readonly ITimer _timer;
    private SqliteConnection? _connection;
    private Task _running = Task.CompletedTask;
    private long _pending;
    private bool _timerArmed;
    private bool _requested;
    private bool _disposed;

    /// <summary>A checkpointer for the database of <paramref name="connectionString"/>, whose pages are <paramref name="pageSize"/> bytes.</summary>
    public WalCheckpointer(string connectionString, int pageSize, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 512);
        _connectionString = connectionString;
        ThresholdBytes = pageSize * 500L;
        _timer = time.CreateTimer(static state => ((WalCheckpointer)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The bytes committed that start a checkpoint at once: half of SQLite's automatic checkpoint, 500 pages (8 MiB with 16 KiB pages).</summary>
    public long ThresholdBytes { get; }

    /// <summary>Checkpoints that ran, for tests and diagnostics.</summary>
    public int Completed { get; private set; }

    /// <summary>Says that a commit wrote about <paramref name="bytes"/> to the WAL; starts a checkpoint when one is due, and returns at once.</summary>
    public void Committed(long bytes)
    {
        lock (_lock)
        {
            if (_disposed) return;
            _pending += Math.Max(1, bytes);
            if (_pending >= ThresholdBytes) StartLocked();
            else if (!_timerArmed)
            {
                _timerArmed = true;
                _timer.Change(MaxDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            _timerArmed = false;
            if (_disposed || _pending == 0) return;
            StartLocked();
        }
    }

    private void StartLocked()
    {
        _pending = 0;
        _requested = true;
        if (_timerArmed)
        {
            _timerArmed = false;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        if (_running.IsCompleted) _running = Task.Run(Loop);
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
                // The frames stay in the WAL (durable and readable); the writer's automatic checkpoint or the next commit copies them.
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
        await _timer.DisposeAsync().ConfigureAwait(false);
        await running.ConfigureAwait(false);
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
