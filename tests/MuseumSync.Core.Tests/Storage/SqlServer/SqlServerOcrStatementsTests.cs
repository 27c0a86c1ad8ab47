using Microsoft.SqlServer.TransactSql.ScriptDom;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>The text-layer T-SQL (and migration 6) parses with the SQL Server 2022 grammar, for the default schema and another.</summary>
public sealed class SqlServerOcrStatementsTests
{
    public static TheoryData<string, string> Statements()
    {
        var data = new TheoryData<string, string>();
        foreach (var schema in new[] { "museumsync", "Mirror_2" })
        {
            var sql = new SqlServerStatements(schema);
            data.Add($"{schema}.Candidates", sql.Migration(SqlServerOcrStatements.Candidates));
            data.Add($"{schema}.Layers", sql.Migration(SqlServerOcrStatements.Layers));
            data.Add($"{schema}.MergeLayer", sql.Migration(SqlServerOcrStatements.MergeLayer));
            data.Add($"{schema}.ResolveDeadLetter", sql.Migration(SqlServerOcrStatements.ResolveDeadLetter));
            data.Add($"{schema}.MergeDeadLetter", sql.Migration(SqlServerOcrStatements.MergeDeadLetter));
            data.Add($"{schema}.Migration6", sql.Migration(SqlServerSchema.Migrations.Single(m => m.Version == 6).Sql));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Statement_ParsesWithTSql160_WithoutErrors(string name, string sql) => TSqlAssert.Parses(sql, name);

    [Fact]
    public void Candidates_AreBoundedByTop()
    {
        var statements = TSqlAssert.Statements(new SqlServerStatements("museumsync").Migration(SqlServerOcrStatements.Candidates));

        var select = Assert.IsType<SelectStatement>(Assert.Single(statements));
        Assert.NotNull(((QuerySpecification)select.QueryExpression).TopRowFilter);
    }
}
