using System.Text;

namespace MuseumSync.Storage;

/// <summary>
/// The two ISO 8601 forms the SQLite store writes per batch and per row, written digit by digit: the same text as the
/// custom formats <c>yyyy-MM-dd</c> and <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (invariant culture, fraction truncated), without
/// the framework's general date formatter, which a long run would otherwise compile up to three times.
/// </summary>
internal static class IsoText
{
    /// <summary>The length of <see cref="WriteDay"/>'s text.</summary>
    public const int DayLength = 10;

    /// <summary>The length of <see cref="Millis"/>'s text.</summary>
    public const int MillisLength = 24;

    /// <summary>Writes <paramref name="day"/> as <c>yyyy-MM-dd</c> (UTF-8, <see cref="DayLength"/> bytes) and returns the length.</summary>
    public static int WriteDay(DateOnly day, Span<byte> utf8)
    {
        day.Deconstruct(out var year, out var month, out var dayOfMonth);
        Digits(utf8[..4], year);
        utf8[4] = (byte)'-';
        Digits(utf8.Slice(5, 2), month);
        utf8[7] = (byte)'-';
        Digits(utf8.Slice(8, 2), dayOfMonth);
        return DayLength;
    }

    /// <summary><paramref name="time"/> in UTC as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>: milliseconds, the rest of the fraction cut off.</summary>
    public static string Millis(DateTimeOffset time)
    {
        var t = time.UtcDateTime;
        Span<byte> text = stackalloc byte[MillisLength];
        WriteDay(DateOnly.FromDateTime(t), text);
        text[10] = (byte)'T';
        Digits(text.Slice(11, 2), t.Hour);
        text[13] = (byte)':';
        Digits(text.Slice(14, 2), t.Minute);
        text[16] = (byte)':';
        Digits(text.Slice(17, 2), t.Second);
        text[19] = (byte)'.';
        Digits(text.Slice(20, 3), t.Millisecond);
        text[23] = (byte)'Z';
        return Encoding.ASCII.GetString(text);
    }

    // value >= 0 and shorter than the span (a DateOnly or DateTime part: year 1-9999), zero-padded on the left.
    private static void Digits(Span<byte> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
