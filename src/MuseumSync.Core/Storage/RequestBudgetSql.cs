using System.Data;
using System.Data.Common;
using MuseumSync.Resilience;

namespace MuseumSync.Storage;

/// <summary>
/// The request budget's statements (<see cref="IRequestBudgetStore"/>) on the three stores, and the one execute-and-read
/// path they share. A reservation is one <c>UPDATE … RETURNING</c> (SQL Server: <c>OUTPUT</c>) that computes what
/// <see cref="MemoryRequestBudgetStore.Apply"/> computes, on the database's clock (SQLite: this host's, passed in);
/// the row is inserted once, the first time a source asks. Parameters: <c>@source @count @spacing @daily @spent
/// @remaining</c> (SQLite also <c>@now @today</c>).
/// </summary>
internal static class RequestBudgetSql
{
    private const string Returned = "updated_us, last_start_us, last_granted, budget_day, day_used";

    public const string SqliteReserve = """
        UPDATE sync_request_budget SET
            next_slot_us = CASE WHEN g.granted > 0 THEN g.start_us + g.granted * @spacing ELSE g.next_slot_us END,
            budget_day = @today,
            day_used = g.used + g.granted,
            day_limit = @daily,
            quota_until_us = NULLIF(g.quota_until, 0),
            quota_remaining = COALESCE(@remaining, g.quota_remaining),
            last_start_us = g.start_us,
            last_granted = g.granted,
            updated_us = @now
        FROM (
            SELECT q.*, CASE WHEN @daily IS NULL THEN @count ELSE max(0, min(@count, @daily - q.used)) END AS granted,
                   max(q.next_slot_us, @now, q.quota_until) AS start_us
            FROM (
                SELECT b.source, b.next_slot_us, b.quota_remaining,
                       CASE WHEN b.budget_day = @today THEN b.day_used ELSE 0 END AS used,
                       max(COALESCE(b.quota_until_us, 0), CASE WHEN @spent IS NULL THEN 0 ELSE @now + @spent END) AS quota_until
                FROM sync_request_budget AS b WHERE b.source = @source) AS q) AS g
        WHERE sync_request_budget.source = g.source
        RETURNING 
        """ + Returned;

    public const string SqliteEnsure = "INSERT INTO sync_request_budget (source) VALUES (@source) ON CONFLICT (source) DO NOTHING";

    public const string SqliteReturn = "UPDATE sync_request_budget SET day_used = max(0, day_used - @count) WHERE source = @source AND budget_day = @day";

    public const string SqliteSelect = "SELECT source, @now, budget_day, day_used, day_limit, next_slot_us, quota_until_us, quota_remaining FROM sync_request_budget";

    /// <summary>PostgreSQL: the row is locked by the first step (<c>FOR UPDATE</c>), so concurrent reservations queue on it and each sees the last one's result.</summary>
    public static string PostgresReserve(string schema) => $"""
        WITH cur AS (
            SELECT b.source, b.next_slot_us, b.budget_day, b.day_used, b.quota_until_us,
                   (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS now_us
            FROM {schema}.sync_request_budget AS b WHERE b.source = @source FOR UPDATE),
        d AS (
            SELECT cur.*, (cur.now_us / 86400000000)::integer AS today,
                   GREATEST(COALESCE(cur.quota_until_us, 0), COALESCE(cur.now_us + @spent, 0)) AS quota_until
            FROM cur),
        u AS (SELECT d.*, CASE WHEN d.budget_day = d.today THEN d.day_used ELSE 0 END AS used FROM d),
        g AS (
            SELECT u.*, (CASE WHEN @daily IS NULL THEN @count ELSE GREATEST(0, LEAST(@count, @daily - u.used)) END)::integer AS granted,
                   GREATEST(u.next_slot_us, u.now_us, u.quota_until) AS start_us
            FROM u)
        UPDATE {schema}.sync_request_budget AS b SET
            next_slot_us = CASE WHEN g.granted > 0 THEN g.start_us + g.granted * @spacing ELSE b.next_slot_us END,
            budget_day = g.today,
            day_used = g.used + g.granted,
            day_limit = @daily,
            quota_until_us = NULLIF(g.quota_until, 0),
            quota_remaining = COALESCE(@remaining, b.quota_remaining),
            last_start_us = g.start_us,
            last_granted = g.granted,
            updated_us = g.now_us
        FROM g WHERE b.source = g.source
        RETURNING b.updated_us, b.last_start_us, b.last_granted, b.budget_day, b.day_used
        """;

    public static string PostgresEnsure(string schema) => $"INSERT INTO {schema}.sync_request_budget (source) VALUES (@source) ON CONFLICT (source) DO NOTHING";

    public static string PostgresReturn(string schema) => $"UPDATE {schema}.sync_request_budget SET day_used = GREATEST(0, day_used - @count) WHERE source = @source AND budget_day = @day";

    public static string PostgresSelect(string schema) =>
        $"SELECT source, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, budget_day, day_used, day_limit, next_slot_us, quota_until_us, quota_remaining FROM {schema}.sync_request_budget";

    /// <summary>SQL Server: <c>UPDLOCK</c> on the row serialises concurrent reservations; the time is <c>SYSUTCDATETIME()</c>.</summary>
    public static string SqlServerReserve(string schema) => $"""
        DECLARE @now bigint = DATEDIFF_BIG(microsecond, CAST('1970-01-01' AS datetime2(7)), SYSUTCDATETIME());
        DECLARE @today int = CAST(@now / 86400000000 AS int);
        UPDATE b SET
            next_slot_us = CASE WHEN g.granted > 0 THEN g.start_us + g.granted * @spacing ELSE b.next_slot_us END,
            budget_day = @today,
            day_used = u.used + g.granted,
            day_limit = @daily,
            quota_until_us = NULLIF(q.quota_until, 0),
            quota_remaining = COALESCE(@remaining, b.quota_remaining),
            last_start_us = g.start_us,
            last_granted = g.granted,
            updated_us = @now
        OUTPUT inserted.updated_us, inserted.last_start_us, inserted.last_granted, inserted.budget_day, inserted.day_used
        FROM {schema}.sync_request_budget AS b WITH (UPDLOCK, ROWLOCK)
        CROSS APPLY (SELECT CASE WHEN b.budget_day = @today THEN b.day_used ELSE 0 END AS used) AS u
        CROSS APPLY (SELECT CASE WHEN COALESCE(b.quota_until_us, 0) > COALESCE(@now + @spent, 0) THEN COALESCE(b.quota_until_us, 0) ELSE COALESCE(@now + @spent, 0) END AS quota_until) AS q
        CROSS APPLY (
            SELECT CASE WHEN @daily IS NULL THEN @count WHEN @daily - u.used <= 0 THEN 0 WHEN @daily - u.used < @count THEN CAST(@daily - u.used AS int) ELSE @count END AS granted,
                   (SELECT MAX(v) FROM (VALUES (b.next_slot_us), (@now), (q.quota_until)) AS x (v)) AS start_us) AS g
        WHERE b.source = @source;
        """;

    public static string SqlServerEnsure(string schema) => $"""
        INSERT INTO {schema}.sync_request_budget (source)
        SELECT @source WHERE NOT EXISTS (SELECT 1 FROM {schema}.sync_request_budget WITH (UPDLOCK, HOLDLOCK) WHERE source = @source);
        """;

    public static string SqlServerReturn(string schema) =>
        $"UPDATE {schema}.sync_request_budget SET day_used = CASE WHEN day_used > @count THEN day_used - @count ELSE 0 END WHERE source = @source AND budget_day = @day;";

    public static string SqlServerSelect(string schema) =>
        $"SELECT source, DATEDIFF_BIG(microsecond, CAST('1970-01-01' AS datetime2(7)), SYSUTCDATETIME()), budget_day, day_used, day_limit, next_slot_us, quota_until_us, quota_remaining FROM {schema}.sync_request_budget";

    /// <summary>Reserves: the update; when the source has no row yet, the row, then the update again.</summary>
    /// <param name="connection">An open connection (no transaction is left open: each statement commits by itself, or <paramref name="transaction"/> does).</param>
    /// <param name="transaction">SQLite's write transaction, taken first so the update never has to upgrade a read; null elsewhere.</param>
    /// <param name="reserve">The reservation statement.</param>
    /// <param name="ensure">The statement that inserts the source's row when it is missing.</param>
    /// <param name="ask">The question.</param>
    /// <param name="now">SQLite: this host's time (microseconds since 1970); null where the database has a clock.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    public static async Task<BudgetGrant> ReserveAsync(DbConnection connection, DbTransaction? transaction, string reserve, string ensure, BudgetAsk ask, long? now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(ask);
        for (var attempt = 0; ; attempt++)
        {
            var cmd = Command(connection, transaction, reserve);
            await using (cmd.ConfigureAwait(false))
            {
                Add(cmd, "source", DbType.String, ask.Source);
                Add(cmd, "count", DbType.Int32, ask.Count);
                Add(cmd, "spacing", DbType.Int64, ask.SpacingMicroseconds);
                Add(cmd, "daily", DbType.Int64, ask.DailyLimit);
                Add(cmd, "spent", DbType.Int64, ask.SpentForMicroseconds);
                Add(cmd, "remaining", DbType.Int64, ask.Remaining);
                if (now is { } n)
                {
                    Add(cmd, "now", DbType.Int64, n);
                    Add(cmd, "today", DbType.Int32, (int)(n / MemoryRequestBudgetStore.DayMicroseconds));
                }
                var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (r.ConfigureAwait(false))
                {
                    if (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return new BudgetGrant(r.GetInt64(0), r.GetInt64(1), Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                            Convert.ToInt32(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(4));
                    }
                }
            }
            if (attempt > 0) throw new InvalidOperationException($"The request budget row of '{ask.Source}' is missing right after it was inserted.");
            var insert = Command(connection, transaction, ensure);
            await using (insert.ConfigureAwait(false))
            {
                Add(insert, "source", DbType.String, ask.Source);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Gives back <paramref name="count"/> requests of <paramref name="day"/>.</summary>
    public static async Task ReturnAsync(DbConnection connection, string sql, string source, int day, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var cmd = Command(connection, null, sql);
        await using (cmd.ConfigureAwait(false))
        {
            Add(cmd, "source", DbType.String, source);
            Add(cmd, "day", DbType.Int32, day);
            Add(cmd, "count", DbType.Int32, count);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the rows <paramref name="select"/> names (with a <c>WHERE source = @source</c> added for one source).</summary>
    public static async Task<IReadOnlyList<RequestBudgetRow>> ReadAsync(DbConnection connection, string select, string? source, long? now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var cmd = Command(connection, null, select + (source is null ? string.Empty : " WHERE source = @source"));
        await using (cmd.ConfigureAwait(false))
        {
            if (source is not null) Add(cmd, "source", DbType.String, source);
            if (now is { } n) Add(cmd, "now", DbType.Int64, n);
            var list = new List<RequestBudgetRow>();
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    list.Add(new RequestBudgetRow(r.GetString(0), r.GetInt64(1), Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(3),
                        r.IsDBNull(4) ? null : r.GetInt64(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7)));
                }
            }
            return list;
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
#pragma warning disable CA2100 // The statements are constants of this class with the validated, quoted schema name; values go as parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        return cmd;
    }

    private static void Add(DbCommand cmd, string name, DbType type, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.DbType = type;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }
}
