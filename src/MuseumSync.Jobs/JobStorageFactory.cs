using System.Data.Common;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Microsoft.Data.SqlClient;
using MuseumSync.Storage;
using Npgsql;

namespace MuseumSync.Jobs;

/// <summary>
/// Hangfire's job storage in the database the source's store already uses: PostgreSQL and SQL Server in their own
/// schema (<c>SCHEMA_hangfire</c> beside MuseumSync's <c>SCHEMA</c>), SQLite in a file beside the store's (<c>NAME.hangfire.db</c>). The
/// store's login is used as the store uses it (a -Credential password reaches the driver only).
/// </summary>
internal static class JobStorageFactory
{
    /// <summary>The schema of Hangfire's tables in PostgreSQL and SQL Server: the store's schema and <c>_hangfire</c>, so two stores in one database keep two job storages.</summary>
    public static string Schema(StoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Schema + "_hangfire";
    }

    /// <summary>The job storage beside <paramref name="store"/>; its tables are created on first use.</summary>
    public static JobStorage Create(StoreOptions store, JobEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        store.Validate();
        options.Validate();
        return store.Provider switch
        {
            StoreProvider.PostgreSql => new PostgreSqlStorage(new DataSourceConnections(PostgresSource(store)), new PostgreSqlStorageOptions
            {
                SchemaName = Schema(store),
                PrepareSchemaIfNecessary = true,
                InvisibilityTimeout = options.InvisibilityTimeout,
                UseSlidingInvisibilityTimeout = true,
                QueuePollInterval = options.PollInterval,
                // Hangfire's distributed locks (a job's state change) are rows here; one a killed worker held is only
                // removed after this long, and until then that job cannot move. The default (10 minutes) stalled every
                // worker after a SIGKILL; the locks live for milliseconds, so the invisibility timeout (at least 30 s) is ample.
                DistributedLockTimeout = options.InvisibilityTimeout > TimeSpan.FromSeconds(30) ? options.InvisibilityTimeout : TimeSpan.FromSeconds(30),
            }),
            StoreProvider.SqlServer => new SqlServerStorage(SqlServerConnections(store), new SqlServerStorageOptions
            {
                SchemaName = Schema(store),
                PrepareSchemaIfNecessary = true,
                SlidingInvisibilityTimeout = options.InvisibilityTimeout,
                QueuePollInterval = options.PollInterval,
            }),
            _ => new SQLiteStorage(SqliteFile(store), new SQLiteStorageOptions
            {
                InvisibilityTimeout = options.InvisibilityTimeout,
                QueuePollInterval = options.PollInterval,
            }),
        };
    }

    /// <summary>The SQLite job storage file: the store's file name with <c>.hangfire.db</c>, in its folder.</summary>
    public static string SqliteFile(StoreOptions store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var file = store.SqliteFile() ?? throw new ArgumentException("The SQLite store names no file.");
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, Path.GetFileNameWithoutExtension(file) + ".hangfire.db");
    }

    private static NpgsqlDataSource PostgresSource(StoreOptions store)
    {
        var builder = new NpgsqlDataSourceBuilder(store.ConnectionString);
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName)) builder.ConnectionStringBuilder.ApplicationName = "MuseumSync jobs";
        if (store.Credential is { } credential)
        {
            builder.ConnectionStringBuilder.Username = credential.UserName;
            builder.UsePasswordProvider(_ => credential.RevealPassword(), (_, _) => ValueTask.FromResult(credential.RevealPassword()));
        }
        return builder.Build();
    }

    private static Func<DbConnection> SqlServerConnections(StoreOptions store)
    {
        var credential = store.Credential is { } c ? new SqlCredential(c.UserName, c.Password) : null;
        var text = store.ConnectionString!;
        return () => new SqlConnection(text, credential);
    }

    /// <summary>Hangfire.PostgreSql's connections from the data source (so a password provider applies).</summary>
    private sealed class DataSourceConnections(NpgsqlDataSource source) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => source.CreateConnection();
    }
}
