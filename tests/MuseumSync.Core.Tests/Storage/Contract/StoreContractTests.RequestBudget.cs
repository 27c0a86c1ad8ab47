using MuseumSync.Resilience;

namespace MuseumSync.Core.Tests.Storage.Contract;

/// <summary>
/// The shared request budget (migration 7) behaves the same on every store: several store instances (separate
/// connections, as separate processes have) reserving at once never get two starts closer than the pace, so no window
/// holds more than the limit; the day's count survives a reopen and starts again on a new UTC day. The times are the
/// database's clock (SQLite: this host's).
/// </summary>
public abstract partial class StoreContractTests
{
    private const long Spacing = 20_000; // 50 requests per second

    private IRequestBudgetStore Budget => (IRequestBudgetStore)Store;

    [StoreFact]
    public async Task ReserveRequests_FourStoresAtOnce_NoTwoStartsCloserThanThePace()
    {
        var stores = new List<IRequestBudgetStore>();
        for (var i = 0; i < 4; i++) stores.Add((IRequestBudgetStore)await OpenAsync(MainOptions));
        var slots = new System.Collections.Concurrent.ConcurrentBag<long>();

        await Task.WhenAll(stores.Select(s => Task.Run(async () =>
        {
            for (var n = 0; n < 15; n++)
            {
                var g = await s.ReserveRequestsAsync(new BudgetAsk("shared", 5, Spacing, null), CancellationToken.None);
                Assert.Equal(5, g.Granted);
                Assert.True(g.StartMicroseconds >= g.NowMicroseconds, "a start is never in the past");
                for (var k = 0; k < g.Granted; k++) slots.Add(g.StartMicroseconds + (k * Spacing));
            }
        })));

        var sorted = slots.Order().ToArray();
        Assert.Equal(4 * 15 * 5, sorted.Length);
        var gaps = sorted.Zip(sorted.Skip(1), (a, b) => b - a).ToArray();
        Assert.True(gaps.Min() >= Spacing, $"two starts {gaps.Min()} µs apart, under the pace of {Spacing} µs");
        // So any one-second window holds at most 50 starts.
        Assert.True(sorted.Select((t, i) => sorted.Skip(i).TakeWhile(u => u < t + 1_000_000).Count()).Max() <= 50);
    }

    [StoreFact]
    public async Task ReserveRequests_DailyBudget_GrantsWhatIsLeftThenNone_AndSurvivesAReopen()
    {
        var first = await Budget.ReserveRequestsAsync(new BudgetAsk("harvard", 4, 0, 10), CancellationToken.None);
        var second = await Budget.ReserveRequestsAsync(new BudgetAsk("harvard", 4, 0, 10), CancellationToken.None);
        var third = await Budget.ReserveRequestsAsync(new BudgetAsk("harvard", 4, 0, 10), CancellationToken.None);

        Assert.Equal([4, 4, 2], new[] { first.Granted, second.Granted, third.Granted });
        Assert.Equal(10, third.DayUsed);

        var reopened = (IRequestBudgetStore)await OpenAsync(MainOptions);
        var spent = await reopened.ReserveRequestsAsync(new BudgetAsk("harvard", 4, 0, 10), CancellationToken.None);
        Assert.Equal(0, spent.Granted);
        Assert.Equal(10, spent.DayUsed);

        // Requests reserved but never sent go back to the day.
        await reopened.ReturnRequestsAsync("harvard", spent.Day, 3, CancellationToken.None);
        var returned = await reopened.ReserveRequestsAsync(new BudgetAsk("harvard", 4, 0, 10), CancellationToken.None);
        Assert.Equal(3, returned.Granted);

        // Another source has a budget of its own.
        Assert.Equal(4, (await reopened.ReserveRequestsAsync(new BudgetAsk("met", 4, 0, 10), CancellationToken.None)).Granted);

        var row = Assert.Single(await reopened.GetRequestBudgetsAsync("harvard", CancellationToken.None));
        Assert.Equal(10, row.UsedToday);
        Assert.Equal(0, row.LeftToday);
        Assert.Equal(10, row.DayLimit);
    }

    [StoreFact]
    public async Task ReserveRequests_CountOfAnEarlierDay_StartsAgain()
    {
        var spent = await Budget.ReserveRequestsAsync(new BudgetAsk("harvard", 5, 0, 5), CancellationToken.None);
        Assert.Equal(5, spent.Granted);
        Assert.Equal(0, (await Budget.ReserveRequestsAsync(new BudgetAsk("harvard", 5, 0, 5), CancellationToken.None)).Granted);

        // As if the count was made yesterday (the database's clock cannot be moved): the day has turned.
        await Db.ExecAsync(Db.Sql("UPDATE {t}sync_request_budget SET budget_day = budget_day - 1 WHERE source = 'harvard'"));

        var next = await Budget.ReserveRequestsAsync(new BudgetAsk("harvard", 5, 0, 5), CancellationToken.None);
        Assert.Equal(5, next.Granted);
        Assert.Equal(spent.Day, next.Day);
        Assert.Equal(5, next.DayUsed);
    }

    [StoreFact]
    public async Task ReserveRequests_SpentQuotaReported_EveryStoreWaitsForItsReset()
    {
        var other = (IRequestBudgetStore)await OpenAsync(MainOptions);
        var report = await Budget.ReserveRequestsAsync(new BudgetAsk("aic", 1, Spacing, null, SpentForMicroseconds: 3_000_000, Remaining: 0), CancellationToken.None);

        var seen = await other.ReserveRequestsAsync(new BudgetAsk("aic", 1, Spacing, null), CancellationToken.None);

        Assert.True(report.StartMicroseconds >= report.NowMicroseconds + 3_000_000, "the reporter waits for the reset");
        Assert.True(seen.StartMicroseconds >= report.NowMicroseconds + 3_000_000, "another process waits for it too");
        var row = Assert.Single(await other.GetRequestBudgetsAsync("aic", CancellationToken.None));
        Assert.Equal(0, row.QuotaRemaining);
    }

    [StoreFact]
    public async Task GetRequestBudgets_FreshDatabase_Empty()
    {
        var fresh = (IRequestBudgetStore)await OpenAsync(Options("freshbudget"));

        Assert.Empty(await fresh.GetRequestBudgetsAsync(null, CancellationToken.None));
    }
}
