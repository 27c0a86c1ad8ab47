using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using MuseumSync.Storage;
using MuseumSync.Storage.PostgreSql;
using MuseumSync.Storage.SqlServer;
using Npgsql;

namespace MuseumSync.Core.Tests.Storage.SqlServer;

/// <summary>
/// The steps both server stores share (<c>AdoSyncStore</c>) run on PostgreSQL in the contract suite; on SQL Server, which
/// cannot run here, they send the statements of <see cref="SqlServerDialect"/>. Each of those parses with the SQL Server
/// 2022 grammar and takes the parameters its PostgreSQL twin takes (the shared steps bind them by the same names), but
/// for those the dialects bind each their own way.
/// </summary>
public sealed partial class SqlServerDialectTests
{
    private static readonly AdoStatements s_sqlServer = new SqlServerDialect(new SqlServerStatements("museumsync")).Sql;
    private static readonly AdoStatements s_postgres = new PostgresDialect(new PostgresStatements("museumsync")).Sql;

    public static TheoryData<string> StatementNames()
    {
        var data = new TheoryData<string>();
        foreach (var p in Statements()) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Statement_ParsesWithTSql160_WithoutErrors(string name)
    {
        var sql = Text(s_sqlServer, name);

        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);

        Assert.True(errors.Count == 0, $"{name}: " + string.Join("; ", errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")) + "\n" + sql);
        Assert.DoesNotContain("{s}", sql, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StatementNames))]
    public void Statement_TakesTheParametersOfItsPostgresTwin(string name)
    {
        var sqlServer = SqlServerParameters(Text(s_sqlServer, name));
        var postgres = PostgresParameters(Text(s_postgres, name));

        sqlServer.ExceptWith(OwnBindings(new SqlCommand()));
        postgres.ExceptWith(OwnBindings(new NpgsqlCommand()));

        Assert.True(sqlServer.SetEquals(postgres), $"{name}: SQL Server takes [{string.Join(", ", Sorted(sqlServer))}], PostgreSQL [{string.Join(", ", Sorted(postgres))}]");
    }

    /// <summary>
    /// The statements whose row count the shared steps read (<c>AdoDialect.AffectedAsync</c>): on SQL Server that count is
    /// the statement's own <c>SELECT @@ROWCOUNT</c>, since <c>ExecuteNonQuery</c> answers -1 on a server or login with
    /// <c>SET NOCOUNT ON</c>.
    /// </summary>
    [Theory]
    [InlineData(nameof(AdoStatements.ResetCheckpoint))]
    [InlineData(nameof(AdoStatements.RenewLease))]
    [InlineData(nameof(AdoStatements.TakeOverLease))]
    [InlineData(nameof(AdoStatements.OcrUpsertLayer))]
    [InlineData(nameof(AdoStatements.OcrResolveDeadLetter))]
    public void CountedStatement_EndsWithSelectRowCount(string name)
    {
        var sql = Text(s_sqlServer, name);

        var script = (TSqlScript)new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);

        Assert.Empty(errors);
        var last = script.Batches.SelectMany(b => b.Statements).Last();
        var select = Assert.IsType<SelectStatement>(last);
        var spec = Assert.IsType<QuerySpecification>(select.QueryExpression);
        var column = Assert.IsType<SelectScalarExpression>(Assert.Single(spec.SelectElements));
        Assert.Equal("@@ROWCOUNT", Assert.IsType<GlobalVariableExpression>(column.Expression).Name, ignoreCase: true);
    }

    [Fact]
    public void SchemaLockAndBootstrap_BindWhatTheirStatementsTake()
    {
        var sqlServer = new SqlServerDialect(new SqlServerStatements("museumsync"));
        var postgres = new PostgresDialect(new PostgresStatements("museumsync"));

        Assert.Equal(Sorted(SqlServerParameters(sqlServer.Sql.SchemaLock)), Sorted(Bound(new SqlCommand(), c => sqlServer.BindSchemaLock(c, "museumsync.schema:museumsync"))));
        Assert.Equal(Sorted(SqlServerParameters(sqlServer.Sql.Bootstrap)), Sorted(Bound(new SqlCommand(), c => sqlServer.BindBootstrap(c, "museumsync"))));
        Assert.Equal(Sorted(PostgresParameters(postgres.Sql.SchemaLock)), Sorted(Bound(new NpgsqlCommand(), c => postgres.BindSchemaLock(c, "museumsync.schema:museumsync"))));
        Assert.Equal(Sorted(PostgresParameters(postgres.Sql.Bootstrap)), Sorted(Bound(new NpgsqlCommand(), c => postgres.BindBootstrap(c, "museumsync"))));
    }

    [Fact]
    public void Add_SqlServer_TypesEachParameterLikeItsColumn()
    {
        var d = new SqlServerDialect(new SqlServerStatements("museumsync"));
        var cmd = new SqlCommand();

        d.Add(cmd, "source", AdoType.Source, "met");
        d.Add(cmd, "id", AdoType.ObjectId, null);
        d.Add(cmd, "since", AdoType.Time, new DateTimeOffset(2025, 1, 1, 12, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567));
        d.Add(cmd, "h", AdoType.Hash, new byte[16]);

        Assert.Equal(("@source", System.Data.SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength), (cmd.Parameters[0].ParameterName, cmd.Parameters[0].SqlDbType, cmd.Parameters[0].Size));
        Assert.Equal((System.Data.SqlDbType.NVarChar, SqlServerSchema.MaxObjectIdLength, (object)DBNull.Value), (cmd.Parameters[1].SqlDbType, cmd.Parameters[1].Size, cmd.Parameters[1].Value));
        Assert.Equal(new DateTime(2025, 1, 1, 10, 0, 0, 123, DateTimeKind.Utc), cmd.Parameters[2].Value);
        Assert.Equal((System.Data.SqlDbType.Binary, 16), (cmd.Parameters[3].SqlDbType, cmd.Parameters[3].Size));
    }

    /// <summary>Every statement of <see cref="AdoStatements"/> (its string properties but the schema).</summary>
    private static IEnumerable<System.Reflection.PropertyInfo> Statements() =>
        typeof(AdoStatements).GetProperties().Where(p => p.PropertyType == typeof(string) && p.Name != nameof(AdoStatements.Schema));

    private static string Text(AdoStatements sql, string name) => (string)typeof(AdoStatements).GetProperty(name)!.GetValue(sql)!;

    /// <summary>The names the dialect's own binders bind (durations, checkpoint changes, the schema lock and bootstrap): they differ by design.</summary>
    private static HashSet<string> OwnBindings(DbCommand cmd)
    {
        AdoDialect d = cmd is SqlCommand ? new SqlServerDialect(new SqlServerStatements("museumsync")) : new PostgresDialect(new PostgresStatements("museumsync"));
        return Bound(cmd, c =>
        {
            d.BindDuration(c, TimeSpan.FromMinutes(1));
            d.BindCheckpointChange(c, new CheckpointChange { Source = "met" });
            d.BindSchemaLock(c, "lock");
            d.BindBootstrap(c, "museumsync");
        });
    }

    private static List<string> Sorted(IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToList();

    private static HashSet<string> Bound(DbCommand cmd, Action<DbCommand> bind)
    {
        bind(cmd);
        return cmd.Parameters.Cast<DbParameter>().Select(p => p.ParameterName.TrimStart('@')).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The variables a T-SQL statement reads that it does not declare itself (nor name as a procedure's parameter): its parameters.</summary>
    private static HashSet<string> SqlServerParameters(string sql)
    {
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        Assert.Empty(errors);
        var v = new VariableVisitor();
        fragment.Accept(v);
        v.Read.ExceptWith(v.Declared);
        return v.Read;
    }

    private static HashSet<string> PostgresParameters(string sql) => PostgresParameter().Matches(sql).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"(?<![@\w])@(\w+)")]
    private static partial Regex PostgresParameter();

    private sealed class VariableVisitor : TSqlFragmentVisitor
    {
        public HashSet<string> Read { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Declared { get; } = new(StringComparer.Ordinal);

        public override void Visit(VariableReference node) => Read.Add(node.Name.TrimStart('@'));

        public override void Visit(DeclareVariableElement node) => Declared.Add(node.VariableName.Value.TrimStart('@'));

        public override void Visit(DeclareTableVariableBody node) => Declared.Add(node.VariableName.Value.TrimStart('@'));

        public override void Visit(ExecuteParameter node)
        {
            // sp_getapplock @Resource = …: the procedure's parameter name, not a variable of the statement.
            if (node.Variable is { } named) Declared.Add(named.Name.TrimStart('@'));
        }
    }
}
