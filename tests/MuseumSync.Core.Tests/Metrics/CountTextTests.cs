using System.Globalization;
using MuseumSync.Metrics;

namespace MuseumSync.Core.Tests.Metrics;

/// <summary>Counts and rates are the invariant culture's N0 text, written without the framework's formatter.</summary>
public sealed class CountTextTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData(999L)]
    [InlineData(1000L)]
    [InlineData(12345L)]
    [InlineData(999999L)]
    [InlineData(1000000L)]
    [InlineData(969590L)]
    [InlineData(-1L)]
    [InlineData(-1000L)]
    [InlineData(-123456789L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Count_AnyValue_IsN0(long value)
    {
        Assert.Equal(value.ToString("N0", CultureInfo.InvariantCulture), CountText.Count(value));
    }

    [Fact]
    public void Count_EveryPowerOfTenNeighbour_IsN0()
    {
        for (long p = 1; p <= 1_000_000_000_000_000_000L; p *= 10)
        {
            foreach (var v in new[] { p - 1, p, p + 1 })
            {
                Assert.Equal(v.ToString("N0", CultureInfo.InvariantCulture), CountText.Count(v));
            }
        }
    }

    [Theory]
    [InlineData(0L, 0.001)]
    [InlineData(1L, 2.0)] // 0.5: a half goes to the even neighbour
    [InlineData(3L, 2.0)] // 1.5
    [InlineData(5L, 2.0)] // 2.5
    [InlineData(969590L, 17.25)]
    [InlineData(1000000L, 0.001)]
    [InlineData(2_500_001L, 1000.0)]
    [InlineData(49_999L, 0.25)]
    public void Rate_AnyCountAndTime_IsTheQuotientsN0(long count, double seconds)
    {
        Assert.Equal((count / seconds).ToString("N0", CultureInfo.InvariantCulture), CountText.Rate(count, seconds));
    }

    [Fact]
    public void Rate_ManyCountsAndTimes_IsTheQuotientsN0()
    {
        var random = new Random(18);
        for (var i = 0; i < 20000; i++)
        {
            var count = random.NextInt64(0, 2_000_000);
            // Ticks of a run as Environment.TickCount64 gives them (whole milliseconds), and halves that end in .5 exactly.
            var seconds = i % 3 == 0 ? 2.0 : i % 3 == 1 ? 0.004 : Math.Max(0.001, random.Next(1, 4_000_000) / 1000d);
            Assert.Equal((count / seconds).ToString("N0", CultureInfo.InvariantCulture), CountText.Rate(count, seconds));
        }
    }
}
