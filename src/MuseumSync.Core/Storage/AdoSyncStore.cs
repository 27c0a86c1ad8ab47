using System.Data;
using System.Data.Common;
using Polly;

namespace MuseumSync.Storage;

/// <summary>
/// What the server stores (PostgreSQL, SQL Server) do the same way, written once: one connection, used by one unit of
/// work at a time (the gate); each unit retried whole after a transient error; the schema migrations; the checkpoints,
/// dead letters, jobs, leases, request budget, text layers and delete-guard counts. The store's <see cref="AdoDialect"/>
/// has the SQL, the parameter types and the error codes; the derived store opens connections and writes batches (its bulk path).
/// </summary>
/// <typeparam name="TStore">The derived store: what the work that <see cref="RunAsync{TState, T}"/> runs is given.</typeparam>
/// <typeparam name="TConnection">The provider's connection (the batch path uses its bulk API).</typeparam>
/// <typeparam name="TCommand">The provider's command (the batch path binds its typed parameters).</typeparam>
internal abstract partial class AdoSyncStore<TStore, TConnection, TCommand> : IAsyncDisposable
    where TStore : AdoSyncStore<TStore, TConnection, TCommand>
    where TConnection : DbConnection
    where TCommand : DbCommand
{
    private readonly ResiliencePipeline _retry;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TConnection? _connection;

    /// <summary>Every command's timeout, in seconds (the bulk paths take it too).</summary>
    private protected readonly int _commandTimeoutSeconds;

    private protected AdoSyncStore(StoreOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        SchemaName = options.Schema;
        DisplayName = options.Describe();
        _commandTimeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        _retry = StoreRetry.Create(options, time, ex => Dialect.IsTransient(ex), _ => ResetConnectionAsync());
    }

    /// <inheritdoc cref="ISyncStore.Provider" />
    public abstract string Provider { get; }

    /// <inheritdoc cref="ISyncStore.DisplayName" />
    public string DisplayName { get; }

    /// <summary>The schema that holds the tables.</summary>
    public string SchemaName { get; }

    /// <summary>This store's SQL, parameters and error codes.</summary>
    private protected abstract AdoDialect Dialect { get; }

    private AdoStatements Sql => Dialect.Sql;

    /// <summary>Opens a new connection (<see cref="ConnectionAsync"/> keeps one; the request budget takes one per call).</summary>
    private protected abstract ValueTask<TConnection> OpenConnectionAsync(CancellationToken ct);

    /// <inheritdoc cref="ISyncStore.InitializeAsync" />
    public Task<IReadOnlyList<SchemaMigration>> InitializeAsync(CancellationToken cancellationToken) =>
        RunAsync(static async (s, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var lockName = "museumsync.schema:" + s.SchemaName;
            var bootTx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (bootTx.ConfigureAwait(false))
            {
                await s.LockSchemaAsync(c, bootTx, lockName, ct).ConfigureAwait(false);
                var boot = s.Command(c, s.Sql.Bootstrap, bootTx);
                await using (boot.ConfigureAwait(false))
                {
                    s.Dialect.BindBootstrap(boot, s.SchemaName);
                    await boot.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await bootTx.CommitAsync(ct).ConfigureAwait(false);
            }
            var applied = new List<SchemaMigration>();
            foreach (var (version, description, sql) in s.Sql.Migrations)
            {
                var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using var txScope = tx.ConfigureAwait(false);
                await s.LockSchemaAsync(c, tx, lockName, ct).ConfigureAwait(false);
                var check = s.Command(c, s.Sql.MigrationApplied, tx);
                await using (check.ConfigureAwait(false))
                {
                    s.Dialect.Add(check, "version", AdoType.Int, version);
                    if ((long)(await check.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0) continue;
                }
                var migrate = s.Command(c, s.Sql.Migration(sql), tx);
                await using (migrate.ConfigureAwait(false))
                {
                    await migrate.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                var record = s.Command(c, s.Sql.MigrationRecord, tx);
                await using (record.ConfigureAwait(false))
                {
                    s.Dialect.Add(record, "version", AdoType.Int, version);
                    s.Dialect.Add(record, "description", AdoType.Description, description);
                    await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
                applied.Add(new SchemaMigration(version, description));
            }
            return (IReadOnlyList<SchemaMigration>)applied;
        }, "create or upgrade the MuseumSync schema in", cancellationToken);

    /// <summary>Takes the schema lock for the rest of <paramref name="tx"/>: installs and upgrades by several workers go one at a time.</summary>
    private async Task LockSchemaAsync(TConnection c, DbTransaction tx, string lockName, CancellationToken ct)
    {
        var lk = Command(c, Sql.SchemaLock, tx);
        await using var lkScope = lk.ConfigureAwait(false);
        Dialect.BindSchemaLock(lk, lockName);
        await lk.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc cref="ISyncStore.GetSchemaStatusAsync" />
    public Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken) =>
        RunAsync(static async (s, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var done = new HashSet<int>();
            try
            {
                var cmd = s.Command(c, s.Sql.MigrationVersions);
                await using var cmdScope = cmd.ConfigureAwait(false);
                var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false)) done.Add(r.GetInt32(0));
            }
            catch (DbException ex) when (s.Dialect.IsMissingTable(ex))
            {
                // Not installed yet.
            }
            return SchemaStatus.From(s.Provider, s.DisplayName, s.SchemaName, done, s.Sql.Migrations);
        }, "read the schema version of", cancellationToken);

    /// <inheritdoc cref="ISyncStore.GetCheckpointsAsync" />
    public Task<IReadOnlyList<SyncCheckpoint>> GetCheckpointsAsync(string? source, CancellationToken cancellationToken) =>
        RunAsync((s, ct) => s.ReadCheckpointsAsync(source, null, ct), "read the checkpoints in", cancellationToken);

    private async Task<IReadOnlyList<SyncCheckpoint>> ReadCheckpointsAsync(string? source, DbTransaction? tx, CancellationToken ct)
    {
        var c = await ConnectionAsync(ct).ConfigureAwait(false);
        var cmd = Command(c, source is null ? Sql.SelectCheckpoints : Sql.SelectCheckpoint, tx);
        await using var cmdScope = cmd.ConfigureAwait(false);
        if (source is not null) Dialect.BindSource(cmd, source);
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
                    LastSyncTime = r.IsDBNull(3) ? null : Dialect.ReadTime(r, 3),
                    RecordsCommitted = r.GetInt64(4),
                    DeadLettered = r.GetInt64(5),
                    Batches = r.GetInt64(6),
                    Watermark = r.IsDBNull(7) ? null : r.GetString(7),
                    Database = DisplayName,
                });
            }
        }
        catch (DbException ex) when (Dialect.IsMissingTable(ex))
        {
            // A database no sync has written to yet.
        }
        return list;
    }

    /// <inheritdoc cref="ISyncStore.GetDeadLettersAsync" />
    public Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(static async (s, q, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, s.Sql.SelectDeadLetters);
            await using var cmdScope = cmd.ConfigureAwait(false);
            s.Dialect.Add(cmd, "limit", AdoType.Int, q.Limit ?? int.MaxValue);
            s.Dialect.Add(cmd, "source", AdoType.Source, q.Source);
            s.Dialect.Add(cmd, "since", AdoType.Time, q.Since);
            var list = new List<DeadLetter>();
            try
            {
                var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(DeadLetterRow.Read(r, s.Dialect.ReadTime));
            }
            catch (DbException ex) when (s.Dialect.IsMissingTable(ex))
            {
                // A database no sync has written to yet.
            }
            return (IReadOnlyList<DeadLetter>)list;
        }, query, "read the dead letters in", cancellationToken);
    }

    // ---- plumbing

    /// <summary>The store's connection, opened again when it was closed or broken.</summary>
    private protected async Task<TConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is { State: ConnectionState.Open }) return _connection;
        if (_connection is not null) await ResetConnectionAsync().ConfigureAwait(false);
        _connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        OnConnectionChanged();
        return _connection;
    }

    private async ValueTask ResetConnectionAsync()
    {
        var c = _connection;
        _connection = null;
        OnConnectionChanged();
        if (c is not null) await c.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The connection was opened anew or dropped: what the derived store knew of the old one's session (its staging tables) is gone.</summary>
    private protected abstract void OnConnectionChanged();

    /// <summary>A command on <paramref name="c"/> (in <paramref name="tx"/>) with the store's timeout.</summary>
    private protected TCommand Command(DbConnection c, string sql, DbTransaction? tx = null)
    {
        var cmd = (TCommand)c.CreateCommand();
#pragma warning disable CA2100 // The statements are the dialect's, with the validated, quoted schema name; values go as parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        cmd.Transaction = tx;
        cmd.CommandTimeout = _commandTimeoutSeconds;
        return cmd;
    }

    /// <summary>Opens <paramref name="store"/>'s connection; disposes of the store when that fails.</summary>
    private protected static async Task<TStore> ConnectAsync(TStore store, CancellationToken cancellationToken)
    {
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

    private protected Task<T> RunAsync<T>(Func<TStore, CancellationToken, Task<T>> work, string what, CancellationToken cancellationToken) =>
        RunAsync(static (s, w, ct) => w(s, ct), work, what, cancellationToken);

    /// <summary>Runs one unit of work under the gate, retried as a whole after a transient error; database errors come out as <see cref="SyncStoreException"/>.</summary>
    private protected async Task<T> RunAsync<TState, T>(Func<TStore, TState, CancellationToken, Task<T>> work, TState state, string what, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _retry.ExecuteAsync(
                static async (ctx, ct) => await ctx.work(ctx.store, ctx.state, ct).ConfigureAwait(false),
                (store: (TStore)this, work, state),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Dialect.IsStoreError(ex))
        {
            throw StoreError(ex, what, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A database error as the <see cref="SyncStoreException"/> that says what failed where (or the cancellation, when that caused it).</summary>
    private SyncStoreException StoreError(Exception ex, string what, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new SyncStoreException($"Could not {what} {DisplayName}: {ex.Message}", Dialect.IsTransient(ex), ex);
    }

    /// <summary>Disposes of what the derived store holds besides its connection (PostgreSQL: the data source).</summary>
    private protected virtual ValueTask DisposeSourceAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await ResetConnectionAsync().ConfigureAwait(false);
        await DisposeSourceAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
