using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Resilience;
using MuseumSync.Run;
using MuseumSync.Storage;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Resilience;

/// <summary>
/// The request budget a source shares through its store (<see cref="SharedRequestBudget"/>): on SQLite the time is this
/// host's, so a <see cref="FakeTimeProvider"/> makes the pace and the day boundary exact; several runs of one source
/// with separate store connections stay under one quota against a server that counts violations.
/// </summary>
public sealed class SharedRequestBudgetTests : IAsyncLifetime
{
    private static readonly Uri Url = new("https://api.harvardartmuseums.org/object?page=7");
    private readonly string _dir = TestPaths.TempDirectory();
    private readonly List<ISyncStore> _stores = new();

    private StoreOptions Options => new() { Provider = StoreProvider.Sqlite, Database = Path.Combine(_dir, "museum.db") };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ISyncStore> OpenAsync(TimeProvider time)
    {
        var store = await SyncStoreFactory.OpenAsync(Options, create: true, CancellationToken.None, time);
        await store.InitializeAsync(CancellationToken.None);
        _stores.Add(store);
        return store;
    }

    private static SharedRequestBudget Budget(ISyncStore store, TimeProvider time, TimeSpan spacing, long? daily = null) =>
        new((IRequestBudgetStore)store, "harvard", spacing, daily, $"in {store.DisplayName} for every run and worker that syncs this source there", time);

    [Fact]
    public async Task ReserveAsync_TwoStoresOfOneFile_TakeTurnsAtThePace()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var a = Budget(await OpenAsync(time), time, TimeSpan.FromMilliseconds(100));
        var b = Budget(await OpenAsync(time), time, TimeSpan.FromMilliseconds(100));

        // A block is about 100 ms of the pace: one start each per round trip here.
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            waits.Add(await a.ReserveAsync(Url, "c", CancellationToken.None));
            waits.Add(await b.ReserveAsync(Url, "c", CancellationToken.None));
        }

        Assert.Equal(Enumerable.Range(0, 8).Select(i => TimeSpan.FromMilliseconds(100 * i)), waits);
    }

    [Fact]
    public void Spacing_FiftyPerSecond_AtLeast97PercentAndNeverTheWholeLimitInAServerWindow()
    {
        var options = new RateLimitOptions { RequestsPerSecond = 50 };
        var spacing = SharedRequestBudget.Spacing(options);
        var window = TimeSpan.FromSeconds(1);

        // 97% of the quota (the in-process pace reaches 96%; 95% was the old margin's pace).
        Assert.True(window / spacing >= 48.5, $"{window / spacing:0.00} starts a second");
        // Starts at their slots, each at most the jitter bound late, in the server's fixed windows wherever they begin:
        // 49 at most (the 50th would be told "Remaining: 0" and stall every worker). Later than that by up to one more
        // spacing: 50 at most, never a violation.
        Assert.Equal(49, MostStartsInAWindow(spacing, window, options.PaceJitterBound));
        Assert.Equal(50, MostStartsInAWindow(spacing, window, options.PaceJitterBound + spacing - TimeSpan.FromTicks(10)));
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(10.0)]
    [InlineData(16.0)]
    [InlineData(20.0)]
    [InlineData(1000.0)]
    public void Spacing_AnyRate_NeverMoreStartsInAServerWindowThanTheLimit(double rps)
    {
        var options = new RateLimitOptions { RequestsPerSecond = rps };
        var spacing = SharedRequestBudget.Spacing(options);

        // Never more than the limit (a violation); from 20 a second on, one fewer (never "Remaining: 0").
        var most = MostStartsInAWindow(spacing, TimeSpan.FromSeconds(1), options.PaceJitterBound);
        Assert.True(most <= (rps >= 20 ? rps - 1 : Math.Floor(rps)), $"{most} starts in a window of {rps}");
        Assert.True(TimeSpan.FromSeconds(1) / spacing >= rps * 0.93, $"{TimeSpan.FromSeconds(1) / spacing:0.00} starts a second of {rps}");
    }

    /// <summary>The most starts, spaced at <paramref name="spacing"/> and each up to <paramref name="lateness"/> late, that can arrive in a window of <paramref name="window"/>.</summary>
    private static int MostStartsInAWindow(TimeSpan spacing, TimeSpan window, TimeSpan lateness)
    {
        // A start at slot t can arrive anywhere in [t, t + lateness]: a window [x, x + W) can hold every slot in
        // [x - lateness, x + W). The count only changes when a slot crosses an end, so every phase within one spacing
        // is tried at microsecond steps.
        long s = spacing.Ticks / 10, w = window.Ticks / 10, late = lateness.Ticks / 10, most = 0;
        for (long x = 0; x < s; x++)
        {
            // Slots k*s with x - late <= k*s < x + w.
            var first = (long)Math.Ceiling((x - late) / (double)s);
            var last = (long)Math.Ceiling((x + w) / (double)s) - 1;
            most = Math.Max(most, last - first + 1);
        }
        return (int)most;
    }

    [Fact]
    public async Task IsPunctual_TimerWokeLaterThanTheJitterBound_SlotLetGoAndTheNextTaken()
    {
        var start = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var budget = Budget(await OpenAsync(time), time, TimeSpan.FromMilliseconds(20), daily: 100);

        var first = await budget.TakeSlotAsync(Url, "c", CancellationToken.None);
        Assert.True(budget.IsPunctual(first));
        var second = await budget.TakeSlotAsync(Url, "c", CancellationToken.None);
        Assert.Equal(start.AddMilliseconds(20), second);
        time.Advance(TimeSpan.FromMilliseconds(30)); // the wait for the second slot ended 10 ms after it: still in time
        Assert.True(budget.IsPunctual(second));
        var third = await budget.TakeSlotAsync(Url, "c", CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(21)); // 11 ms after the third: too late, sent now it would crowd the fourth

        Assert.False(budget.IsPunctual(third));
        Assert.Equal(start.AddMilliseconds(60), await budget.TakeSlotAsync(Url, "c", CancellationToken.None));
        Assert.Equal(1, budget.Missed);
        // The slot let go was never sent: it goes back to the day's budget with the ones left of the block (5 taken, 3 sent).
        await budget.ReturnUnusedAsync(CancellationToken.None);
        var row = Assert.Single(await ((IRequestBudgetStore)_stores[0]).GetRequestBudgetsAsync("harvard", CancellationToken.None));
        Assert.Equal(3, row.UsedToday);
    }

    [Fact]
    public async Task AcquireAsync_TimerWokeTooLate_StartsOnTheNextSlotNotOnTheMissedOne()
    {
        var start = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var budget = Budget(await OpenAsync(time), time, TimeSpan.FromMilliseconds(20));
        var gate = new RateGate(new RateLimitOptions { Shared = budget, UseResponseHeaders = false }, time, null, new MuseumSync.Polling.PollStatistics());
        await gate.AcquireAsync("c1", Url, CancellationToken.None);

        var second = gate.AcquireAsync("c2", Url, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(35)); // its timer fires 15 ms after its slot (20 ms)
        await Task.Delay(100);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(5)); // the next slot, 40 ms
        await second.WaitAsync(TestTimeout);

        Assert.Equal(1, budget.Missed);
    }

    [Fact]
    public async Task TakeSlotAsync_StoreClockElsewhere_SlotsPlacedByTheFastestRoundTripNotTheLastOne()
    {
        var start = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        // The store's clock runs 7 s ahead of this host's; its answers come back after uneven delays.
        var store = new DelayedStore(time, TimeSpan.FromSeconds(7));
        var budget = new SharedRequestBudget(store, "harvard", TimeSpan.FromMilliseconds(20), null, "in the test store", time);

        // 1 ms there and 1 ms back: the store's clock is known to within 1 ms; its first slot is its "now", 1 ms ago here.
        store.Delays = (TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1));
        var first = await budget.TakeSlotAsync(Url, "c", CancellationToken.None);
        Assert.Equal(start.AddMilliseconds(1), first);
        for (var i = 1; i < 5; i++) await budget.TakeSlotAsync(Url, "c", CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(60));

        // The next block's answer takes 30 ms to come back after the store read its clock: its slots are still placed on
        // the store's schedule (the fast round trip's offset), not 30 ms late.
        store.Delays = (TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(30));
        var sixth = await budget.TakeSlotAsync(Url, "c", CancellationToken.None);

        Assert.Equal(first.AddMilliseconds(100), sixth);
    }

    /// <summary>A budget store on a clock of its own that answers after the given delays (there, then back), on a fake clock.</summary>
    private sealed class DelayedStore(FakeTimeProvider time, TimeSpan skew) : IRequestBudgetStore
    {
        private long _next;

        public (TimeSpan There, TimeSpan Back) Delays { get; set; }

        public Task<BudgetGrant> ReserveRequestsAsync(BudgetAsk ask, CancellationToken cancellationToken)
        {
            time.Advance(Delays.There);
            var now = MemoryRequestBudgetStore.Microseconds(time.GetUtcNow() + skew);
            var startUs = Math.Max(_next, now);
            _next = startUs + (ask.Count * ask.SpacingMicroseconds);
            time.Advance(Delays.Back);
            return Task.FromResult(new BudgetGrant(now, startUs, ask.Count, (int)(now / MemoryRequestBudgetStore.DayMicroseconds), ask.Count));
        }

        public Task ReturnRequestsAsync(string source, int day, int count, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<RequestBudgetRow>> GetRequestBudgetsAsync(string? source, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RequestBudgetRow>>([]);
    }

    [Fact]
    public async Task ReserveAsync_DailyBudgetSpent_StopsWithATransientErrorThatSaysWhenAndHowToResume()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 13, 20, 0, TimeSpan.Zero));
        var store = await OpenAsync(time);
        var budget = Budget(store, time, TimeSpan.Zero, daily: 3);
        for (var i = 0; i < 3; i++) Assert.Equal(TimeSpan.Zero, await budget.ReserveAsync(Url, "c", CancellationToken.None));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(async () => await budget.ReserveAsync(Url, "corr-4", CancellationToken.None));

        Assert.Equal(SharedRequestBudget.SpentErrorId, ex.ErrorId);
        Assert.True(ex.IsTransient);
        Assert.Contains("daily request budget of source 'harvard' is spent: 3 of 3 requests on 2026-12-05 (UTC)", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"in {store.DisplayName} for every run and worker", ex.Message, StringComparison.Ordinal);
        Assert.Contains("resets at 2026-12-06 00:00 UTC (in 10 h 40 min)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("resumes from the checkpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-DailyRequestBudget", ex.Message, StringComparison.Ordinal);
        Assert.Contains("correlation corr-4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReserveAsync_DailyBudget_SurvivesAReopen_AndStartsAgainAtUtcMidnight()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 23, 59, 30, TimeSpan.Zero));
        var first = Budget(await OpenAsync(time), time, TimeSpan.Zero, daily: 5);
        for (var i = 0; i < 2; i++) await first.ReserveAsync(Url, "c", CancellationToken.None);
        // The run ends with two of its block of four unused: they go back to the day.
        await first.ReturnUnusedAsync(CancellationToken.None);
        await _stores[0].DisposeAsync();
        _stores.Clear();

        // The next run (another process: a store opened afresh) has three left today, then none.
        var second = Budget(await OpenAsync(time), time, TimeSpan.Zero, daily: 5);
        for (var i = 0; i < 3; i++) await second.ReserveAsync(Url, "c", CancellationToken.None);
        await Assert.ThrowsAsync<MuseumPollException>(async () => await second.ReserveAsync(Url, "c", CancellationToken.None));
        var third = Budget(await OpenAsync(time), time, TimeSpan.Zero, daily: 5);
        await Assert.ThrowsAsync<MuseumPollException>(async () => await third.ReserveAsync(Url, "c", CancellationToken.None));

        time.Advance(TimeSpan.FromSeconds(31)); // 2026-12-06 00:00:01 UTC

        for (var i = 0; i < 5; i++) Assert.Equal(TimeSpan.Zero, await third.ReserveAsync(Url, "c", CancellationToken.None));
        var row = Assert.Single(await ((IRequestBudgetStore)_stores[^1]).GetRequestBudgetsAsync("harvard", CancellationToken.None));
        Assert.Equal(5, row.UsedToday);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero), row.ResetsAt);
    }

    [Fact]
    public async Task Poll_ThreeRunsOfOneSourceWithStoresOfTheirOwn_ShareOnePace_ZeroViolations()
    {
        // The server allows 20 requests a second; each run is told 16 a second. Kept apart, three runs would send 48.
        var quota = new QuotaServer(TimeProvider.System, limit: 20, window: TimeSpan.FromSeconds(1));
        var starts = new ConcurrentQueue<long>();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            starts.Enqueue(TimeProvider.System.GetTimestamp());
            if (!await quota.AdmitAsync(ctx)) return;
            var page = int.TryParse(ctx.Request.Query["cursor"], out var p) ? p : 1;
            if (page < 12) ctx.Response.Headers["X-Next-Cursor"] = (page + 1).ToString(CultureInfo.InvariantCulture);
            await TestApiServer.WriteLinesAsync(ctx, [Line($"{page}a")]);
        });
        var sources = new List<PollSource>();
        for (var i = 0; i < 3; i++)
        {
            var settings = new SyncSettings { Source = "shared", Uri = server.Url("objects"), RequestsPerSecond = 16, NoResume = true };
            sources.Add(PollSource.Create(settings, null, SyncEventSinks.None, TimeProvider.System, await OpenAsync(TimeProvider.System)));
        }
        using var cts = new CancellationTokenSource(TestTimeout);

        var counts = await Task.WhenAll(sources.Select(async s =>
        {
            var n = 0;
            await foreach (var _ in s.ReadAsync(cts.Token)) n++;
            return n;
        }));

        Assert.Equal([12, 12, 12], counts);
        Assert.Equal(0, quota.TooMany);
        Assert.Equal(0, quota.Violations);
        Assert.Equal(36, server.RequestCount);
        // One pace for the three: 36 starts 62.5 ms apart span 2.19 s (three paces of their own would take 0.69 s).
        var t = starts.Order().ToArray();
        var span = TimeSpan.FromSeconds((t[^1] - t[0]) / (double)TimeProvider.System.TimestampFrequency);
        Assert.True(span >= TimeSpan.FromSeconds(2), $"36 requests in {span.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task Poll_WithoutAStore_DailyBudgetCountsThisRun_AndStopsBeforeTheNextRequest()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = int.TryParse(ctx.Request.Query["cursor"], out var p) ? p : 1;
            ctx.Response.Headers["X-Next-Cursor"] = (page + 1).ToString(CultureInfo.InvariantCulture);
            await TestApiServer.WriteLinesAsync(ctx, [Line($"{page}a")]);
        });
        var source = PollSource.Create(new SyncSettings { Source = "harvard", Uri = server.Url("objects"), DailyRequestBudget = 3 }, null, SyncEventSinks.None);
        var read = new List<MuseumRecord>();
        using var cts = new CancellationTokenSource(TestTimeout);

        var ex = await Assert.ThrowsAsync<MuseumPollException>(async () =>
        {
            await foreach (var r in source.ReadAsync(cts.Token)) read.Add(r);
        });

        Assert.Equal(SharedRequestBudget.SpentErrorId, ex.ErrorId);
        Assert.Contains("for this run only", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.RequestCount);
        Assert.Equal(3, read.Count);
    }
}
