using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MuseumSync.Storage;

/// <summary>Which database a sync writes to, and how. Validate it with <see cref="Validate"/>; open it with <see cref="SyncStoreFactory"/>.</summary>
public sealed class StoreOptions
{
    /// <summary>The schema the tables live in on SQL Server and PostgreSQL.</summary>
    public const string DefaultSchema = "museumsync";

    /// <summary>The database engine. The default is <see cref="StoreProvider.Sqlite"/>.</summary>
    public StoreProvider Provider { get; init; } = StoreProvider.Sqlite;

    /// <summary>The SQLite database file (a full path), for <see cref="StoreProvider.Sqlite"/> without a connection string. The default is null.</summary>
    public string? Database { get; init; }

    /// <summary>
    /// The ADO.NET connection string, for SQL Server and PostgreSQL (and SQLite as <c>Data Source=PATH</c>). Encrypt,
    /// TrustServerCertificate, Integrated Security and every other keyword are passed to the driver as given. The default is null.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>A login kept out of the connection string (SQL Server SQL logins, PostgreSQL users). The default is null (integrated security, or what the connection string says).</summary>
    public StoreCredential? Credential { get; init; }

    /// <summary>The schema that holds the tables on SQL Server and PostgreSQL: letters, digits and underscores, starting with a letter or underscore, at most 63 characters. The default is <c>museumsync</c>.</summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>How long one statement may run. The default is 5 minutes.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a whole batch is tried again after a transient database error (deadlock, timeout, failover). The default is 4.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>The first wait before a retry; it doubles each time, with jitter. The default is 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Throws <see cref="ArgumentException"/> (with a message that names the fix) when the options cannot work.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Provider)) throw new ArgumentOutOfRangeException(nameof(Provider), Provider, "Use Sqlite, SqlServer or PostgreSql.");
        if (Database is not null && ConnectionString is not null)
        {
            throw new ArgumentException("Give either a SQLite database file or a connection string, not both.", nameof(Database));
        }
        if (Provider == StoreProvider.Sqlite)
        {
            if (string.IsNullOrWhiteSpace(Database) && string.IsNullOrWhiteSpace(ConnectionString))
            {
                throw new ArgumentException("SQLite needs a database file (-Database PATH) or a connection string 'Data Source=PATH'.", nameof(Database));
            }
            if (Credential is not null) throw new ArgumentException("A SQLite file takes no credential; remove -Credential.", nameof(Credential));
            if (ConnectionString is not null && string.IsNullOrWhiteSpace(SqliteFile())) throw new ArgumentException("The SQLite connection string has no 'Data Source=PATH'.", nameof(ConnectionString));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                throw new ArgumentException($"{Provider} needs a connection string (-ConnectionString).", nameof(ConnectionString));
            }
            ParseServerConnectionString();
        }
        SqlIdentifier.Validate(Schema, nameof(Schema));
        if (CommandTimeout <= TimeSpan.Zero || CommandTimeout > TimeSpan.FromHours(24)) throw new ArgumentOutOfRangeException(nameof(CommandTimeout), CommandTimeout, "Use a command timeout from 1 second to 24 hours.");
        if (MaxRetryAttempts is < 0 or > 20) throw new ArgumentOutOfRangeException(nameof(MaxRetryAttempts), MaxRetryAttempts, "Use 0 to 20 retries.");
        if (RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay > TimeSpan.FromMinutes(5)) throw new ArgumentOutOfRangeException(nameof(RetryBaseDelay), RetryBaseDelay, "Use a retry delay from 0 to 5 minutes.");
    }

    /// <summary>Where the data goes, for messages and output: the file, or provider, server and database; never a password.</summary>
    public string Describe()
    {
        try
        {
            return Provider switch
            {
                StoreProvider.Sqlite => SqliteFile() ?? "(no file)",
                StoreProvider.SqlServer => DescribeSqlServer(),
                StoreProvider.PostgreSql => DescribePostgreSql(),
                _ => Provider.ToString(),
            };
        }
        catch (ArgumentException)
        {
            return $"{Provider}: {ConnectionStringMask.Mask(ConnectionString)}";
        }
    }

    // Apart, and never inlined, so that describing a SQLite store (every SQLite run does) loads neither SqlClient nor
    // Npgsql: the JIT loads the assemblies of every type a method names when it compiles that method.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private string DescribeSqlServer() => Describe(new SqlConnectionStringBuilder(ConnectionString));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private string DescribePostgreSql() => Describe(new NpgsqlConnectionStringBuilder(ConnectionString));

    /// <summary>The SQLite file: <see cref="Database"/>, or the connection string's Data Source.</summary>
    public string? SqliteFile()
    {
        if (Database is not null) return Database;
        if (ConnectionString is null) return null;
        try
        {
            var ds = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            return string.IsNullOrWhiteSpace(ds) ? null : Path.GetFullPath(ds);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The SQLite connection string is not valid: {ex.Message}", nameof(ConnectionString), ex);
        }
    }

    private void ParseServerConnectionString()
    {
        DbConnectionStringBuilder builder;
        try
        {
            builder = Provider == StoreProvider.SqlServer ? new SqlConnectionStringBuilder(ConnectionString) : new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The driver's message names the keyword, never its value.
            throw new ArgumentException($"The {Provider} connection string '{ConnectionStringMask.Mask(ConnectionString)}' is not valid: {ex.Message}", nameof(ConnectionString), ex);
        }
        if (Credential is null) return;
        if (builder is SqlConnectionStringBuilder sql)
        {
            if (sql.IntegratedSecurity) throw new ArgumentException("-Credential is a SQL login; remove 'Integrated Security' from the connection string (or drop -Credential to use Windows authentication).", nameof(Credential));
            if (sql.ShouldSerialize("User ID") || sql.ShouldSerialize("Password")) throw new ArgumentException("Give the login either in the connection string or as -Credential, not both: remove 'User ID' and 'Password' from the connection string.", nameof(Credential));
        }
        else if (builder is NpgsqlConnectionStringBuilder pg && pg.Password is not null)
        {
            throw new ArgumentException("Give the password either in the connection string or as -Credential, not both: remove 'Password' from the connection string.", nameof(Credential));
        }
    }

    private string Describe(SqlConnectionStringBuilder b) =>
        $"SqlServer {(string.IsNullOrEmpty(b.DataSource) ? "(local)" : b.DataSource)}/{(string.IsNullOrEmpty(b.InitialCatalog) ? "(default database)" : b.InitialCatalog)} [{Schema}]";

    private string Describe(NpgsqlConnectionStringBuilder b) =>
        $"PostgreSql {b.Host ?? "localhost"}:{b.Port}/{b.Database ?? b.Username ?? Credential?.UserName ?? "(default database)"} [{Schema}]";
}
