using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// A statement prepared once on the connection and bound by index: the batch hot path. Microsoft.Data.Sqlite looks
/// every parameter up by name on each execution, which costs more than the insert itself at 100,000 rows.
/// Text is bound as UTF-8 (the database's encoding), encoded into one scratch buffer the statement reuses, so SQLite
/// does not translate UTF-16 per value and nothing is allocated per row. Runs inside the transaction the connection has open.
/// </summary>
/// <remarks>
/// The row methods (<see cref="BeginRow"/>, <see cref="RowText"/>, <see cref="RowUtf8"/>) go further for the
/// hottest statements: a row's text is encoded into one native buffer the statement owns and bound in place
/// (<c>SQLITE_STATIC</c>), so SQLite neither allocates nor copies per value. The buffer is only rewritten for the next
/// row, after this one's step, and every parameter is bound again for each row, so SQLite never reads a stale value.
/// </remarks>
internal sealed unsafe class RawStatement : IDisposable
{
    private const int Row = 100;
    private const int Done = 101;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly IntPtr _handle;
    private byte[] _scratch = new byte[1024];
    private byte* _row;
    private int _rowCapacity;
    private int _rowUsed;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
        _handle = _stmt.DangerousGetHandle();
    }

    /// <summary>Starts a row whose text values take at most <paramref name="maxBytes"/> bytes in all.</summary>
    public void BeginRow(int maxBytes)
    {
        if (maxBytes > _rowCapacity)
        {
            var capacity = Math.Max(maxBytes, Math.Max(4096, _rowCapacity * 2));
            _row = (byte*)NativeMemory.Realloc(_row, (nuint)capacity);
            _rowCapacity = capacity;
        }
        _rowUsed = 0;
    }

    /// <summary>Binds text (NULL for null) in place, encoded as UTF-8 into the row buffer.</summary>
    public void RowText(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_stmt, index));
            return;
        }
        var free = new Span<byte>(_row + _rowUsed, _rowCapacity - _rowUsed);
        if (!Encoding.UTF8.TryGetBytes(value, free, out var n))
        {
            Text(index, value); // BeginRow was given too little: the copying binding is always right
            return;
        }
        BindInPlace(index, n);
    }

    /// <summary>Binds UTF-8 text in place (copied into the row buffer).</summary>
    public void RowUtf8(int index, ReadOnlySpan<byte> value)
    {
        if (value.Length > _rowCapacity - _rowUsed)
        {
            Utf8(index, value);
            return;
        }
        value.CopyTo(new Span<byte>(_row + _rowUsed, _rowCapacity - _rowUsed));
        BindInPlace(index, value.Length);
    }

    private void BindInPlace(int index, int length)
    {
        // A non-null pointer with length 0 binds the empty string, not NULL.
        Check(NativeMethods.sqlite3_bind_text(_handle, index, _row + _rowUsed, length, IntPtr.Zero));
        _rowUsed += length;
    }

    /// <summary>Binds text (NULL for null), encoded as UTF-8.</summary>
    public void Text(int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_stmt, index));
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

    /// <summary>Binds text that is already UTF-8 (SQLite copies it).</summary>
    public void Utf8(int index, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) Check(raw.sqlite3_bind_text(_stmt, index, string.Empty));
        else Check(raw.sqlite3_bind_text(_stmt, index, value));
    }

    public void Blob(int index, ReadOnlySpan<byte> value) => Check(raw.sqlite3_bind_blob(_stmt, index, value));

    public void Int64(int index, long value) => Check(raw.sqlite3_bind_int64(_stmt, index, value));

    /// <summary>Runs the statement to completion; returns the rows it changed.</summary>
    public int Execute()
    {
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
    public long LastInsertRowId() => raw.sqlite3_last_insert_rowid(_db);

    /// <summary>The column's bytes, valid until the next <see cref="Step"/> or <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> ColumnBlob(int column) => raw.sqlite3_column_blob(_stmt, column);

    public void Reset() => raw.sqlite3_reset(_stmt);

    /// <summary>Runs a query for its first column as a blob; false when there is no row.</summary>
    public bool TryQueryBlob(Span<byte> destination, out int length)
    {
        try
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc == Done)
            {
                length = 0;
                return false;
            }
            if (rc != Row) Check(rc);
            var blob = raw.sqlite3_column_blob(_stmt, 0);
            length = Math.Min(blob.Length, destination.Length);
            blob[..length].CopyTo(destination);
            return true;
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    private void Check(int rc)
    {
        if (rc != 0 && rc != Row && rc != Done) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose()
    {
        // The statement goes first: it may point into the row buffer until it is finalized.
        _stmt.Dispose();
        NativeMemory.Free(_row);
        _row = null;
        _rowCapacity = 0;
    }

    private static class NativeMethods
    {
        /// <summary>
        /// sqlite3_bind_text with the destructor given: <c>SQLITE_STATIC</c> (0) for memory that outlives the step.
        /// The same library SQLitePCLRaw loaded (the module's load context resolves <c>e_sqlite3</c> to one file).
        /// No GC transition: binding a static pointer only records it (no I/O, no callbacks, no waiting; the
        /// connection is used by one thread at a time).
        /// </summary>
        [SuppressGCTransition]
        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        public static extern int sqlite3_bind_text(IntPtr statement, int index, byte* text, int length, IntPtr destructor);
    }
}
