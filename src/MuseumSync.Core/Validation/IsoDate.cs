namespace MuseumSync.Validation;

/// <summary>
/// Strict ISO 8601 (extended format) date and date-time checks. Unlike <see cref="DateTime.TryParse(string?, out DateTime)"/>
/// these accept no culture-specific forms (<c>2020/05/01</c>, <c>31/12/2025</c>) and reject dates that are not on the
/// calendar (<c>2019-02-30</c>).
/// </summary>
internal static class IsoDate
{
    /// <summary>The most digits a year may have (<c>-123456789</c>); the stores' sort key holds years up to this size.</summary>
    public const int MaxYearDigits = 9;

    /// <summary>
    /// Accepts <c>YYYY</c>, <c>YYYY-MM</c>, <c>YYYY-MM-DD</c> and <c>YYYY-MM-DDThh:mm[:ss[.fff…]][Z|±hh:mm]</c>, where the year
    /// may also be signed (ISO 8601's expanded form): <c>-0044</c> (a year before the common era, as LIDO writes it),
    /// <c>+12345</c>, <c>-12345</c>, with 4 to <see cref="MaxYearDigits"/> digits. An unsigned year has exactly four
    /// digits; there is no year zero.
    /// </summary>
    public static bool IsDateOrDateTime(ReadOnlySpan<char> s)
    {
        if (!TrySignedYear(s, out var year, out var length)) return false;
        var rest = s[length..];
        if (rest.Length == 0) return true;
        if (rest.Length < 3 || rest[0] != '-' || !TryTwo(rest[1..3], 1, 12, out var month)) return false;
        rest = rest[3..];
        if (rest.Length == 0) return true;
        if (rest.Length < 3 || rest[0] != '-' || !TryTwo(rest[1..3], 1, DaysInMonth(year, month), out _)) return false;
        rest = rest[3..];
        if (rest.Length == 0) return true;
        if (rest[0] != 'T' && rest[0] != 't') return false;
        return IsTime(rest[1..]);
    }

    /// <summary>
    /// True when the range from <paramref name="begin"/> to <paramref name="end"/> (both accepted by <see cref="IsDateOrDateTime"/>)
    /// ends before it begins, day by day: a reduced-precision begin stands for its first day and a reduced-precision end
    /// for its last (<c>1889-06-15</c> to <c>1889</c> is a range; <c>-1300</c> to <c>-1400</c> is not). Times are not compared.
    /// </summary>
    public static bool BeginsAfterEnd(ReadOnlySpan<char> begin, ReadOnlySpan<char> end) => DayKey(begin, last: false) > DayKey(end, last: true);

    /// <summary>year × 10000 + month × 100 + day of a valid date; a missing month or day is the first or the last one.</summary>
    private static long DayKey(ReadOnlySpan<char> s, bool last)
    {
        TrySignedYear(s, out var year, out var length);
        var rest = s[length..];
        var month = rest.Length >= 3 ? ((rest[1] - '0') * 10) + (rest[2] - '0') : last ? 12 : 1;
        var day = rest.Length >= 6 ? ((rest[4] - '0') * 10) + (rest[5] - '0') : last ? 31 : 1;
        return (year * 10000) + (month * 100) + day;
    }

    /// <summary>Parses exactly <c>YYYY-MM-DD</c> that names a real calendar day.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> s, out DateOnly date)
    {
        date = default;
        if (s.Length != 10 || s[4] != '-' || s[7] != '-') return false;
        if (!TryYear(s[..4], out var y) || y < 1) return false;
        if (!TryTwo(s[5..7], 1, 12, out var m)) return false;
        if (!TryTwo(s[8..10], 1, DateTime.DaysInMonth(y, m), out var d)) return false;
        date = new DateOnly(y, m, d);
        return true;
    }

    /// <summary>Parses a date, or the date part of a valid date-time (<c>2025-01-01T00:00:00Z</c>).</summary>
    public static bool TryParseDateOrDateTimeAsDate(ReadOnlySpan<char> s, out DateOnly date)
    {
        date = default;
        if (s.Length < 10) return false;
        if (s.Length > 10 && !IsDateOrDateTime(s)) return false;
        return TryParseDate(s[..10], out date);
    }

    private static bool IsTime(ReadOnlySpan<char> t)
    {
        // hh:mm
        if (t.Length < 5 || t[2] != ':' || !TryTwo(t[..2], 0, 23, out _) || !TryTwo(t[3..5], 0, 59, out _)) return false;
        var rest = t[5..];
        if (rest.Length >= 3 && rest[0] == ':')
        {
            if (!TryTwo(rest[1..3], 0, 60, out _)) return false; // 60: leap second
            rest = rest[3..];
            if (rest.Length > 0 && (rest[0] == '.' || rest[0] == ','))
            {
                var i = 1;
                while (i < rest.Length && char.IsAsciiDigit(rest[i])) i++;
                if (i == 1) return false;
                rest = rest[i..];
            }
        }
        if (rest.Length == 0) return true;
        if (rest.Length == 1) return rest[0] is 'Z' or 'z';
        if (rest[0] is not ('+' or '-')) return false;
        rest = rest[1..];
        if (rest.Length == 5 && rest[2] == ':') return TryTwo(rest[..2], 0, 23, out _) && TryTwo(rest[3..], 0, 59, out _);
        if (rest.Length == 4) return TryTwo(rest[..2], 0, 23, out _) && TryTwo(rest[2..], 0, 59, out _);
        if (rest.Length == 2) return TryTwo(rest, 0, 23, out _);
        return false;
    }

    private static bool TryYear(ReadOnlySpan<char> s, out int year)
    {
        year = 0;
        if (s.Length < 4) return false;
        for (var i = 0; i < 4; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
            year = (year * 10) + (s[i] - '0');
        }
        return year >= 1;
    }

    /// <summary>
    /// The year at the start of <paramref name="s"/>: four digits, or a sign and 4 to <see cref="MaxYearDigits"/> digits.
    /// Negative years count as LIDO and most museum APIs count them (-0044 is 44 BCE, no year zero); leap years before
    /// the common era follow the proleptic Gregorian calendar (1 BCE, 5 BCE, … are leap years).
    /// </summary>
    private static bool TrySignedYear(ReadOnlySpan<char> s, out long year, out int length)
    {
        year = 0;
        length = 0;
        var signed = s.Length > 0 && s[0] is '+' or '-';
        var start = signed ? 1 : 0;
        var end = start;
        while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
        var digits = end - start;
        if (signed ? digits is < 4 or > MaxYearDigits : digits != 4) return false;
        foreach (var c in s[start..end]) year = (year * 10) + (c - '0');
        if (year == 0) return false;
        if (s[0] == '-') year = -year;
        length = end;
        return true;
    }

    private static int DaysInMonth(long year, int month)
    {
        if (month != 2) return month is 4 or 6 or 9 or 11 ? 30 : 31;
        var astronomical = year < 0 ? year + 1 : year; // 1 BCE is astronomical year 0
        return (astronomical % 4 == 0 && astronomical % 100 != 0) || astronomical % 400 == 0 ? 29 : 28;
    }

    private static bool TryTwo(ReadOnlySpan<char> s, int min, int max, out int value)
    {
        value = 0;
        if (s.Length != 2 || !char.IsAsciiDigit(s[0]) || !char.IsAsciiDigit(s[1])) return false;
        value = ((s[0] - '0') * 10) + (s[1] - '0');
        return value >= min && value <= max;
    }
}
