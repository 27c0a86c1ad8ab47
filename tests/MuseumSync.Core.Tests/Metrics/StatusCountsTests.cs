using MuseumSync.Metrics;

namespace MuseumSync.Core.Tests.Metrics;

public class StatusCountsTests
{
    [Fact]
    public void Snapshot_CountsEachStatus_InStatusOrder_WithTheOddOnesAboveTheSlots()
    {
        var counts = new StatusCounts();
        foreach (var status in new[] { 200, 0, 429, 200, 599, 999, 200, 429, 1000, 999, -1 }) counts.Add(status);

        var snapshot = counts.Snapshot();

        Assert.Equal(new[] { -1, 0, 200, 429, 599, 999, 1000 }, snapshot.Keys);
        Assert.Equal(new long[] { 1, 1, 3, 2, 1, 2, 1 }, snapshot.Values);
    }

    [Fact]
    public void Add_FromManyThreads_LosesNoCount()
    {
        var counts = new StatusCounts();

        Parallel.For(0, 40_000, i => counts.Add(i % 4 == 0 ? 503 : i % 4 == 1 ? 700 : 200));

        var snapshot = counts.Snapshot();
        Assert.Equal(20_000, snapshot[200]);
        Assert.Equal(10_000, snapshot[503]);
        Assert.Equal(10_000, snapshot[700]);
    }

    [Fact]
    public void Snapshot_WhenNothingWasCounted_IsEmpty() => Assert.Empty(new StatusCounts().Snapshot());
}
