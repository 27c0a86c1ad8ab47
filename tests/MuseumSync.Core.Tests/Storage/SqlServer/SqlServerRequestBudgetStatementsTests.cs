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
    public void Statement_ParsesWithTSql160_WithoutErrors(string name, string sql) => TSqlAssert.Parses(sql, name);

    [Fact]
    public void Reserve_IsOneUpdateOfTheLockedRow_WithOutput()
    {
        var sql = RequestBudgetSql.SqlServerReserve("[museumsync]");
        var update = Assert.Single(TSqlAssert.Statements(sql).OfType<UpdateStatement>());
        Assert.NotNull(update.UpdateSpecification.OutputClause);
        Assert.Contains("WITH (UPDLOCK, ROWLOCK)", sql, StringComparison.Ordinal);
        Assert.Contains("SYSUTCDATETIME()", sql, StringComparison.Ordinal);
    }
}
