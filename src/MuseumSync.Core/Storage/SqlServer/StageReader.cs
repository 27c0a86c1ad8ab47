using System.Collections;
using System.Data.Common;

namespace MuseumSync.Storage.SqlServer;

/// <summary>A staging column: its name in the temp table, its CLR type, and how to read it from a row.</summary>
internal sealed record StageColumn<T>(string Name, Type Type, Func<T, object?> Value);

/// <summary>
/// A forward-only reader over in-memory rows for SqlBulkCopy: no DataTable, no copies; each value is read from the row
/// when SqlBulkCopy asks for it. Null values are returned as <see cref="DBNull"/>.
/// </summary>
internal sealed class StageReader<T> : DbDataReader
{
    private readonly IReadOnlyList<T> _rows;
    private readonly IReadOnlyList<StageColumn<T>> _columns;
    private readonly CancellationToken _cancellationToken;
    private int _index = -1;

    public StageReader(IReadOnlyList<T> rows, IReadOnlyList<StageColumn<T>> columns, CancellationToken cancellationToken)
    {
        _rows = rows;
        _columns = columns;
        _cancellationToken = cancellationToken;
    }

    public override int FieldCount => _columns.Count;
    public override int RecordsAffected => -1;
    public override bool HasRows => _rows.Count > 0;
    public override bool IsClosed => false;
    public override int Depth => 0;
    public override object this[int ordinal] => GetValue(ordinal);
    public override object this[string name] => GetValue(GetOrdinal(name));

    public override bool Read()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        return ++_index < _rows.Count;
    }

    public override bool NextResult() => false;
    public override string GetName(int ordinal) => _columns[ordinal].Name;
    public override Type GetFieldType(int ordinal) => _columns[ordinal].Type;
    public override string GetDataTypeName(int ordinal) => _columns[ordinal].Type.Name;

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < _columns.Count; i++)
        {
            if (string.Equals(_columns[i].Name, name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        throw new ArgumentOutOfRangeException(nameof(name), name, $"No staging column '{name}'.");
    }

    public override object GetValue(int ordinal) => _columns[ordinal].Value(_rows[_index]) ?? DBNull.Value;

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = Math.Min(values.Length, _columns.Count);
        for (var i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    public override bool IsDBNull(int ordinal) => _columns[ordinal].Value(_rows[_index]) is null;
    public override bool GetBoolean(int ordinal) => (bool)GetValue(ordinal);
    public override byte GetByte(int ordinal) => (byte)GetValue(ordinal);
    public override char GetChar(int ordinal) => (char)GetValue(ordinal);
    public override DateTime GetDateTime(int ordinal) => (DateTime)GetValue(ordinal);
    public override decimal GetDecimal(int ordinal) => (decimal)GetValue(ordinal);
    public override double GetDouble(int ordinal) => (double)GetValue(ordinal);
    public override float GetFloat(int ordinal) => (float)GetValue(ordinal);
    public override Guid GetGuid(int ordinal) => (Guid)GetValue(ordinal);
    public override short GetInt16(int ordinal) => (short)GetValue(ordinal);
    public override int GetInt32(int ordinal) => (int)GetValue(ordinal);
    public override long GetInt64(int ordinal) => (long)GetValue(ordinal);
    public override string GetString(int ordinal) => (string)GetValue(ordinal);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var bytes = (byte[])GetValue(ordinal);
        if (buffer is null) return bytes.Length;
        var n = (int)Math.Max(0, Math.Min(length, bytes.Length - dataOffset));
        Array.Copy(bytes, dataOffset, buffer, bufferOffset, n);
        return n;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var s = (string)GetValue(ordinal);
        if (buffer is null) return s.Length;
        var n = (int)Math.Max(0, Math.Min(length, s.Length - dataOffset));
        s.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);
}
