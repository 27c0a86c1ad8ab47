using Npgsql;
using NpgsqlTypes;
using Polly;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>
/// The PostgreSQL store (Npgsql): the tables live in the <c>museumsync</c> schema with the same names and columns as
/// everywhere else. A batch is binary COPY into session temp tables, then <c>INSERT … ON CONFLICT DO UPDATE</c> into the
/// tables, the deletions, the dead letters, the lease check and the checkpoint, in one transaction.
/// </summary>
internal sealed partial class PostgresSyncStore : ISyncStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStatements _sql;
    private readonly ResiliencePipeline _retry;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly int _commandTimeoutSeconds;
    private NpgsqlConnection? _connection;
    private bool _stagesReady;

    /// <summary>The source whose last committed batch found none of its ids stored (null: none, or not known).</summary>
    private string? _allNewSource;

    private PostgresSyncStore(StoreOptions options, NpgsqlDataSource dataSource, TimeProvider time)
    {
        _dataSource = dataSource;
        _sql = new PostgresStatements(options.Schema);
        SchemaName = options.Schema;
        DisplayName = options.Describe();
        _commandTimeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        _retry = StoreRetry.Create(options, time, PostgresTransientErrors.IsTransient, _ => ResetConnectionAsync());
    }

    /// <inheritdoc />
    public string Provider => "PostgreSql";

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>The schema that holds the tables.</summary>
    public string SchemaName { get; }

    /// <summary>Connects to the database (the schema is created by <see cref="InitializeAsync"/>).</summary>
    public static async Task<PostgresSyncStore> OpenAsync(StoreOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var csb = builder.ConnectionStringBuilder;
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = "MuseumSync";
        csb.CommandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        if (options.Credential is { } credential)
        {
            csb.Username = credential.UserName;
            // The password leaves its SecureString only when a physical connection is opened.
            builder.UsePasswordProvider(_ => credential.RevealPassword(), (_, _) => ValueTask.FromResult(credential.RevealPassword()));
        }
        var store = new PostgresSyncStore(options, builder.Build(), time);
        try
        {
            await store.RunAsync(static (s, ct) => s.ConnectionAsync(ct), "connect to", cancellationToken).ConfigureAwait(false);
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
            var lockKey = "museumsync.schema:" + s.SchemaName;
            var bootTx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (bootTx.ConfigureAwait(false))
            {
                var boot = s.Command(c, s._sql.Bootstrap, bootTx);
                await using var bootScope = boot.ConfigureAwait(false);
                boot.Parameters.AddWithValue("lock", lockKey);
                await boot.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await bootTx.CommitAsync(ct).ConfigureAwait(false);
            }
            var applied = new List<SchemaMigration>();
            foreach (var (version, description, sql) in PostgresSchema.Migrations)
            {
                var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using var txScope = tx.ConfigureAwait(false);
                var lk = s.Command(c, s._sql.MigrationLock, tx);
                await using (lk.ConfigureAwait(false))
                {
                    lk.Parameters.AddWithValue("lock", lockKey);
                    await lk.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                var check = s.Command(c, s._sql.MigrationApplied, tx);
                await using (check.ConfigureAwait(false))
                {
                    check.Parameters.AddWithValue("version", version);
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
                    record.Parameters.AddWithValue("version", version);
                    record.Parameters.AddWithValue("description", description);
                    await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                applied.Add(new SchemaMigration(version, description));
            }
            return (IReadOnlyList<SchemaMigration>)applied;
        }, "create or upgrade the MuseumSync schema in", cancellationToken);

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
            catch (PostgresException ex) when (IsMissingTable(ex))
            {
                // Not installed yet.
            }
            return SchemaStatus.From(s.Provider, s.DisplayName, s.SchemaName, done, PostgresSchema.Migrations);
        }, "read the schema version of", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SyncCheckpoint>> GetCheckpointsAsync(string? source, CancellationToken cancellationToken) =>
        RunAsync((s, ct) => s.ReadCheckpointsAsync(source, transaction: null, ct), "read the checkpoints in", cancellationToken);

    private async Task<IReadOnlyList<SyncCheckpoint>> ReadCheckpointsAsync(string? source, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        var c = await ConnectionAsync(ct).ConfigureAwait(false);
        var cmd = Command(c, _sql.SelectCheckpoints + (source is null ? string.Empty : " WHERE source = @source") + " ORDER BY source COLLATE \"C\"", transaction);
        await using var cmdScope = cmd.ConfigureAwait(false);
        if (source is not null) cmd.Parameters.AddWithValue("source", source);
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
                    LastSyncTime = r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3),
                    RecordsCommitted = r.GetInt64(4),
                    DeadLettered = r.GetInt64(5),
                    Batches = r.GetInt64(6),
                    Watermark = r.IsDBNull(7) ? null : r.GetString(7),
                    Database = DisplayName,
                });
            }
        }
        catch (PostgresException ex) when (IsMissingTable(ex))
        {
            // A database no sync has written to yet.
        }
        return list;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(static async (s, q, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var where = new List<string>();
            var cmd = s.Command(c, string.Empty);
            await using var cmdScope = cmd.ConfigureAwait(false);
            if (q.Source is not null)
            {
                where.Add("source = @source");
                cmd.Parameters.AddWithValue("source", q.Source);
            }
            if (q.Since is { } since)
            {
                where.Add("last_seen_utc >= @since");
                cmd.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, Utc(since));
            }
            cmd.CommandText = s._sql.SelectDeadLetters + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty) + " ORDER BY id"
                + (q.Limit is not null ? " LIMIT @limit" : string.Empty);
            if (q.Limit is { } limit) cmd.Parameters.AddWithValue("limit", limit);
            var list = new List<DeadLetter>();
            try
            {
                var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    list.Add(DeadLetterRow.Read(r, static (row, i) => row.GetFieldValue<DateTimeOffset>(i)));
                }
            }
            catch (PostgresException ex) when (IsMissingTable(ex))
            {
                // A database no sync has written to yet.
            }
            return (IReadOnlyList<DeadLetter>)list;
        }, query, "read the dead letters in", cancellationToken);
    }

    // ---- plumbing

    internal static bool IsMissingTable(PostgresException ex) => ex.SqlState is "42P01" or "3F000";

    internal static DateTimeOffset Utc(DateTimeOffset t) =>
        new(t.UtcDateTime.Ticks - (t.UtcDateTime.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private async Task<NpgsqlConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is { State: System.Data.ConnectionState.Open }) return _connection;
        if (_connection is not null) await ResetConnectionAsync().ConfigureAwait(false);
        _connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        _stagesReady = false;
        return _connection;
    }

    private async ValueTask ResetConnectionAsync()
    {
        var c = _connection;
        _connection = null;
        _stagesReady = false;
        if (c is not null) await c.DisposeAsync().ConfigureAwait(false);
    }

    private NpgsqlCommand Command(NpgsqlConnection c, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, c, transaction) { CommandTimeout = _commandTimeoutSeconds };

    /// <summary>Runs one unit of work under the gate, retried as a whole after a transient error; database errors come out as <see cref="SyncStoreException"/>.</summary>
    private Task<T> RunAsync<T>(Func<PostgresSyncStore, CancellationToken, Task<T>> work, string what, CancellationToken cancellationToken) =>
        RunAsync(static (s, w, ct) => w(s, ct), work, what, cancellationToken);

    private async Task<T> RunAsync<TState, T>(Func<PostgresSyncStore, TState, CancellationToken, Task<T>> work, TState state, string what, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _retry.ExecuteAsync(
                static async (ctx, ct) => await ctx.work(ctx.store, ctx.state, ct).ConfigureAwait(false),
                (store: this, work, state),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new SyncStoreException($"Could not {what} {DisplayName}: {ex.Message}", PostgresTransientErrors.IsTransient(ex), ex);
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
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
