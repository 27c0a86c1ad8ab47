using MuseumSync.Storage;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>The delete guard's T-SQL (SQL Server cannot run here): parsed with the SQL Server 2022 grammar, values only as parameters.</summary>
public sealed class SqlServerDeleteCountsTests
{
    [Theory]
    [InlineData("museumsync")]
    [InlineData("Mirror_2")]
    public void CountForDeleteSql_ParsesWithTSql160_AndTakesOnlyParameters(string schema)
    {
        var sql = SqlServerDialect.CountForDeleteSql(SqlIdentifier.QuoteSqlServer(schema));

        TSqlAssert.Parses(sql, nameof(SqlServerDialect.CountForDeleteSql));

        Assert.Contains("@source", sql, StringComparison.Ordinal);
        Assert.Contains("OPENJSON(@ids)", sql, StringComparison.Ordinal);
        Assert.Equal(["'$'"], System.Text.RegularExpressions.Regex.Matches(sql, "N?'[^']*'").Select(m => m.Value));
    }
}
