using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using MuseumSync.Storage.SqlServer;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>
/// SQL Server cannot run on this machine, so every T-SQL statement the store can send is parsed with the SQL Server 2022
/// grammar (TSql160Parser): zero errors, for the default schema and for another valid one.
/// </summary>
public sealed partial class SqlServerStatementsTests
{
    public static TheoryData<string, string> Statements()
    {
        var data = new TheoryData<string, string>();
        foreach (var schema in new[] { "museumsync", "Mirror_2" })
        {
            foreach (var (name, sql) in new SqlServerStatements(schema).All()) data.Add($"{schema}.{name}", sql);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Statement_ParsesWithTSql160_WithoutErrors(string name, string sql) => TSqlAssert.Parses(sql, name);

    [Fact]
    public void All_CoversEveryStatementAndMigration()
    {
        var all = new SqlServerStatements("museumsync").All().ToList();

        Assert.Equal(all.Count, all.Select(a => a.Name).Distinct().Count());
        Assert.Contains(all, a => a.Name == "MergeRecords");
        Assert.Equal(SqlServerSchema.Migrations.Length, all.Count(a => a.Name.StartsWith("Migration", StringComparison.Ordinal) && char.IsDigit(a.Name[^1])));
        Assert.All(all, a => Assert.DoesNotContain("{s}", a.Sql, StringComparison.Ordinal));
    }

    [Fact]
    public void MergeRecords_IsOneMergeWithHoldlockAndOutputAction()
    {
        var sql = new SqlServerStatements("museumsync").MergeRecords;
        var merge = Assert.Single(TSqlAssert.Statements(sql).OfType<MergeStatement>());
        Assert.Contains("WITH (HOLDLOCK)", sql, StringComparison.Ordinal);
        Assert.Contains("OUTPUT $action INTO @actions", sql, StringComparison.Ordinal);
        Assert.Contains("t.content_hash <> s.content_hash", sql, StringComparison.Ordinal); // unchanged rows are not rewritten
        Assert.Equal("museumsync", ((NamedTableReference)merge.MergeSpecification.Target).SchemaObject.SchemaIdentifier.Value);
    }

    [Fact]
    public void Statements_SpliceNoValues_OnlyParameters()
    {
        foreach (var (name, sql) in new SqlServerStatements("museumsync").All())
        {
            // The only quoted literals are fixed vocabulary (lock modes, object types, messages), never data.
            foreach (Match m in Literal().Matches(sql))
            {
                Assert.True(s_allowedLiterals.Contains(m.Value), $"{name} contains the literal {m.Value}");
            }
        }
    }

    [Fact]
    public void Constructor_InvalidSchemaName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SqlServerStatements("museum]; DROP TABLE x;--"));
        Assert.Throws<ArgumentException>(() => new SqlServerStatements("1abc"));
    }

    private static readonly HashSet<string> s_allowedLiterals =
    [
        "N'Exclusive'", "N'Transaction'", "N'MuseumSync: another session holds the schema lock; try again when its upgrade has finished.'",
        "N'CREATE SCHEMA '", "N'U'", "N'INSERT'", "N'UPDATE'", "'public'", "'research'", "'restricted'",
        "N'[museumsync].schema_migrations'", "N'tempdb..#museumsync_records_stage'", "N'tempdb..#museumsync_dead_stage'", "N'tempdb..#museumsync_keys_stage'",
        // migration 5's creation_sort: fixed patterns that read the sign, digits and dashes of creation_date
        "N'[0-9][0-9][0-9][0-9]%'", "N'[+-][0-9][0-9][0-9][0-9]%'", "N'-'", "N'+'", "N'%[^0-9]%'", "N'x'",
        // migration 9's copy of creation_sort into a plain column (fixed SQL run through EXEC) and its rename
        "N'UPDATE [museumsync].museum_records SET creation_sort_kept = creation_sort WHERE creation_sort IS NOT NULL'",
        "N'[museumsync].museum_records.creation_sort_kept'", "N'creation_sort'", "N'COLUMN'",
    ];

    [GeneratedRegex("N?'[^']*'")]
    private static partial Regex Literal();
}
