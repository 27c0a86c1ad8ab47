using Microsoft.Data.Sqlite;
using MuseumSync.Resilience;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// The shared request budget on SQLite (<see cref="RequestBudgetSql"/>): each call opens a connection of its own to the
/// file, so a reservation never waits for this store's gate, and takes the write lock first (<c>BEGIN IMMEDIATE</c>) for
/// its one statement. The time is this host's clock: every process that opens the file runs on this host.
/// </summary>
internal sealed partial class SqliteSyncStore : IRequestBudgetStore
{
    /// <inheritdoc />
    public Task<BudgetGrant> ReserveRequestsAsync(BudgetAsk ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        return BudgetAsync(async c =>
        {
            var tx = c.BeginTransaction(deferred: false);
            await using (tx.ConfigureAwait(false))
            {
                var grant = await RequestBudgetSql.ReserveAsync(c, tx, RequestBudgetSql.SqliteReserve, RequestBudgetSql.SqliteEnsure, ask,
                    MemoryRequestBudgetStore.Microseconds(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return grant;
            }
        }, $"reserve requests of '{ask.Source}' in the request budget of", cancellationToken);
    }

    /// <inheritdoc />
    public Task ReturnRequestsAsync(string source, int day, int count, CancellationToken cancellationToken) =>
        BudgetAsync(async c =>
        {
            await RequestBudgetSql.ReturnAsync(c, RequestBudgetSql.SqliteReturn, source, day, count, cancellationToken).ConfigureAwait(false);
            return true;
        }, $"give unused requests of '{source}' back to the request budget of", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RequestBudgetRow>> GetRequestBudgetsAsync(string? source, CancellationToken cancellationToken) =>
        BudgetAsync(async c =>
        {
            try
            {
                return await RequestBudgetSql.ReadAsync(c, RequestBudgetSql.SqliteSelect, source, MemoryRequestBudgetStore.Microseconds(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (IsNoSuchTable(ex))
            {
                return [];
            }
        }, "read the request budgets in", cancellationToken);

    private async Task<T> BudgetAsync<T>(Func<SqliteConnection, Task<T>> work, string what, CancellationToken cancellationToken)
    {
        try
        {
            var c = new SqliteConnection(_connection.ConnectionString);
            await using (c.ConfigureAwait(false))
            {
                await c.OpenAsync(cancellationToken).ConfigureAwait(false);
                return await work(c).ConfigureAwait(false);
            }
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not {what} '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
    }
}
