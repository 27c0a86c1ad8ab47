using MuseumSync.Resilience;
using Npgsql;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>
/// The shared request budget on PostgreSQL (<see cref="RequestBudgetSql"/>): each call takes a pooled connection of its
/// own, so a reservation never waits for a batch commit of this store, and the time is the server's <c>clock_timestamp()</c>.
/// </summary>
internal sealed partial class PostgresSyncStore : IRequestBudgetStore
{
    /// <inheritdoc />
    public Task<BudgetGrant> ReserveRequestsAsync(BudgetAsk ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        return BudgetAsync(c => RequestBudgetSql.ReserveAsync(c, null, RequestBudgetSql.PostgresReserve(_sql.Schema), RequestBudgetSql.PostgresEnsure(_sql.Schema), ask, null, cancellationToken),
            $"reserve requests of '{ask.Source}' in the request budget of", cancellationToken);
    }

    /// <inheritdoc />
    public Task ReturnRequestsAsync(string source, int day, int count, CancellationToken cancellationToken) =>
        BudgetAsync(async c =>
        {
            await RequestBudgetSql.ReturnAsync(c, RequestBudgetSql.PostgresReturn(_sql.Schema), source, day, count, cancellationToken).ConfigureAwait(false);
            return true;
        }, $"give unused requests of '{source}' back to the request budget of", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RequestBudgetRow>> GetRequestBudgetsAsync(string? source, CancellationToken cancellationToken) =>
        BudgetAsync(async c =>
        {
            try
            {
                return await RequestBudgetSql.ReadAsync(c, RequestBudgetSql.PostgresSelect(_sql.Schema), source, null, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (IsMissingTable(ex))
            {
                return [];
            }
        }, "read the request budgets in", cancellationToken);

    private async Task<T> BudgetAsync<T>(Func<NpgsqlConnection, Task<T>> work, string what, CancellationToken cancellationToken)
    {
        try
        {
            var c = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (c.ConfigureAwait(false))
            {
                return await work(c).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new SyncStoreException($"Could not {what} {DisplayName}: {ex.Message}", PostgresTransientErrors.IsTransient(ex), ex);
        }
    }
}
