using System.Data;
using Microsoft.Data.SqlClient;
using Polly;

namespace MuseumSync.Storage.SqlServer;

/// <summary>
/// The SQL Server store (Microsoft.Data.SqlClient), written the way a DBA would: each batch is SqlBulkCopy into session
/// temp tables, one <c>MERGE … WITH (HOLDLOCK)</c> into <c>museumsync.museum_records</c> with <c>OUTPUT $action</c> for the
/// counts, the deletions, the dead letters merged, the lease checked and the checkpoint row updated — one transaction.
/// Deadlocks, timeouts and Azure SQL's transient errors retry the whole batch. All T-SQL is in <see cref="SqlServerStatements"/>.
/// </summary>
internal sealed partial class SqlServerSyncStore : ISyncStore
{
    private readonly string _connectionString;
    private readonly SqlCredential? _credential;
    private readonly SqlServerStatements _sql;
    private readonly ResiliencePipeline _retry;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly int _commandTimeoutSeconds;
    private SqlConnection? _connection;
    private bool _stagesReady;

    private SqlServerSyncStore(StoreOptions options, TimeProvider time)
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
        SchemaName = options.Schema;
        DisplayName = options.Describe();
        _commandTimeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        _retry = StoreRetry.Create(options, time, SqlServerTransientErrors.IsTransient, _ => ResetConnectionAsync());
    }

    /// <inheritdoc />
    public string Provider => "SqlServer";

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>The schema that holds the tables.</summary>
    public string SchemaName { get; }

    /// <summary>Connects to the database (the schema is created by <see cref="InitializeAsync"/>).</summary>
    public static async Task<SqlServerSyncStore> OpenAsync(StoreOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new SqlServerSyncStore(options, time);
        try
        {
            await store.RunAsync(static async (s, ct) => (object)await s.ConnectionAsync(ct).ConfigureAwait(false), "connect to", cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SchemaMigration>> InitializeAsync(CancellationToken cancellationToken) =>
        RunAsync(static async (s, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var lockName = "museumsync.schema:" + s.SchemaName;
            using (var tx = (SqlTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false))
            {
                await s.LockSchemaAsync(c, tx, lockName, ct).ConfigureAwait(false);
                var boot = s.Command(c, s._sql.Bootstrap, tx);
                await using var bootScope = boot.ConfigureAwait(false);
                boot.Parameters.Add("@schema", SqlDbType.NVarChar, 128).Value = s.SchemaName;
                await boot.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
            var applied = new List<SchemaMigration>();
            foreach (var (version, description, sql) in SqlServerSchema.Migrations)
            {
                using var tx = (SqlTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
                await s.LockSchemaAsync(c, tx, lockName, ct).ConfigureAwait(false);
                var check = s.Command(c, s._sql.MigrationApplied, tx);
                await using (check.ConfigureAwait(false))
                {
                    check.Parameters.Add("@version", SqlDbType.Int).Value = version;
                    if ((long)(await check.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0) continue;
                }
                var migrate = s.Command(c, s._sql.Migration(sql), tx);
                await using (migrate.ConfigureAwait(false))
                {
                    await migrate.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                var record = s.Command(c, s._sql.MigrationRecord, tx);
                await using (record.ConfigureAwait(false))
                {
                    record.Parameters.Add("@version", SqlDbType.Int).Value = version;
                    record.Parameters.Add("@description", SqlDbType.NVarChar, 200).Value = description;
                    await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                applied.Add(new SchemaMigration(version, description));
            }
            return (IReadOnlyList<SchemaMigration>)applied;
        }, "create or upgrade the MuseumSync schema in", cancellationToken);

    private async Task LockSchemaAsync(SqlConnection c, SqlTransaction tx, string lockName, CancellationToken ct)
    {
        var lk = Command(c, _sql.SchemaLock, tx);
        await using var lkScope = lk.ConfigureAwait(false);
        lk.Parameters.Add("@lock", SqlDbType.NVarChar, 255).Value = lockName;
        lk.Parameters.Add("@lock_timeout", SqlDbType.Int).Value = _commandTimeoutSeconds * 1000;
        await lk.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken) =>
        RunAsync(static async (s, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var done = new HashSet<int>();
            try
            {
                var cmd = s.Command(c, s._sql.MigrationVersions);
                await using var cmdScope = cmd.ConfigureAwait(false);
                var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false)) done.Add(r.GetInt32(0));
            }
            catch (SqlException ex) when (IsMissingTable(ex))
            {
                // Not installed yet.
            }
            return SchemaStatus.From(s.Provider, s.DisplayName, s.SchemaName, done, SqlServerSchema.Migrations);
        }, "read the schema version of", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SyncCheckpoint>> GetCheckpointsAsync(string? source, CancellationToken cancellationToken) =>
        RunAsync((s, ct) => s.ReadCheckpointsAsync(source, null, ct), "read the checkpoints in", cancellationToken);

    private async Task<IReadOnlyList<SyncCheckpoint>> ReadCheckpointsAsync(string? source, SqlTransaction? tx, CancellationToken ct)
    {
        var c = await ConnectionAsync(ct).ConfigureAwait(false);
        var cmd = Command(c, source is null ? _sql.SelectCheckpoints : _sql.SelectCheckpoint, tx);
        await using var cmdScope = cmd.ConfigureAwait(false);
        if (source is not null) cmd.Parameters.Add("@source", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = source;
        var list = new List<SyncCheckpoint>();
        try
        {
            var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(new SyncCheckpoint
                {
                    Source = r.GetString(0),
                    Endpoint = r.IsDBNull(1) ? null : r.GetString(1),
                    Cursor = r.IsDBNull(2) ? null : r.GetString(2),
                    LastSyncTime = r.IsDBNull(3) ? null : Utc(r.GetDateTime(3)),
                    RecordsCommitted = r.GetInt64(4),
                    DeadLettered = r.GetInt64(5),
                    Batches = r.GetInt64(6),
                    Watermark = r.IsDBNull(7) ? null : r.GetString(7),
                    Database = DisplayName,
                });
            }
        }
        catch (SqlException ex) when (IsMissingTable(ex))
        {
            // A database no sync has written to yet.
        }
        return list;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(async (s, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, s._sql.SelectDeadLetters);
            await using var cmdScope = cmd.ConfigureAwait(false);
            cmd.Parameters.Add("@limit", SqlDbType.Int).Value = query.Limit ?? int.MaxValue;
            cmd.Parameters.Add("@source", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = (object?)query.Source ?? DBNull.Value;
            cmd.Parameters.Add("@since", SqlDbType.DateTime2).Value = query.Since is { } since ? Db(since) : DBNull.Value;
            var list = new List<DeadLetter>();
            try
            {
                var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    list.Add(DeadLetterRow.Read(r, static (row, i) => Utc(row.GetDateTime(i))));
                }
            }
            catch (SqlException ex) when (IsMissingTable(ex))
            {
                // A database no sync has written to yet.
            }
            return (IReadOnlyList<DeadLetter>)list;
        }, "read the dead letters in", cancellationToken);
    }

    // ---- plumbing

    internal static bool IsMissingTable(SqlException ex) => ex.Number == 208;

    /// <summary>A UTC time as datetime2(3) takes it: UTC, truncated to the millisecond.</summary>
    internal static DateTime Db(DateTimeOffset t)
    {
        var ticks = t.UtcDateTime.Ticks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    internal static DateTimeOffset Utc(DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    private async Task<SqlConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is { State: ConnectionState.Open }) return _connection;
        if (_connection is not null) await ResetConnectionAsync().ConfigureAwait(false);
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
        _connection = c;
        _stagesReady = false;
        return c;
    }

    private async ValueTask ResetConnectionAsync()
    {
        var c = _connection;
        _connection = null;
        _stagesReady = false;
        if (c is not null) await c.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs a statement that ends with <c>SELECT @@ROWCOUNT</c> and returns that count.</summary>
    internal static async Task<int> AffectedAsync(SqlCommand cmd, CancellationToken ct) =>
        Convert.ToInt32(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

    private SqlCommand Command(SqlConnection c, string sql, SqlTransaction? tx = null) =>
        new(sql, c, tx) { CommandTimeout = _commandTimeoutSeconds };

    private Task<T> RunAsync<T>(Func<SqlServerSyncStore, CancellationToken, Task<T>> work, string what, CancellationToken cancellationToken) =>
        RunAsync(static (s, w, ct) => w(s, ct), work, what, cancellationToken);

    /// <summary>Runs one unit of work under the gate, retried as a whole after a transient error; database errors come out as <see cref="SyncStoreException"/>.</summary>
    private async Task<T> RunAsync<TState, T>(Func<SqlServerSyncStore, TState, CancellationToken, Task<T>> work, TState state, string what, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _retry.ExecuteAsync(
                static async (ctx, ct) => await ctx.work(ctx.store, ctx.state, ct).ConfigureAwait(false),
                (store: this, work, state),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqlException or TimeoutException or InvalidOperationException { Source: "Core Microsoft SqlClient Data Provider" })
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new SyncStoreException($"Could not {what} {DisplayName}: {ex.Message}", SqlServerTransientErrors.IsTransient(ex), ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ResetConnectionAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
