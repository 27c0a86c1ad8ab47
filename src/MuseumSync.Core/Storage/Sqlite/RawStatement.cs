using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// A statement prepared once on the connection and bound by index: the batch hot path. Microsoft.Data.Sqlite looks
/// every parameter up by name on each execution, which costs more than the insert itself at 100,000 rows.
/// Runs inside the transaction the connection has open.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const int Row = 100;
    private const int Done = 101;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
    }

    public void Text(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_text16(_stmt, index, value.AsSpan()));

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

    public void Dispose() => _stmt.Dispose();
}
