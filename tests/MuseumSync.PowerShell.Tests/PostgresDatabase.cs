using Npgsql;

namespace MuseumSync.PowerShell.Tests;

/// <summary>A fact that needs PostgreSQL: skipped, saying why, when MUSEUMSYNC_TEST_POSTGRES is not set (CI sets it).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresDatabase.ConnectionString is null)
        {
            Skip = "MUSEUMSYNC_TEST_POSTGRES is not set: set it to a PostgreSQL connection string (CI does: .ci/run starts a private cluster) to run the PostgreSQL store through the cmdlets.";
        }
    }
}

/// <summary>
/// A schema of its own in the test PostgreSQL database (so tests never collide), dropped on dispose, and plain Npgsql
/// reads of what the module wrote there.
/// </summary>
internal sealed class PostgresDatabase : IDisposable
{
    public PostgresDatabase()
    {
        Schema = "mspstest_" + Guid.NewGuid().ToString("N")[..12];
    }

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable("MUSEUMSYNC_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public string Schema { get; }

    /// <summary>The store parameters for a cmdlet, as PowerShell text.</summary>
    public string Parameters => $"-Provider PostgreSql -ConnectionString '{ConnectionString}' -Schema {Schema}";

    public long Scalar(string sql, params object[] args)
    {
        using var c = Open();
        using var cmd = Command(c, sql, args);
        return Convert.ToInt64(cmd.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Dictionary<string, string> Titles(string source)
    {
        using var c = Open();
        using var cmd = Command(c, "SELECT object_id, title FROM {t}museum_records WHERE source = @p0", [source]);
        using var r = cmd.ExecuteReader();
        var d = new Dictionary<string, string>();
        while (r.Read()) d[r.GetString(0)] = r.GetString(1);
        return d;
    }

    public void Exec(string sql, params object[] args)
    {
        using var c = Open();
        using var cmd = Command(c, sql, args);
        cmd.ExecuteNonQuery();
    }

    private NpgsqlCommand Command(NpgsqlConnection c, string sql, object[] args)
    {
        var cmd = new NpgsqlCommand(sql.Replace("{t}", $"\"{Schema}\".", StringComparison.Ordinal), c);
        for (var i = 0; i < args.Length; i++) cmd.Parameters.AddWithValue("p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), args[i]);
        return cmd;
    }

    private static NpgsqlConnection Open()
    {
        var c = new NpgsqlConnection(ConnectionString);
        c.Open();
        return c;
    }

    public void Dispose()
    {
        if (ConnectionString is null) return;
        NpgsqlConnection.ClearAllPools();
        using var c = Open();
        using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", c);
        cmd.ExecuteNonQuery();
    }
}
