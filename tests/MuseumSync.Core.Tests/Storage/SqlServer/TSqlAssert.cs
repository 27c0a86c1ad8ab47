using System.Globalization;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>
/// No SQL Server runs here, so every T-SQL statement a test checks goes through this one parse: the SQL Server 2022 grammar
/// (<see cref="TSql160Parser"/>, the version the store targets) with QUOTED_IDENTIFIER on, as SqlClient sessions have it.
/// </summary>
internal static class TSqlAssert
{
    /// <summary>
    /// Parses <paramref name="sql"/> and fails, naming the statement, every parse error (line, column, message) and the
    /// numbered text, when it has errors, still holds the unexpanded schema placeholder <c>{s}</c>, or holds no statement.
    /// </summary>
    /// <param name="sql">The statement text as the store sends it.</param>
    /// <param name="name">What the failure message calls it (a statement's name in the tests' data).</param>
    public static TSqlScript Parses(string sql, string name = "statement")
    {
        ArgumentNullException.ThrowIfNull(sql);
        using var reader = new StringReader(sql);
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);

        Assert.True(errors.Count == 0, Describe(name, sql,
            string.Join("; ", errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}"))));
        Assert.False(sql.Contains("{s}", StringComparison.Ordinal), Describe(name, sql, "the schema placeholder {s} was not replaced"));
        var script = Assert.IsType<TSqlScript>(fragment);
        Assert.True(script.Batches.Any(b => b.Statements.Count > 0), Describe(name, sql, "no statement"));
        return script;
    }

    /// <summary>The statements of every batch of <paramref name="sql"/>, after <see cref="Parses"/>.</summary>
    public static IReadOnlyList<TSqlStatement> Statements(string sql, string name = "statement") =>
        Parses(sql, name).Batches.SelectMany(b => b.Statements).ToList();

    /// <summary>The statements of migration <paramref name="version"/> as the store runs it in <paramref name="schema"/>, after <see cref="Parses"/>.</summary>
    public static IReadOnlyList<TSqlStatement> Migration(string schema, int version) =>
        Statements(new SqlServerStatements(schema).Migration(SqlServerSchema.Migrations.Single(m => m.Version == version).Sql), $"{schema}.Migration{version}");

    private static string Describe(string name, string sql, string problem)
    {
        var lines = sql.Split('\n');
        var numbered = string.Join("\n", lines.Select((l, i) => (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(4) + "  " + l.TrimEnd('\r')));
        return $"{name}: {problem}\n{numbered}";
    }
}
