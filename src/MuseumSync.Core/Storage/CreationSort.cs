namespace MuseumSync.Storage;

/// <summary>
/// The stores' <c>creation_sort</c> column: year × 10000 + month × 100 + day of <c>creation_date</c>, so that
/// <c>ORDER BY creation_sort</c> orders dates across the common era (<c>-0044</c> before <c>0044</c>, <c>-0044-03-15</c>
/// after <c>-0044</c>). Computed here once per record, as the session takes it (beside its content hash, off the commit
/// thread), and written as a plain column on every store (schema migration 9); migration 5 had each database compute
/// it for every inserted row, which cost SQLite 1.5 µs a row.
/// </summary>
/// <remarks>
/// The value is the one migration 5's SQLite expression gave, for every text: null unless the text starts with four
/// ASCII digits or a sign and four digits; otherwise the signed integer at its start × 10000, plus, when a <c>-</c>
/// follows somewhere after the first character, the integer read from the two characters after that dash × 100, plus,
/// when the third character after the dash is another <c>-</c>, the integer read from the two characters after it.
/// "The integer read" follows SQLite's <c>CAST(… AS INTEGER)</c>: leading spaces skipped, an optional sign, the digits
/// that follow, 0 when there are none. Positions count Unicode code points, as SQLite's <c>substr</c> does. For every
/// ISO 8601 date the validator accepts, this is also the value of migration 5's PostgreSQL and SQL Server expressions.
/// A key that does not fit a 64-bit integer (a "year" of 15 digits or more, which no valid record has) is null, where
/// SQLite stored a floating-point number.
/// </remarks>
internal static class CreationSort
{
    /// <summary>The sort key of <paramref name="creationDate"/>, or null when it has none.</summary>
    public static long? Of(string? creationDate)
    {
        if (creationDate is null) return null;
        var s = creationDate.AsSpan();
        if (!StartsWithYear(s)) return null;
        // Every code point outside the BMP (and every lone surrogate, which SQLite holds as U+FFFD) counts as one
        // position; none of them is a digit, a sign, a dash or a space, so one placeholder each keeps every rule.
        if (s.ContainsAnyInRange('\uD800', '\uDFFF')) s = OneCharPerCodePoint(s);
        return Compute(s);
    }

    private static bool StartsWithYear(ReadOnlySpan<char> s)
    {
        var start = s.Length > 0 && s[0] is '+' or '-' ? 1 : 0;
        if (s.Length < start + 4) return false;
        for (var i = start; i < start + 4; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
        }
        return true;
    }

    private static long? Compute(ReadOnlySpan<char> s)
    {
        if (!TryCastInteger(s, out var year)) return null;
        try
        {
            var key = checked(year * 10000);
            var dash = s[1..].IndexOf('-');
            if (dash < 0) return key;
            var at = dash + 1; // the dash's index in s
            key = checked(key + CastInteger(Slice(s, at + 1, 2)) * 100);
            if (at + 3 < s.Length && s[at + 3] == '-') key = checked(key + CastInteger(Slice(s, at + 4, 2)));
            return key;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>SQLite's <c>substr</c> with a start past the end: empty.</summary>
    private static ReadOnlySpan<char> Slice(ReadOnlySpan<char> s, int start, int length) =>
        start >= s.Length ? [] : s.Slice(start, Math.Min(length, s.Length - start));

    /// <summary>A two-character field: it cannot overflow.</summary>
    private static long CastInteger(ReadOnlySpan<char> s)
    {
        TryCastInteger(s, out var value);
        return value;
    }

    /// <summary>
    /// SQLite's <c>CAST(text AS INTEGER)</c>: spaces skipped, an optional sign, the digits after it (0 when none). False
    /// when the digits exceed a 64-bit integer (where SQLite clamps, and the key overflows anyway).
    /// </summary>
    private static bool TryCastInteger(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        var i = 0;
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') i++;
        var negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }
        ulong magnitude = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            var digit = (ulong)(s[i] - '0');
            if (magnitude > ((ulong)long.MaxValue - digit) / 10) return false;
            magnitude = magnitude * 10 + digit;
        }
        value = negative ? -(long)magnitude : (long)magnitude;
        return true;
    }

    private static string OneCharPerCodePoint(ReadOnlySpan<char> s)
    {
        var chars = new char[s.Length];
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            chars[n++] = char.IsSurrogate(s[i]) ? '\uFFFD' : s[i];
        }
        return new string(chars, 0, n);
    }
}
