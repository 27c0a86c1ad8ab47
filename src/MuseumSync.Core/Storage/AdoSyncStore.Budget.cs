using System.Data.Common;
using MuseumSync.Resilience;

namespace MuseumSync.Storage;

/// <summary>
/// The shared request budget on a server store (<see cref="RequestBudgetSql"/>): each call takes a pooled connection of
/// its own, so a reservation never waits for a batch commit of this store, and the time is the server's clock.
/// </summary>
internal abstract partial class AdoSyncStore<TStore, TConnection, TCommand> : IRequestBudgetStore
{
    /// <inheritdoc />
    public Task<BudgetGrant> ReserveRequestsAsync(BudgetAsk ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        return BudgetAsync(c => RequestBudgetSql.ReserveAsync(c, null, Sql.BudgetReserve, Sql.BudgetEnsure, ask, null, cancellationToken),
            $"reserve requests of '{ask.Source}' in the request budget of", cancellationToken);
    }

    /// <inheritdoc />
    public Task ReturnRequestsAsync(string source, int day, int count, CancellationToken cancellationToken) =>
        BudgetAsync(async c =>
        {
            await RequestBudgetSql.ReturnAsync(c, Sql.BudgetReturn, source, day, count, cancellationToken).ConfigureAwait(false);
            return true;
        }, $"give unused requests of '{source}' back to the request budget of", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RequestBudgetRow>> GetRequestBudgetsAsync(string? source, CancellationToken cancellationToken) =>
        BudgetAsync(async c =>
        {
            try
            {
                return await RequestBudgetSql.ReadAsync(c, Sql.BudgetSelect, source, null, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException ex) when (Dialect.IsMissingTable(ex))
            {
                return [];
            }
        }, "read the request budgets in", cancellationToken);

    private async Task<T> BudgetAsync<T>(Func<TConnection, Task<T>> work, string what, CancellationToken cancellationToken)
    {
        try
        {
            var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (c.ConfigureAwait(false))
            {
                return await work(c).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (Dialect.IsStoreError(ex))
        {
            throw StoreError(ex, what, cancellationToken);
        }
    }
}
