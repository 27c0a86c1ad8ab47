using Microsoft.SqlServer.TransactSql.ScriptDom;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>
/// Issue #17's creation end date on SQL Server (no server runs here, so the T-SQL is parsed with ScriptDom): migration 10
/// adds the two columns, and the batch stages and merges them as the other stores write them.
/// </summary>
public sealed class SqlServerCreationEndDateTests
{
    [Theory]
    [InlineData("museumsync")]
    [InlineData("Mirror_2")]
    public void Migration10_AddsTheEndDateAndItsSortKey_NullableOnExistingRows(string schema)
    {
        var all = TSqlAssert.Migration(schema, 10);

        var alter = Assert.IsType<AlterTableAddTableElementStatement>(Assert.Single(all));
        Assert.Equal(schema, alter.SchemaObjectName.SchemaIdentifier.Value);
        Assert.Equal("museum_records", alter.SchemaObjectName.BaseIdentifier.Value);
        var columns = alter.Definition.ColumnDefinitions.Select(c => (c.ColumnIdentifier.Value, Type: ((SqlDataTypeReference)c.DataType).Name.BaseIdentifier.Value.ToLowerInvariant(),
            Length: ((SqlDataTypeReference)c.DataType).Parameters.Select(p => p.Value).FirstOrDefault(), Null: c.Constraints.OfType<NullableConstraintDefinition>().Single().Nullable, Computed: c.ComputedColumnExpression is not null)).ToList();
        Assert.Equal([("creation_end_date", "nvarchar", "100", true, false), ("creation_end_sort", "bigint", null, true, false)], columns);
    }

    [Fact]
    public void Batch_StagesAndMergesTheEndDate()
    {
        var sql = new SqlServerStatements("museumsync");

        var stage = TSqlAssert.Statements(sql.CreateStages).OfType<IfStatement>().Select(i => i.ThenStatement).OfType<CreateTableStatement>().First();
        var staged = stage.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value).ToList();
        Assert.Contains("creation_end_date", staged);
        Assert.Contains("creation_end_sort", staged);

        var merge = TSqlAssert.Statements(sql.MergeRecords).OfType<MergeStatement>().Single();
        var actions = merge.MergeSpecification.ActionClauses.Select(a => a.Action).ToList();
        var update = actions.OfType<UpdateMergeAction>().Single();
        var set = update.SetClauses.OfType<AssignmentSetClause>().ToDictionary(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value,
            c => c.NewValue is ColumnReferenceExpression r ? string.Join(".", r.MultiPartIdentifier.Identifiers.Select(i => i.Value)) : c.NewValue.GetType().Name);
        Assert.Equal("s.creation_end_date", set["creation_end_date"]);
        Assert.Equal("s.creation_end_sort", set["creation_end_sort"]);
        var insert = actions.OfType<InsertMergeAction>().Single();
        var insertColumns = insert.Columns.Select(c => c.MultiPartIdentifier.Identifiers[^1].Value).ToList();
        var values = Assert.Single(insert.Source.RowValues).ColumnValues.Select(v => v is ColumnReferenceExpression c ? string.Join(".", c.MultiPartIdentifier.Identifiers.Select(i => i.Value)) : v.GetType().Name).ToList();
        Assert.Equal(insertColumns.Count, values.Count);
        Assert.Equal("s.creation_end_date", values[insertColumns.IndexOf("creation_end_date")]);
        Assert.Equal("s.creation_end_sort", values[insertColumns.IndexOf("creation_end_sort")]);
    }
}
