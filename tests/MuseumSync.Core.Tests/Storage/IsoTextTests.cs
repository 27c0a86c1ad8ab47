using System.Globalization;
using System.Text;
using MuseumSync.Storage;

namespace MuseumSync.Core.Tests.Storage;

/// <summary>The hand-written ISO texts are the framework's custom formats, character for character.</summary>
public sealed class IsoTextTests
{
    private static string Day(DateOnly d)
    {
        var buffer = new byte[16];
        var n = IsoText.WriteDay(d, buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    public static TheoryData<int, int, int> Days => new()
    {
        { 1, 1, 1 }, { 9, 2, 3 }, { 10, 10, 10 }, { 99, 12, 31 }, { 999, 1, 9 }, { 1000, 1, 1 }, { 1889, 6, 15 },
        { 2000, 2, 29 }, { 2030, 12, 31 }, { 9999, 12, 31 },
    };

    [Theory]
    [MemberData(nameof(Days))]
    public void WriteDay_AnyDay_IsTheCustomFormat(int year, int month, int day)
    {
        var d = new DateOnly(year, month, day);

        Assert.Equal(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Day(d));
    }

    [Fact]
    public void WriteDay_YearBelow1000_IsZeroPaddedToFourDigits()
    {
        Assert.Equal("0044-03-15", Day(new DateOnly(44, 3, 15)));
    }

    [Fact]
    public void WriteDay_EveryDayOfSomeYears_IsTheCustomFormat()
    {
        foreach (var start in new[] { new DateOnly(1, 1, 1), new DateOnly(1999, 1, 1), new DateOnly(9998, 1, 1) })
        {
            for (var n = 0; n < 730; n++) // two years; from 9998-01-01 up to DateOnly.MaxValue
            {
                var d = start.AddDays(n);
                Assert.Equal(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Day(d));
            }
        }
    }

    [Fact]
    public void Millis_FractionBeyondMilliseconds_IsCutOffNotRounded()
    {
        var t = new DateTimeOffset(2025, 1, 1, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999);

        Assert.Equal("2025-01-01T23:59:59.999Z", IsoText.Millis(t));
    }

    [Fact]
    public void Millis_NegativeOffset_IsWrittenInUtcOnTheNextDay()
    {
        var t = new DateTimeOffset(1999, 12, 31, 22, 30, 5, 7, TimeSpan.FromHours(-5));

        Assert.Equal("2000-01-01T03:30:05.007Z", IsoText.Millis(t));
    }

    [Fact]
    public void Millis_PositiveOffset_IsWrittenInUtcOnThePreviousDay()
    {
        var t = new DateTimeOffset(2024, 3, 1, 1, 0, 0, 40, new TimeSpan(5, 30, 0));

        Assert.Equal("2024-02-29T19:30:00.040Z", IsoText.Millis(t));
    }

    [Fact]
    public void Millis_ManyTimes_AreTheCustomFormat()
    {
        var random = new Random(18);
        var times = new List<DateTimeOffset>
        {
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UnixEpoch,
            new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(14).ToOffset(TimeSpan.FromHours(14)),
            new(999, 7, 4, 9, 8, 7, 6, TimeSpan.FromHours(-11)),
        };
        for (var i = 0; i < 5000; i++)
        {
            var ticks = random.NextInt64(DateTimeOffset.MinValue.UtcTicks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerDay);
            times.Add(new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1))));
        }

        foreach (var t in times)
        {
            Assert.Equal(t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), IsoText.Millis(t));
        }
    }
}
