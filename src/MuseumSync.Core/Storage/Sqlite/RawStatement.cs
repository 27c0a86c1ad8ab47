using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// A statement prepared once on the connection and bound by index: the batch hot path. Microsoft.Data.Sqlite looks
/// every parameter up by name on each execution, which costs more than the insert itself at 100,000 rows.
/// Text is bound as UTF-8 (the database's encoding) through SQLitePCLRaw, which hands SQLite a copy
/// (<c>SQLITE_TRANSIENT</c>), so SQLite does not translate UTF-16 per value. Runs inside the transaction the connection has open.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const int Row = 100;
    private const int Done = 101;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private byte[] _scratch = new byte[1024];

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
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

    private void Check(int rc)
    {
        if (rc != 0 && rc != Row && rc != Done) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose() => _stmt.Dispose();
}
