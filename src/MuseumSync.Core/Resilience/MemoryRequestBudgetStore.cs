namespace MuseumSync.Resilience;

/// <summary>
/// The request budget of a run without a database (a bare <c>Invoke-MuseumPoll</c>): the same arithmetic as the stores'
/// statements (<see cref="Apply"/>), kept in memory, so it counts this process's requests only.
/// </summary>
internal sealed class MemoryRequestBudgetStore : IRequestBudgetStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public MemoryRequestBudgetStore(TimeProvider time) => _time = time;

    /// <summary>Microseconds in a UTC day: the daily budget's count starts again at each multiple of it.</summary>
    public const long DayMicroseconds = 86_400_000_000;

    /// <inheritdoc />
    public Task<BudgetGrant> ReserveRequestsAsync(BudgetAsk ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var now = Microseconds(_time.GetUtcNow());
        lock (_lock)
        {
            if (!_rows.TryGetValue(ask.Source, out var row)) _rows[ask.Source] = row = new Row();
            return Task.FromResult(Apply(row, ask, now));
        }
    }

    /// <inheritdoc />
    public Task ReturnRequestsAsync(string source, int day, int count, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_rows.TryGetValue(source, out var row) && row.Day == day) row.DayUsed = Math.Max(0, row.DayUsed - count);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RequestBudgetRow>> GetRequestBudgetsAsync(string? source, CancellationToken cancellationToken)
    {
        var now = Microseconds(_time.GetUtcNow());
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<RequestBudgetRow>>(_rows
                .Where(r => source is null || r.Key == source)
                .Select(r => new RequestBudgetRow(r.Key, now, r.Value.Day, r.Value.DayUsed, r.Value.DayLimit, r.Value.NextSlot, r.Value.QuotaUntil, r.Value.QuotaRemaining))
                .ToArray());
        }
    }

    /// <summary>A time as the budget counts it: microseconds since 1970-01-01 UTC.</summary>
    public static long Microseconds(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>
    /// One reservation, as every store's statement makes it: the day's count starts again when the UTC day turns; at
    /// most what is left of the daily budget is granted; the first start is the latest of the next free slot, now, and
    /// the end of a spent server quota; the next free slot moves on by the spacing once per granted start.
    /// </summary>
    internal static BudgetGrant Apply(Row row, BudgetAsk ask, long now)
    {
        var today = (int)(now / DayMicroseconds);
        var used = row.Day == today ? row.DayUsed : 0;
        var granted = ask.DailyLimit is { } limit ? (int)Math.Clamp(limit - used, 0, ask.Count) : ask.Count;
        var quotaUntil = Math.Max(row.QuotaUntil ?? 0, ask.SpentForMicroseconds is { } spent ? now + spent : 0);
        var start = Math.Max(Math.Max(row.NextSlot, now), quotaUntil);
        if (granted > 0) row.NextSlot = start + (granted * ask.SpacingMicroseconds);
        row.Day = today;
        row.DayUsed = used + granted;
        row.DayLimit = ask.DailyLimit;
        row.QuotaUntil = quotaUntil == 0 ? null : quotaUntil;
        if (ask.Remaining is { } remaining) row.QuotaRemaining = remaining;
        return new BudgetGrant(now, start, granted, today, row.DayUsed);
    }

    /// <summary>One source's row.</summary>
    internal sealed class Row
    {
        public long NextSlot { get; set; }

        public int Day { get; set; }

        public long DayUsed { get; set; }

        public long? DayLimit { get; set; }

        public long? QuotaUntil { get; set; }

        public long? QuotaRemaining { get; set; }
    }
}
