using System.Security;
using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage;

public sealed class StoreOptionsTests
{
    private static SecureString Secret(string s)
    {
        var ss = new SecureString();
        foreach (var c in s) ss.AppendChar(c);
        return ss;
    }

    [Fact]
    public void Validate_SqliteWithFile_Passes()
    {
        new StoreOptions { Database = "/tmp/x.db" }.Validate();
        Assert.Equal("/tmp/x.db", new StoreOptions { Database = "/tmp/x.db" }.Describe());
    }

    [Fact]
    public void Validate_SqliteConnectionString_UsesDataSource()
    {
        var o = new StoreOptions { Provider = StoreProvider.Sqlite, ConnectionString = "Data Source=/tmp/y.db" };
        o.Validate();
        Assert.Equal("/tmp/y.db", o.SqliteFile());
    }

    [Theory]
    [InlineData(StoreProvider.SqlServer, null)]
    [InlineData(StoreProvider.PostgreSql, "")]
    public void Validate_ServerWithoutConnectionString_SaysWhatIsMissing(StoreProvider provider, string? cs)
    {
        var ex = Assert.Throws<ArgumentException>(() => new StoreOptions { Provider = provider, ConnectionString = cs }.Validate());
        Assert.Contains("connection string", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BothFileAndConnectionString_Rejected()
    {
        Assert.Throws<ArgumentException>(() => new StoreOptions { Database = "/tmp/x.db", ConnectionString = "Server=a" }.Validate());
    }

    [Theory]
    [InlineData("museum-sync")]
    [InlineData("1abc")]
    [InlineData("a]; DROP TABLE x; --")]
    [InlineData("")]
    public void Validate_BadSchemaName_Rejected(string schema)
    {
        Assert.Throws<ArgumentException>(() => new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = "Host=h", Schema = schema }.Validate());
    }

    [Theory]
    [InlineData("museumsync\n", "not a valid schema name: use letters")]
    [InlineData("information_schema", "system schema")]
    [InlineData("INFORMATION_SCHEMA", "system schema")]
    [InlineData("sys", "system schema")]
    [InlineData("Sys", "system schema")]
    [InlineData("pg_catalog", "system schema")]
    [InlineData("PG_TEMP_1", "system schema")]
    [InlineData("pg_", "system schema")]
    public void Validate_TrailingNewlineOrSystemSchema_RejectedWithReason(string schema, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = "Host=h", Schema = schema }.Validate());

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Equal("Schema", ex.ParamName);
    }

    [Theory]
    [InlineData("museumsync")]
    [InlineData("sys_mirror")]
    [InlineData("pgmirror")]
    [InlineData("information")]
    public void Validate_SchemaNamesThatOnlyResembleSystemSchemas_Accepted(string schema)
    {
        new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = "Host=h", Schema = schema }.Validate();
    }

    [Fact]
    public void Validate_CredentialWithPasswordInConnectionString_RejectedWithoutEchoingIt()
    {
        var o = new StoreOptions { Provider = StoreProvider.SqlServer, ConnectionString = "Server=sql01;Database=Mirror;User ID=sa;Password=Hunter2!", Credential = new StoreCredential("sync", Secret("x")) };

        var ex = Assert.Throws<ArgumentException>(() => o.Validate());

        Assert.DoesNotContain("Hunter2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not both", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CredentialWithIntegratedSecurity_Rejected()
    {
        var o = new StoreOptions { Provider = StoreProvider.SqlServer, ConnectionString = "Server=sql01;Integrated Security=true", Credential = new StoreCredential("sync", Secret("x")) };
        Assert.Throws<ArgumentException>(() => o.Validate());
    }

    [Fact]
    public void Validate_UnknownKeyword_MessageNamesTheKeywordNotThePassword()
    {
        var o = new StoreOptions { Provider = StoreProvider.SqlServer, ConnectionString = "Server=sql01;Password=Hunter2!;Frobnicate=yes" };

        var ex = Assert.Throws<ArgumentException>(() => o.Validate());

        Assert.DoesNotContain("Hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ServerStores_ShowServerDatabaseAndSchemaOnly()
    {
        var sql = new StoreOptions { Provider = StoreProvider.SqlServer, ConnectionString = "Server=sql01,1433;Database=Mirror;User ID=sa;Password=Hunter2!;Encrypt=true" };
        var pg = new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = "Host=pg01;Port=5433;Database=mirror;Username=sync;Password=Hunter2!", Schema = "mirror_a" };

        Assert.Equal("SqlServer sql01,1433/Mirror [museumsync]", sql.Describe());
        Assert.Equal("PostgreSql pg01:5433/mirror [mirror_a]", pg.Describe());
    }

    [Theory]
    [InlineData("Server=a;Password=Hunter2!;Database=b", "Hunter2!")]
    [InlineData("Host=a;PWD=Hunter2!", "Hunter2!")]
    [InlineData("Host=a;password='x;y';Database=b", "x;y")]
    public void Mask_PasswordValues_Replaced(string cs, string secret)
    {
        var masked = ConnectionStringMask.Mask(cs);
        Assert.DoesNotContain(secret, masked, StringComparison.Ordinal);
        Assert.Contains("***", masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_Unparsable_ShowsNothingOfIt()
    {
        Assert.DoesNotContain("Hunter2", ConnectionStringMask.Mask("Password=Hunter2;'unterminated"), StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_PasswordIsACopyAndReadOnly()
    {
        var source = Secret("Hunter2!");
        var c = new StoreCredential("sync", source);
        source.AppendChar('x');

        Assert.True(c.Password.IsReadOnly());
        Assert.Equal("Hunter2!", c.RevealPassword());
        Assert.Equal("sync", c.ToString());
    }
}
