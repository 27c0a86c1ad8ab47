using Microsoft.Data.SqlClient;
using MuseumSync.Resilience;

namespace MuseumSync.Storage.SqlServer;

/// <summary>
/// The shared request budget on SQL Server (<see cref="RequestBudgetSql"/>): each call takes a pooled connection of its
/// own, so a reservation never waits for a batch commit of this store, and the time is the server's <c>SYSUTCDATETIME()</c>.
/// </summary>
internal sealed partial class SqlServerSyncStore : IRequestBudgetStore
{
    /// <inheritdoc />
    public Task<BudgetGrant> ReserveRequestsAsync(BudgetAsk ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        return BudgetAsync(c => RequestBudgetSql.ReserveAsync(c, null, RequestBudgetSql.SqlServerReserve(_sql.Schema), RequestBudgetSql.SqlServerEnsure(_sql.Schema), ask, null, cancellationToken),
            $"reserve requests of '{ask.Source}' in the request budget of", cancellationToken);
    }

    /// <inheritdoc />
    public Task ReturnRequestsAsync(string source, int day, int count, CancellationToken cancellationToken) =>
        BudgetAsync(async c =>
        {
            await RequestBudgetSql.ReturnAsync(c, RequestBudgetSql.SqlServerReturn(_sql.Schema), source, day, count, cancellationToken).ConfigureAwait(false);
            return true;
        }, $"give unused requests of '{source}' back to the request budget of", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RequestBudgetRow>> GetRequestBudgetsAsync(string? source, CancellationToken cancellationToken) =>
        BudgetAsync(async c =>
        {
            try
            {
                return await RequestBudgetSql.ReadAsync(c, RequestBudgetSql.SqlServerSelect(_sql.Schema), source, null, cancellationToken).ConfigureAwait(false);
            }
            catch (SqlException ex) when (IsMissingTable(ex))
            {
                return [];
            }
        }, "read the request budgets in", cancellationToken);

    private async Task<T> BudgetAsync<T>(Func<SqlConnection, Task<T>> work, string what, CancellationToken cancellationToken)
    {
        try
        {
            var c = _credential is null ? new SqlConnection(_connectionString) : new SqlConnection(_connectionString, _credential);
            await using (c.ConfigureAwait(false))
            {
                await c.OpenAsync(cancellationToken).ConfigureAwait(false);
                return await work(c).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SqlException or TimeoutException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new SyncStoreException($"Could not {what} {DisplayName}: {ex.Message}", SqlServerTransientErrors.IsTransient(ex), ex);
        }
    }
}
