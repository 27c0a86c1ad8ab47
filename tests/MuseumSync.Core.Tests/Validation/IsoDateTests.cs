using MuseumSync.Validation;

namespace MuseumSync.Core.Tests.Validation;

public class IsoDateTests
{
    [Theory]
    [InlineData("1889-06-15")]
    [InlineData("1889-06-15T12:00:00Z")]
    [InlineData("1889-06-15T12:00:00+01:00")]
    [InlineData("1889-06-15T12:00:00-05:30")]
    [InlineData("1889-06-15T12:00:00+0100")]
    [InlineData("1889-06-15T12:00:00+01")]
    [InlineData("1889-06-15T12:00Z")]
    [InlineData("1889-06-15T12:00")]
    [InlineData("1889-06-15T12:00:00")]
    [InlineData("1889-06-15T12:00:00.5Z")]
    [InlineData("1889-06-15T12:00:00.123456789+02:00")]
    [InlineData("1889-06-15T23:59:60Z")]
    [InlineData("1850")]
    [InlineData("1850-05")]
    [InlineData("2000-02-29")]
    [InlineData("2024-02-29T00:00:00Z")]
    public void IsDateOrDateTime_ValidIso8601_ReturnsTrue(string text)
    {
        Assert.True(IsoDate.IsDateOrDateTime(text), text);
    }

    [Theory]
    [InlineData("2019-02-30")]
    [InlineData("2021-13-45")]
    [InlineData("2020/05/01")]
    [InlineData("circa 1850")]
    [InlineData("1850-00-00")]
    [InlineData("1850-01-00")]
    [InlineData("2019-02-30T10:00:00Z")]
    [InlineData("31/12/2025")]
    [InlineData("never")]
    [InlineData("1900-02-29")]
    [InlineData("0000")]
    [InlineData("185")]
    [InlineData("")]
    [InlineData("1850-13")]
    [InlineData("1850-5")]
    [InlineData("1889-06-15x")]
    [InlineData("1889-06-15 ")]
    [InlineData("1889-06-15T")]
    [InlineData("1889-06-15T12")]
    [InlineData("1889-06-15T12:00:00Zjunk")]
    [InlineData("1889-06-15T12:00:00Z ")]
    [InlineData("1889-06-15T24:00:00Z")]
    [InlineData("1889-06-15T12:60:00Z")]
    [InlineData("1889-06-15T12:00:61Z")]
    [InlineData("1889-06-15T12:00:00.Z")]
    [InlineData("1889-06-15T12:00:00+25:00")]
    [InlineData("1889-06-15T12:00:00+01:60")]
    [InlineData("1889-06-15T12:00:00+1:00")]
    [InlineData("1889-06-15T12:00:00+01:00:00")]
    [InlineData("1889-06-15T12:00:00+")]
    [InlineData("1889-06-15T12:00:00Y")]
    [InlineData("1889-06-15 12:00:00Z")]
    [InlineData("１８８９-06-15")]
    public void IsDateOrDateTime_NotIsoOrNotOnCalendar_ReturnsFalse(string text)
    {
        Assert.False(IsoDate.IsDateOrDateTime(text), text);
    }

    [Fact]
    public void TryParseDate_RealDay_ReturnsTheDate()
    {
        Assert.True(IsoDate.TryParseDate("2030-12-31", out var d));
        Assert.Equal(new DateOnly(2030, 12, 31), d);
    }

    [Theory]
    [InlineData("2030-12")]
    [InlineData("2030-12-31T00:00:00Z")]
    [InlineData("2019-02-29")]
    public void TryParseDate_NotExactlyADay_ReturnsFalse(string text)
    {
        Assert.False(IsoDate.TryParseDate(text, out var d));
        Assert.Equal(default, d);
    }

    [Theory]
    [InlineData("2030-12-31", 2030, 12, 31)]
    [InlineData("2030-12-31T00:00:00Z", 2030, 12, 31)]
    [InlineData("2030-12-31T23:59:59.999+14:00", 2030, 12, 31)]
    [InlineData("2000-02-29", 2000, 2, 29)]
    public void TryParseDateOrDateTimeAsDate_DateOrDateTime_ReturnsTheDatePart(string text, int y, int m, int d)
    {
        Assert.True(IsoDate.TryParseDateOrDateTimeAsDate(text, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Theory]
    [InlineData("2030")]
    [InlineData("2030-12")]
    [InlineData("2030-02-30")]
    [InlineData("2030-12-31T25:00:00Z")]
    [InlineData("2030-12-31junk")]
    [InlineData("2030-12-31 ")]
    [InlineData("31/12/2030")]
    [InlineData("never")]
    [InlineData("")]
    public void TryParseDateOrDateTimeAsDate_NotADate_ReturnsFalse(string text)
    {
        Assert.False(IsoDate.TryParseDateOrDateTimeAsDate(text, out _));
    }

    // Issue #17: the LIDO rule tells users to write -0044 for 44 BCE (ISO 8601 negative and expanded years), so the
    // record validator must accept what the LIDO rule asks for.
    [Theory]
    [InlineData("-0044")]
    [InlineData("-0044-03")]
    [InlineData("-0044-03-15")]
    [InlineData("-1400")]
    [InlineData("+12345")]
    [InlineData("-12345")]
    [InlineData("-123456789")]
    [InlineData("+0044-03-15T12:00:00Z")]
    [InlineData("-0001-02-29")] // 1 BCE is a leap year in the proleptic Gregorian calendar (astronomical year 0)
    [InlineData("-0005-02-29")]
    public void IsDateOrDateTime_NegativeAndExpandedYears_ReturnsTrue(string text)
    {
        Assert.True(IsoDate.IsDateOrDateTime(text), text);
    }

    [Theory]
    [InlineData("-44")]
    [InlineData("12345")]
    [InlineData("-0000")]
    [InlineData("-1234567890")]
    [InlineData("--0044")]
    [InlineData("-0044-02-30")]
    [InlineData("-0002-02-29")]
    [InlineData("-0044-13")]
    [InlineData("+")]
    [InlineData("-")]
    public void IsDateOrDateTime_BadSignedYears_ReturnsFalse(string text)
    {
        Assert.False(IsoDate.IsDateOrDateTime(text), text);
    }

    // Issue #17: a creation date range, compared day by day; a reduced-precision begin is its first day, an end its last.
    [Theory]
    [InlineData("-1300", "-1400", true)]
    [InlineData("-1400", "-1300", false)]
    [InlineData("1889", "1889", false)]
    [InlineData("1889-06-15", "1889", false)]
    [InlineData("1889-06-15", "1889-06", false)]
    [InlineData("1889-06-15", "1889-05", true)]
    [InlineData("1890", "1889-12-31", true)]
    [InlineData("1889-12-31T23:00:00Z", "1889-12-31T01:00:00Z", false)]
    [InlineData("-0044-03-15", "-0044", false)]
    [InlineData("0001", "-0001", true)]
    [InlineData("+12345", "9999", true)]
    [InlineData("-123456789", "+123456789", false)]
    public void BeginsAfterEnd_ValidDates_ComparesDays(string begin, string end, bool expected)
    {
        Assert.Equal(expected, IsoDate.BeginsAfterEnd(begin, end));
    }
}
