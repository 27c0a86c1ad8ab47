using MuseumSync.Resilience;

namespace MuseumSync.Core.Tests.Resilience;

public class ClientBudgetTests
{
    private static readonly DateTimeOffset s_now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reserve_NPerWindow_TheNPlusFirstWaitsForTheOldestToLeaveTheWindow()
    {
        var b = new ClientBudget(3, TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, b.Reserve(s_now));
        Assert.Equal(TimeSpan.Zero, b.Reserve(s_now.AddSeconds(1)));
        Assert.Equal(TimeSpan.Zero, b.Reserve(s_now.AddSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(7), b.Reserve(s_now.AddSeconds(3)));
        Assert.Equal(TimeSpan.FromSeconds(8), b.Reserve(s_now.AddSeconds(3)));
    }

    [Fact]
    public void From_RequestsPerSecond_BurstOfTheWholePartSpreadOverItsShareOfTime()
    {
        var b = ClientBudget.From(new RateLimitOptions { RequestsPerSecond = 2.5 })!;
        Assert.Equal(2, b.Limit);
        Assert.Equal(TimeSpan.FromSeconds(0.8), b.Window);
        Assert.Null(ClientBudget.From(new RateLimitOptions()));
    }
}
