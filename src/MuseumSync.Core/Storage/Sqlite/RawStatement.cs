using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// A statement prepared once on the connection and bound by index: the batch hot path. Microsoft.Data.Sqlite looks
/// every parameter up by name on each execution, which costs more than the insert itself at 100,000 rows.
/// Text is bound as UTF-8 (the database's encoding) through SQLitePCLRaw, which hands SQLite a copy
/// (<c>SQLITE_TRANSIENT</c>), so SQLite does not translate UTF-16 per value. Runs inside the transaction the connection has open.
/// During a run (<see cref="EnterDirect"/> until its end), with <see cref="SqliteNative"/> entry points, the
/// <c>…Pinned</c> binds hand SQLite the caller's bytes themselves (<c>SQLITE_STATIC</c>, no copy) and binding and
/// stepping call SQLite directly; without them (or outside a run) everything goes through SQLitePCLRaw.
/// </summary>
internal sealed unsafe class RawStatement : IDisposable
{
    private const int Row = 100;
    private const int Done = 101;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly SqliteNative? _native;
    private byte[] _scratch = new byte[1024];

    // The native handles during a direct run (zero otherwise); both SafeHandles are AddRef'd meanwhile.
    private IntPtr _stmtPtr;
    private IntPtr _dbPtr;

    /// <param name="connection">The open connection.</param>
    /// <param name="sql">The statement.</param>
    /// <param name="native">The entry points of the library that opened <paramref name="connection"/> (checked by the caller), or null to bind through SQLitePCLRaw only.</param>
    public RawStatement(SqliteConnection connection, string sql, SqliteNative? native = null)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
        _native = native;
    }

    /// <summary>True while binds and steps go straight to SQLite (between <see cref="EnterDirect"/> and the end of its run).</summary>
    public bool IsDirect => _stmtPtr != IntPtr.Zero;

    /// <summary>
    /// Starts a run of direct calls (when the statement has native entry points): the statement and connection handles
    /// are held (AddRef) until the run is disposed (<see cref="ExitDirect"/>), so neither can be released under the loop.
    /// </summary>
    public DirectRun EnterDirect()
    {
        if (_native is null || IsDirect) return default;
        bool stmtAdded = false, dbAdded = false;
        try
        {
            _db.DangerousAddRef(ref dbAdded);
            _stmt.DangerousAddRef(ref stmtAdded);
            _dbPtr = _db.DangerousGetHandle();
            _stmtPtr = _stmt.DangerousGetHandle();
            return new DirectRun(this);
        }
        catch
        {
            if (stmtAdded) _stmt.DangerousRelease();
            if (dbAdded) _db.DangerousRelease();
            _stmtPtr = _dbPtr = IntPtr.Zero;
            throw;
        }
    }

    /// <summary>
    /// Ends the run: resets the statement and clears every binding (the pinned bytes it pointed at may move or be reused
    /// after this), then lets the handles go. Values bound before <see cref="EnterDirect"/> are cleared too.
    /// </summary>
    public void ExitDirect()
    {
        if (!IsDirect) return;
        _native!.Reset(_stmtPtr);
        _native.ClearBindings(_stmtPtr);
        _stmtPtr = _dbPtr = IntPtr.Zero;
        _stmt.DangerousRelease();
        _db.DangerousRelease();
    }

    /// <summary>A run of direct calls; disposing it ends the run (<see cref="ExitDirect"/>).</summary>
    public readonly struct DirectRun : IDisposable
    {
        private readonly RawStatement? _statement;

        internal DirectRun(RawStatement statement) => _statement = statement;

        public void Dispose() => _statement?.ExitDirect();
    }

    /// <summary>Binds text (NULL for null), encoded as UTF-8.</summary>
    public void Text(int index, string? value)
    {
        if (value is null)
        {
            Null(index);
            return;
        }
        if (value.Length == 0)
        {
            // A span binding of no bytes passes SQLite a null pointer, which binds NULL; the empty string stays empty.
            Check(raw.sqlite3_bind_text(_stmt, index, string.Empty));
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > _scratch.Length) _scratch = new byte[Math.Max(max, _scratch.Length * 2)];
        var n = Encoding.UTF8.GetBytes(value, _scratch);
        Check(raw.sqlite3_bind_text(_stmt, index, _scratch.AsSpan(0, n)));
    }

    /// <summary>Binds NULL.</summary>
    public void Null(int index)
    {
        if (IsDirect) Check(_native!.BindNull(_stmtPtr, index));
        else Check(raw.sqlite3_bind_null(_stmt, index));
    }

    /// <summary>Binds text that is already UTF-8 (SQLite copies it).</summary>
    public void Utf8(int index, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) Check(raw.sqlite3_bind_text(_stmt, index, string.Empty));
        else Check(raw.sqlite3_bind_text(_stmt, index, value));
    }

    /// <summary>
    /// Binds UTF-8 text that stays where it is and unchanged until this statement's next <see cref="Execute"/> has
    /// finished and the parameter is bound again or the end of the run clears it: pinned or unmanaged memory, or
    /// a <c>u8</c> literal. In a direct run SQLite reads it in place; otherwise it is copied as <see cref="Utf8"/> does.
    /// An empty span binds an empty string, never NULL.
    /// </summary>
    public void Utf8Pinned(int index, ReadOnlySpan<byte> value)
    {
        if (!IsDirect)
        {
            Utf8(index, value);
            return;
        }
        // fixed on an empty span yields a null pointer, which SQLite binds as NULL: point at a literal instead.
        fixed (byte* p = value.IsEmpty ? EmptyText : value)
        {
            Check(_native!.BindStaticText(_stmtPtr, index, p, value.Length));
        }
    }

    /// <summary>Binds a blob that stays where it is (see <see cref="Utf8Pinned"/>); copied outside a direct run.</summary>
    public void BlobPinned(int index, ReadOnlySpan<byte> value)
    {
        if (!IsDirect || value.IsEmpty)
        {
            Blob(index, value);
            return;
        }
        fixed (byte* p = value)
        {
            Check(_native!.BindStaticBlob(_stmtPtr, index, p, value.Length));
        }
    }

    public void Blob(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_stmt, index, value));

    public void Int64(int index, long value)
    {
        if (IsDirect) Check(_native!.BindInt64(_stmtPtr, index, value));
        else Check(raw.sqlite3_bind_int64(_stmt, index, value));
    }

    /// <summary>Runs the statement to completion; returns the rows it changed.</summary>
    public int Execute()
    {
        if (IsDirect) return ExecuteDirect();
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_stmt)) == Row)
            {
            }
            if (rc != Done) Check(rc);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    private int ExecuteDirect()
    {
        var native = _native!;
        try
        {
            int rc;
            while ((rc = native.Step(_stmtPtr)) == Row)
            {
            }
            if (rc != Done) Check(rc);
            return native.Changes(_dbPtr);
        }
        finally
        {
            native.Reset(_stmtPtr);
        }
    }

    /// <summary>Steps a query: true while there is a row (read it with the column methods), false at the end. Call <see cref="Reset"/> after.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == Row) return true;
        if (rc != Done) Check(rc);
        return false;
    }

    public int ColumnInt32(int column) => raw.sqlite3_column_int(_stmt, column);

    public long ColumnInt64(int column) => raw.sqlite3_column_int64(_stmt, column);

    /// <summary>The rowid of the connection's last successful INSERT.</summary>
    public long LastInsertRowId() => IsDirect ? _native!.LastInsertRowId(_dbPtr) : raw.sqlite3_last_insert_rowid(_db);

    /// <summary>The column's bytes, valid until the next <see cref="Step"/> or <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> ColumnBlob(int column) => raw.sqlite3_column_blob(_stmt, column);

    public void Reset() => raw.sqlite3_reset(_stmt);

    private static ReadOnlySpan<byte> EmptyText => "\0"u8;

    private void Check(int rc)
    {
        if (rc != 0 && rc != Row && rc != Done) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose()
    {
        ExitDirect();
        _stmt.Dispose();
    }
}
