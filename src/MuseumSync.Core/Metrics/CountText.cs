namespace MuseumSync.Metrics;

/// <summary>
/// Counts and rates as the invariant culture's <c>N0</c> writes them ("1,234,567"), written directly: a progress status
/// is built four times a second for a whole run, and the framework's number formatting would be compiled up to three
/// times for it.
/// </summary>
internal static class CountText
{
    /// <summary><paramref name="value"/> with a comma between groups of three digits, as <c>value.ToString("N0", CultureInfo.InvariantCulture)</c>.</summary>
    public static string Count(long value) => value < 0 ? Digits(0UL - (ulong)value, negative: true) : Digits((ulong)value, negative: false);

    /// <summary>
    /// <paramref name="count"/> per <paramref name="seconds"/> (a count of 0 or more, seconds above 0), rounded to a whole
    /// number, a half to the even neighbour, as <c>(count / seconds).ToString("N0", CultureInfo.InvariantCulture)</c>
    /// writes it (the exact binary value rounded: 0.5 is "0", 2.5 is "2").
    /// </summary>
    public static string Rate(long count, double seconds) => Count((long)Math.Round(count / seconds, MidpointRounding.ToEven));

    private static string Digits(ulong value, bool negative)
    {
        Span<char> text = stackalloc char[32];
        var at = text.Length;
        var digits = 0;
        do
        {
            if (digits > 0 && digits % 3 == 0) text[--at] = ',';
            text[--at] = (char)('0' + (int)(value % 10));
            value /= 10;
            digits++;
        }
        while (value != 0);
        if (negative) text[--at] = '-';
        return new string(text[at..]);
    }
}
