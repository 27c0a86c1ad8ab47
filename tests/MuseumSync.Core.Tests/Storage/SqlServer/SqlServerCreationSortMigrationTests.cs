using Microsoft.SqlServer.TransactSql.ScriptDom;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>
/// Migration 9 on SQL Server (no server runs here, so it is parsed with ScriptDom): the computed creation_sort becomes a
/// plain column with the same values, and the batch writes it.
/// </summary>
public sealed class SqlServerCreationSortMigrationTests
{
    [Theory]
    [InlineData("museumsync")]
    [InlineData("Mirror_2")]
    public void Migration9_CopiesTheComputedValuesIntoAPlainColumnOfTheSameName(string schema)
    {
        var all = TSqlAssert.Migration(schema, 9);

        var added = Assert.Single(all.OfType<AlterTableAddTableElementStatement>()).Definition.ColumnDefinitions.Single();
        Assert.Equal("creation_sort_kept", added.ColumnIdentifier.Value);
        Assert.Null(added.ComputedColumnExpression);
        Assert.Equal("bigint", ((SqlDataTypeReference)added.DataType).Name.BaseIdentifier.Value, ignoreCase: true);

        // The copy runs through EXEC (the batch is compiled before the new column exists): that text is a valid UPDATE too.
        var exec = all.OfType<ExecuteStatement>().Select(e => e.ExecuteSpecification.ExecutableEntity).ToList();
        var copy = Assert.Single(exec.OfType<ExecutableStringList>());
        var update = Assert.Single(TSqlAssert.Statements(string.Concat(copy.Strings.OfType<StringLiteral>().Select(s => s.Value))).OfType<UpdateStatement>());
        Assert.Equal(schema, ((NamedTableReference)update.UpdateSpecification.Target).SchemaObject.SchemaIdentifier.Value);

        var drop = Assert.Single(all.OfType<AlterTableDropTableElementStatement>()).AlterTableDropTableElements.Single();
        Assert.Equal("creation_sort", drop.Name.Value);
        var rename = Assert.Single(exec.OfType<ExecutableProcedureReference>());
        Assert.Equal("sp_rename", rename.ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value);
        Assert.Equal(
            [$"[{schema}].museum_records.creation_sort_kept", "creation_sort", "COLUMN"],
            rename.Parameters.Select(p => ((StringLiteral)p.ParameterValue).Value));
    }

    [Fact]
    public void Batch_StagesAndMergesCreationSort()
    {
        var sql = new SqlServerStatements("museumsync");

        Assert.Contains("creation_sort     bigint        NULL", sql.CreateStages, StringComparison.Ordinal);
        Assert.Contains("creation_sort = s.creation_sort", sql.MergeRecords, StringComparison.Ordinal);
        Assert.Contains("s.creation_sort)", sql.MergeRecords, StringComparison.Ordinal);
    }
}
