using Npgsql;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>
/// Leases on PostgreSQL: a row per leased source in <c>sync_leases</c>, claimed with one <c>INSERT … ON CONFLICT DO UPDATE
/// … WHERE expired</c> (the row lock serialises concurrent claims), renewed by every batch inside its transaction.
/// The steps are <see cref="AdoLeases"/>; <see cref="PostgresStatements"/> has the SQL.
/// </summary>
internal sealed partial class PostgresSyncStore
{
    private PostgresDialect? _dialect;

    /// <summary>This store's SQL and parameters for the shared lease and checkpoint steps.</summary>
    private PostgresDialect Dialect => _dialect ??= new(_sql, (c, sql, tx) => Command((NpgsqlConnection)c, sql, (NpgsqlTransaction?)tx));

    /// <inheritdoc />
    public Task<LeaseAttempt> TryAcquireLeaseAsync(LeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return RunAsync(static async (s, req, ct) => await AdoLeases.TryAcquireAsync(s.Dialect, await s.ConnectionAsync(ct).ConfigureAwait(false), req, s.DisplayName, ct).ConfigureAwait(false),
            request, $"take the lease on '{request.Resource}' in", cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewLeaseAsync(SyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return RunAsync(static async (s, l, ct) => await s.RenewLeaseAsync(await s.ConnectionAsync(ct).ConfigureAwait(false), null, l, ct).ConfigureAwait(false),
            lease, $"renew the lease on '{lease.Resource}' in", cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseLeaseAsync(SyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return RunAsync(static async (s, l, ct) => await AdoLeases.ReleaseAsync(s.Dialect, await s.ConnectionAsync(ct).ConfigureAwait(false), l, ct).ConfigureAwait(false),
            lease, $"release the lease on '{lease.Resource}' in", cancellationToken);
    }

    private Task<bool> RenewLeaseAsync(NpgsqlConnection c, NpgsqlTransaction? tx, SyncLease lease, CancellationToken ct) => AdoLeases.RenewAsync(Dialect, c, tx, lease, ct);
}
