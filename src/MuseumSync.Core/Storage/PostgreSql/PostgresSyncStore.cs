using Npgsql;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>
/// The PostgreSQL store (Npgsql): the tables live in the <c>museumsync</c> schema with the same names and columns as
/// everywhere else. A batch is binary COPY into session temp tables, then <c>INSERT … ON CONFLICT DO UPDATE</c> into the
/// tables, the deletions, the dead letters, the lease check and the checkpoint, in one transaction.
/// </summary>
internal sealed partial class PostgresSyncStore : AdoSyncStore<PostgresSyncStore, NpgsqlConnection, NpgsqlCommand>, ISyncStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStatements _sql;

    /// <summary>The session's staging tables exist on the store's connection (a new connection has none).</summary>
    private bool _stagesReady;

    /// <summary>The source whose last committed batch found none of its ids stored (null: none, or not known).</summary>
    private string? _allNewSource;

    private PostgresSyncStore(StoreOptions options, NpgsqlDataSource dataSource, TimeProvider time)
        : base(options, time)
    {
        _dataSource = dataSource;
        _sql = new PostgresStatements(options.Schema);
        Dialect = new PostgresDialect(_sql);
    }

    /// <inheritdoc />
    public override string Provider => "PostgreSql";

    private protected override AdoDialect Dialect { get; }

    /// <summary>Connects to the database (the schema is created by <c>InitializeAsync</c>).</summary>
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
        return await ConnectAsync(new PostgresSyncStore(options, builder.Build(), time), cancellationToken).ConfigureAwait(false);
    }

    // ---- plumbing

    private protected override void OnConnectionChanged() => _stagesReady = false;

    internal static DateTimeOffset Utc(DateTimeOffset t) =>
        new(t.UtcDateTime.Ticks - (t.UtcDateTime.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private protected override ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct) => _dataSource.OpenConnectionAsync(ct);

    private protected override ValueTask DisposeSourceAsync() => _dataSource.DisposeAsync();
}
