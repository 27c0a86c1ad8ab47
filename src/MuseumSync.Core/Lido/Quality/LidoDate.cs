using System.Globalization;
using System.Text.RegularExpressions;
using MuseumSync.Validation;

namespace MuseumSync.Lido.Quality;

/// <summary>
/// LIDO machine-readable dates (<c>lido:earliestDate</c>, <c>lido:latestDate</c>): <c>YYYY</c>, <c>YYYY-MM</c>,
/// <c>YYYY-MM-DD</c>, or an ISO 8601 date-time; years may have more than four digits and a leading <c>-</c> (BCE).
/// </summary>
internal static partial class LidoDate
{
    /// <summary>Parses into a sortable key (year, month, day), or false when the text is not such a date.</summary>
    public static bool TryParse(string text, out (long Year, int Month, int Day) key)
    {
        key = default;
        var m = Pattern().Match(text);
        if (m.Success)
        {
            var year = long.Parse(m.Groups["y"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var month = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            var day = m.Groups["d"].Success ? int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture) : 0;
            if (month is < 0 or > 12) return false;
            if (day > 0 && day > DaysInMonth(year, month)) return false;
            key = (year, month, day);
            return true;
        }
        if (text.Length > 10 && IsoDate.IsDateOrDateTime(text) && IsoDate.TryParseDate(text.AsSpan(0, 10), out var date))
        {
            key = (date.Year, date.Month, date.Day);
            return true;
        }
        return false;
    }

    private static int DaysInMonth(long year, int month)
    {
        if (month == 2)
        {
            var y = year <= 0 ? year - 1 : year; // proleptic Gregorian for BCE years (astronomical year 0 = 1 BCE)
            var leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            return leap ? 29 : 28;
        }
        return month is 4 or 6 or 9 or 11 ? 30 : 31;
    }

    [GeneratedRegex(@"^(?<y>-?\d{4,9})(-(?<m>\d{2})(-(?<d>\d{2}))?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
