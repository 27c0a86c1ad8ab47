using Microsoft.Data.SqlClient;

namespace MuseumSync.Storage.SqlServer;

/// <summary>
/// The SQL Server store (Microsoft.Data.SqlClient), written the way a DBA would: each batch is SqlBulkCopy into session
/// temp tables, one <c>MERGE … WITH (HOLDLOCK)</c> into <c>museumsync.museum_records</c> with <c>OUTPUT $action</c> for the
/// counts, the deletions, the dead letters merged, the lease checked and the checkpoint row updated — one transaction.
/// Deadlocks, timeouts and Azure SQL's transient errors retry the whole batch. The T-SQL is in <see cref="SqlServerStatements"/> (and, for
/// the steps shared with PostgreSQL in <see cref="AdoSyncStore{TStore, TConnection, TCommand}"/>, <see cref="SqlServerDialect"/>).
/// </summary>
internal sealed partial class SqlServerSyncStore : AdoSyncStore<SqlServerSyncStore, SqlConnection, SqlCommand>, ISyncStore
{
    private readonly string _connectionString;
    private readonly SqlCredential? _credential;
    private readonly SqlServerStatements _sql;

    /// <summary>The session's staging tables exist on the store's connection (a new connection has none).</summary>
    private bool _stagesReady;

    private SqlServerSyncStore(StoreOptions options, TimeProvider time)
        : base(options, time)
    {
        var csb = new SqlConnectionStringBuilder(options.ConnectionString);
        if (!csb.ShouldSerialize("Application Name")) csb.ApplicationName = "MuseumSync";
        _connectionString = csb.ConnectionString;
        if (options.Credential is { } c)
        {
            // SqlCredential keeps the password in its read-only SecureString; it never enters the connection string.
            _credential = new SqlCredential(c.UserName, c.Password);
        }
        _sql = new SqlServerStatements(options.Schema);
        Dialect = new SqlServerDialect(_sql);
    }

    /// <inheritdoc />
    public override string Provider => "SqlServer";

    private protected override AdoDialect Dialect { get; }

    /// <summary>Connects to the database (the schema is created by <c>InitializeAsync</c>).</summary>
    public static async Task<SqlServerSyncStore> OpenAsync(StoreOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return await ConnectAsync(new SqlServerSyncStore(options, time), cancellationToken).ConfigureAwait(false);
    }

    // ---- plumbing

    private protected override void OnConnectionChanged() => _stagesReady = false;

    /// <summary>A UTC time as datetime2(3) takes it: UTC, truncated to the millisecond.</summary>
    internal static DateTime Db(DateTimeOffset t)
    {
        var ticks = t.UtcDateTime.Ticks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    internal static DateTimeOffset Utc(DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    private protected override async ValueTask<SqlConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var c = _credential is null ? new SqlConnection(_connectionString) : new SqlConnection(_connectionString, _credential);
        try
        {
            await c.OpenAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return c;
    }

    /// <summary>Runs a statement that ends with <c>SELECT @@ROWCOUNT</c> and returns that count.</summary>
    internal static async Task<int> AffectedAsync(SqlCommand cmd, CancellationToken ct) =>
        Convert.ToInt32(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
}
