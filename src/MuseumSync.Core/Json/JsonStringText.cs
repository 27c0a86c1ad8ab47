using System.Buffers;
using System.Text;

namespace MuseumSync.Json;

/// <summary>
/// JSON string values written directly into a UTF-8 buffer, for the few places that write one per record or per
/// batch and would otherwise need a <see cref="System.Text.Json.Utf8JsonWriter"/> each time (a long run's warm code:
/// the writer's methods are compiled up to three times).
/// </summary>
internal static class JsonStringText
{
    /// <summary>
    /// Appends <paramref name="value"/> as a JSON string with minimal escaping (what SQLite's <c>json_each</c> reads back
    /// as the same text): <c>"</c> and <c>\</c> escaped, control characters as <c>\u00XX</c>, everything else as UTF-8
    /// (a lone surrogate becomes U+FFFD, as <see cref="Encoding.UTF8"/> writes it everywhere else in the store).
    /// </summary>
    public static void AppendMinimal(IBufferWriter<byte> into, string value)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(value);
        // At most 6 bytes per char (\u00XX; UTF-8 needs at most 3), the quotes, and the UTF-8 encoder's own bound.
        var span = into.GetSpan(Math.Max(value.Length * 6, Encoding.UTF8.GetMaxByteCount(value.Length)) + 2);
        var at = 0;
        span[at++] = (byte)'"';
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= 0x80)
            {
                // A run of non-ASCII chars (a surrogate pair stays in one run) through the UTF-8 encoder.
                var end = i + 1;
                while (end < value.Length && value[end] >= 0x80) end++;
                at += Encoding.UTF8.GetBytes(value.AsSpan(i, end - i), span[at..]);
                i = end - 1;
            }
            else if (c >= 0x20 && c != '"' && c != '\\')
            {
                span[at++] = (byte)c;
            }
            else
            {
                at += Escape(c, span[at..]);
            }
        }
        span[at++] = (byte)'"';
        into.Advance(at);
    }

    /// <summary>
    /// Writes <paramref name="value"/> as a JSON string exactly as <see cref="System.Text.Json.Utf8JsonWriter"/> with its
    /// default encoder does, when every char is printable ASCII (the usual case); false, and nothing written, otherwise
    /// (and for null). The default encoder escapes the HTML-sensitive <c>" &amp; ' + &lt; &gt; `</c> as <c>\u00XX</c> and
    /// <c>\</c> as <c>\\</c>.
    /// </summary>
    public static bool TryAppendDefault(StringBuilder into, string? value)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (value is null) return false;
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E) return false;
        }
        into.Append('"');
        var run = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is not ('"' or '&' or '\'' or '+' or '<' or '>' or '`' or '\\')) continue;
            into.Append(value, run, i - run);
            run = i + 1;
            if (c == '\\') into.Append(@"\\");
            else into.Append(@"\u00").Append(Hex(c >> 4)).Append(Hex(c & 0xF));
        }
        into.Append(value, run, value.Length - run).Append('"');
        return true;
    }

    private static int Escape(char c, Span<byte> into)
    {
        into[0] = (byte)'\\';
        if (c is '"' or '\\')
        {
            into[1] = (byte)c;
            return 2;
        }
        into[1] = (byte)'u';
        into[2] = (byte)'0';
        into[3] = (byte)'0';
        into[4] = (byte)Hex(c >> 4);
        into[5] = (byte)Hex(c & 0xF);
        return 6;
    }

    private static char Hex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
}
