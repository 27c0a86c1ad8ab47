namespace MuseumSync.Resilience;

/// <summary>
/// The request budget of a source kept in a store (table <c>sync_request_budget</c>, migration 7), shared by every
/// process and worker that syncs the source into that database: the next free start slot of the client-side pace, the
/// day's request count against a daily budget, and the time until which the server said its quota is spent. Each call
/// is one short statement that reads and moves the row atomically; no transaction stays open while anyone waits. Times
/// are microseconds since 1970-01-01 UTC on the database's clock (SQLite: this host's clock, the only host that opens the
/// file), and only differences of them leave the store, so clocks of different hosts never meet.
/// </summary>
internal interface IRequestBudgetStore
{
    /// <summary>Reserves up to <see cref="BudgetAsk.Count"/> request starts for the source (fewer, or none, when the day's budget is nearly or wholly spent).</summary>
    Task<BudgetGrant> ReserveRequestsAsync(BudgetAsk ask, CancellationToken cancellationToken);

    /// <summary>Gives back requests reserved on <paramref name="day"/> but never sent (a run that ended with some in hand); nothing when the day has turned.</summary>
    Task ReturnRequestsAsync(string source, int day, int count, CancellationToken cancellationToken);

    /// <summary>The budget rows of every source (or of one); empty when the table is not there yet.</summary>
    Task<IReadOnlyList<RequestBudgetRow>> GetRequestBudgetsAsync(string? source, CancellationToken cancellationToken);
}

/// <summary>One reservation's question.</summary>
/// <param name="Source">The source whose budget it is.</param>
/// <param name="Count">Starts wanted (at least 1).</param>
/// <param name="SpacingMicroseconds">The pace: microseconds between two starts of all processes together (0: no pace).</param>
/// <param name="DailyLimit">Requests per UTC day for all processes together; null for no daily budget.</param>
/// <param name="SpentForMicroseconds">What this process last saw: the server's quota is spent for this long from now (null: nothing to report).</param>
/// <param name="Remaining">What the server's headers last said is left of its quota (null: nothing to report).</param>
internal sealed record BudgetAsk(string Source, int Count, long SpacingMicroseconds, long? DailyLimit, long? SpentForMicroseconds = null, long? Remaining = null);

/// <summary>One reservation's answer, on the database's clock.</summary>
/// <param name="NowMicroseconds">The database's time when it answered.</param>
/// <param name="StartMicroseconds">The first granted start (not before now); the others follow at the spacing.</param>
/// <param name="Granted">Starts granted: the count asked, or fewer when the day's budget is nearly spent (0: spent).</param>
/// <param name="Day">The UTC day the count belongs to (days since 1970-01-01).</param>
/// <param name="DayUsed">Requests counted on that day, these included.</param>
internal readonly record struct BudgetGrant(long NowMicroseconds, long StartMicroseconds, int Granted, int Day, long DayUsed);

/// <summary>A source's budget row as stored, with the database's time of reading.</summary>
internal sealed record RequestBudgetRow(string Source, long NowMicroseconds, int Day, long DayUsed, long? DayLimit, long NextSlotMicroseconds, long? QuotaUntilMicroseconds, long? QuotaRemaining)
{
    /// <summary>Requests counted today (UTC, on the database's clock): none when the last count was on an earlier day.</summary>
    public long UsedToday => Day == NowMicroseconds / MemoryRequestBudgetStore.DayMicroseconds ? DayUsed : 0;

    /// <summary>Requests left today under the daily budget the last run applied; null when it applied none.</summary>
    public long? LeftToday => DayLimit is { } limit ? Math.Max(0, limit - UsedToday) : null;

    /// <summary>When today's count starts again: the next UTC midnight on the database's clock.</summary>
    public DateTimeOffset ResetsAt => DateTimeOffset.UnixEpoch.AddDays((NowMicroseconds / MemoryRequestBudgetStore.DayMicroseconds) + 1);
}
