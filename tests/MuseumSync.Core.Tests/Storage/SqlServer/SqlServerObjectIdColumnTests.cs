using Microsoft.SqlServer.TransactSql.ScriptDom;
using MuseumSync.Storage;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>
/// The object-id limit every store applies before a transaction (<see cref="StorableRecord.MaxObjectIdLength"/>) is the
/// width of every object_id column SQL Server creates (tables and staging tables), read from the parsed T-SQL.
/// </summary>
public sealed class SqlServerObjectIdColumnTests
{
    private sealed class ObjectIdColumns : TSqlFragmentVisitor
    {
        public List<(string Statement, SqlDataTypeReference Type)> Found { get; } = new();

        public string Statement { get; set; } = "";

        public override void Visit(ColumnDefinition node)
        {
            if (node.ColumnIdentifier.Value == "object_id") Found.Add((Statement, (SqlDataTypeReference)node.DataType));
        }
    }

    [Fact]
    public void ObjectIdColumns_AreNVarCharOfTheLimitEveryStoreEnforces()
    {
        var visitor = new ObjectIdColumns();
        foreach (var (name, sql) in new SqlServerStatements("museumsync").All())
        {
            visitor.Statement = name;
            TSqlAssert.Parses(sql, name).Accept(visitor);
        }

        Assert.True(visitor.Found.Count >= 4, $"Only {visitor.Found.Count} object_id columns found.");
        Assert.All(visitor.Found, c =>
        {
            Assert.Equal(SqlDataTypeOption.NVarChar, c.Type.SqlDataTypeOption);
            Assert.Equal(StorableRecord.MaxObjectIdLength.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(c.Type.Parameters).Value);
        });
        Assert.Equal(SqlServerSchema.MaxObjectIdLength, StorableRecord.MaxObjectIdLength);
    }
}
