using Microsoft.SqlServer.TransactSql.ScriptDom;
using MuseumSync.Storage;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>The request budget's T-SQL (and migration 7) parses with the SQL Server 2022 grammar, for the default schema and another.</summary>
public sealed class SqlServerRequestBudgetStatementsTests
{
    public static TheoryData<string, string> Statements()
    {
        var data = new TheoryData<string, string>();
        foreach (var schema in new[] { "museumsync", "Mirror_2" })
        {
            var quoted = new SqlServerStatements(schema).Schema;
            data.Add($"{schema}.Reserve", RequestBudgetSql.SqlServerReserve(quoted));
            data.Add($"{schema}.Ensure", RequestBudgetSql.SqlServerEnsure(quoted));
            data.Add($"{schema}.Return", RequestBudgetSql.SqlServerReturn(quoted));
            data.Add($"{schema}.Select", RequestBudgetSql.SqlServerSelect(quoted) + " WHERE source = @source");
            data.Add($"{schema}.Migration7", new SqlServerStatements(schema).Migration(SqlServerSchema.Migrations.Single(m => m.Version == 7).Sql));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Statement_ParsesWithTSql160_WithoutErrors(string name, string sql)
    {
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);

        Assert.True(errors.Count == 0, $"{name}: " + string.Join("; ", errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")));
        Assert.DoesNotContain("{s}", sql, StringComparison.Ordinal);
        Assert.NotNull(fragment);
    }

    [Fact]
    public void Reserve_IsOneUpdateOfTheLockedRow_WithOutput()
    {
        var sql = RequestBudgetSql.SqlServerReserve("[museumsync]");
        var script = (TSqlScript)new TSql160Parser(true).Parse(new StringReader(sql), out var errors);
        Assert.Empty(errors);

        var update = Assert.Single(script.Batches.SelectMany(b => b.Statements).OfType<UpdateStatement>());
        Assert.NotNull(update.UpdateSpecification.OutputClause);
        Assert.Contains("WITH (UPDLOCK, ROWLOCK)", sql, StringComparison.Ordinal);
        Assert.Contains("SYSUTCDATETIME()", sql, StringComparison.Ordinal);
    }
}
