using MuseumSync.Jobs;
using MuseumSync.Core.Tests.Storage.SqlServer;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Jobs;

/// <summary>SQL Server cannot run here: the job tables' statements and migration 8 are parsed with the SQL Server 2022 grammar.</summary>
public sealed class JobTablesSqlServerTests
{
    public static TheoryData<string, string> Statements()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, sql) in new JobTables(new SqlServerStatements("museumsync").Schema + ".").All()) data.Add(name, sql);
        data.Add("Migration8", new SqlServerStatements("museumsync").Migration(JobSchema.SqlServer));
        return data;
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Statement_ParsesWithTSql160_WithoutErrors(string name, string sql) => TSqlAssert.Parses(sql, name);

    [Fact]
    public void Migration8_IsInEveryStore()
    {
        Assert.Contains(SqlServerSchema.Migrations, m => m.Version == JobSchema.Version);
        Assert.Contains(MuseumSync.Storage.PostgreSql.PostgresSchema.Migrations, m => m.Version == JobSchema.Version);
        Assert.Contains(MuseumSync.Storage.Sqlite.SqliteSchema.Migrations, m => m.Version == JobSchema.Version);
    }
}
