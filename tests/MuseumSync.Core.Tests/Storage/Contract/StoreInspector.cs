using System.Data.Common;
using System.Globalization;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>Reads a store's tables with plain ADO.NET, independently of the store, and normalises values so every store compares alike.</summary>
public sealed class StoreInspector(Func<Task<DbConnection>> open, string tablePrefix)
{
    /// <summary><c>{t}</c> in SQL becomes the table prefix (<c>"schema".</c>, <c>[schema].</c>, or nothing on SQLite).</summary>
    public string Sql(string sql) => sql.Replace("{t}", tablePrefix, StringComparison.Ordinal);

    public async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var c = await open();
        await using var cmd = Command(c, sql, args);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);
    }

    public async Task ExecAsync(string sql, params object[] args)
    {
        await using var c = await open();
        await using var cmd = Command(c, sql, args);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The first row, column name to normalised text (null for NULL); null when there is no row.</summary>
    public async Task<Dictionary<string, string?>?> RowAsync(string sql, params object[] args) => (await RowsAsync(sql, args)).FirstOrDefault();

    public async Task<List<Dictionary<string, string?>>> RowsAsync(string sql, params object[] args)
    {
        await using var c = await open();
        await using var cmd = Command(c, sql, args);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, string?>>();
        while (await r.ReadAsync())
        {
            var row = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < r.FieldCount; i++) row[r.GetName(i)] = Normalise(r.GetName(i), r.IsDBNull(i) ? null : r.GetValue(i));
            rows.Add(row);
        }
        return rows;
    }

    private DbCommand Command(DbConnection c, string sql, object[] args)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = Sql(sql);
        for (var i = 0; i < args.Length; i++)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
            p.Value = args[i];
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static string? Normalise(string column, object? v) => v switch
    {
        null => null,
        byte[] b => Convert.ToHexString(b),
        DateTime d when column.EndsWith("_date", StringComparison.Ordinal) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
