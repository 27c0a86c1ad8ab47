using System.Globalization;
using System.Text;

namespace MuseumSync.PowerShell;

/// <summary>
/// Fits text into the fixed columns of MuseumSync.Format.ps1xml. PowerShell's own table truncation and list wrapping
/// count UTF-16 chars, so they can cut an emoji or an accented letter in half and leave a lone surrogate in a log;
/// these methods cut only between grapheme clusters (what a reader sees as one character), measure them the way
/// PowerShell's formatter does (or wider, never narrower), and turn control characters (line breaks, tabs, escape
/// sequences) into spaces so a value always stays on its own row.
/// </summary>
public static class ColumnText
{
    private const char Ellipsis = '…';

    /// <summary>
    /// <paramref name="value"/> as text of at most <paramref name="width"/> display cells: whole when it fits, otherwise
    /// its beginning and <c>…</c>. Null is empty.
    /// </summary>
    public static string Fit(object? value, int width) => Fit(value, width, keepEnd: false);

    /// <summary>
    /// Like <see cref="Fit(object?, int)"/>, but keeps the end: <c>…/demo/1001/manifest.json</c>. For paths and URLs,
    /// whose end says which one it is.
    /// </summary>
    public static string FitEnd(object? value, int width) => Fit(value, width, keepEnd: true);

    /// <summary>
    /// <paramref name="value"/> broken into lines of at most <paramref name="width"/> display cells, after a space or a
    /// URL separator (<c>/ ? &amp; - , ;</c>) where it can and between grapheme clusters where it must, so that a list
    /// view never wraps it itself. Line breaks in the value are kept; other control characters become spaces.
    /// </summary>
    public static string Wrap(object? value, int width)
    {
        var text = Clean(value, keepLineBreaks: true);
        if (width < 1 || text.Length == 0) return text;
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            WrapParagraph(paragraph, width, lines);
        }
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The display cells PowerShell's formatter gives <paramref name="text"/> (at least).</summary>
    private static int Cells(string? text)
    {
        if (string.IsNullOrEmpty(text)) return 0;
        var cells = 0;
        foreach (var c in text) cells += CharCells(c);
        return cells;
    }

    private static string Fit(object? value, int width, bool keepEnd)
    {
        var text = Clean(value, keepLineBreaks: false);
        if (Cells(text) <= width) return text;
        if (width < 1) return string.Empty;
        var budget = width - 1; // the ellipsis takes one cell
        var bounds = Boundaries(text);
        if (keepEnd)
        {
            var used = 0;
            var start = text.Length;
            for (var i = bounds.Count - 1; i > 0; i--)
            {
                var cells = Cells(text[bounds[i - 1]..bounds[i]]);
                if (used + cells > budget) break;
                used += cells;
                start = bounds[i - 1];
            }
            return Ellipsis + text[start..];
        }
        else
        {
            var used = 0;
            var end = 0;
            for (var i = 1; i < bounds.Count; i++)
            {
                var cells = Cells(text[bounds[i - 1]..bounds[i]]);
                if (used + cells > budget) break;
                used += cells;
                end = bounds[i];
            }
            return text[..end] + Ellipsis;
        }
    }

    private static void WrapParagraph(string paragraph, int width, List<string> lines)
    {
        var text = paragraph.TrimEnd();
        if (text.Length == 0)
        {
            lines.Add(string.Empty);
            return;
        }
        var bounds = Boundaries(text);
        var lineStart = 0;
        var lineCells = 0;
        var lastBreak = -1; // index in bounds of the cluster after the last break opportunity on this line
        for (var i = 1; i < bounds.Count; i++)
        {
            var cluster = text[bounds[i - 1]..bounds[i]];
            var cells = Cells(cluster);
            if (lineCells + cells > width && bounds[i - 1] > lineStart)
            {
                if (cluster == " ")
                {
                    // The space that does not fit ends the line and is dropped.
                    lines.Add(text[lineStart..bounds[i - 1]]);
                    (lineStart, lineCells, lastBreak) = (bounds[i], 0, -1);
                    continue;
                }
                var breakAt = lastBreak > 0 && bounds[lastBreak] > lineStart ? bounds[lastBreak] : bounds[i - 1];
                lines.Add(text[lineStart..breakAt].TrimEnd());
                (lineStart, lastBreak) = (breakAt, -1);
                lineCells = Cells(text[lineStart..bounds[i - 1]]);
                if (lineCells + cells > width && bounds[i - 1] > lineStart)
                {
                    lines.Add(text[lineStart..bounds[i - 1]]);
                    (lineStart, lineCells) = (bounds[i - 1], 0);
                }
            }
            lineCells += cells;
            if (cluster is " " or "/" or "?" or "&" or "-" or "," or ";") lastBreak = i;
        }
        if (lineStart < text.Length) lines.Add(text[lineStart..]);
    }

    /// <summary>The text with every control character a space (line breaks too unless kept, as <c>\n</c>).</summary>
    private static string Clean(object? value, bool keepLineBreaks)
    {
        var text = value switch
        {
            null => string.Empty,
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.CurrentCulture),
            _ => value.ToString() ?? string.Empty,
        };
        var hasControl = false;
        foreach (var c in text)
        {
            if (char.IsControl(c)) { hasControl = true; break; }
        }
        if (!hasControl) return text;
        var b = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (keepLineBreaks && c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') continue;
            if (keepLineBreaks && (c == '\n' || c == '\r')) b.Append('\n');
            else b.Append(char.IsControl(c) ? ' ' : c);
        }
        return b.ToString();
    }

    /// <summary>The start of every grapheme cluster, and the text's length.</summary>
    private static List<int> Boundaries(string text)
    {
        var bounds = new List<int>(text.Length + 1) { 0 };
        var i = 0;
        while (i < text.Length)
        {
            i += StringInfo.GetNextTextElementLength(text, i);
            bounds.Add(i);
        }
        return bounds;
    }

    /// <summary>
    /// The cells PowerShell gives one UTF-16 char: two for East Asian wide characters (its wcwidth table) and for the
    /// symbol blocks newer versions count as emoji; one for anything else, each half of a surrogate pair included.
    /// </summary>
    private static int CharCells(char c)
    {
        var wide = (c >= 0x1100 && c <= 0x115f)
            || c == 0x2329 || c == 0x232a
            || (c >= 0x2300 && c <= 0x23ff)
            || (c >= 0x2600 && c <= 0x27bf)
            || (c >= 0x2b50 && c <= 0x2b55)
            || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f)
            || (c >= 0xac00 && c <= 0xd7a3)
            || (c >= 0xf900 && c <= 0xfaff)
            || (c >= 0xfe10 && c <= 0xfe19)
            || (c >= 0xfe30 && c <= 0xfe6f)
            || (c >= 0xff00 && c <= 0xff60)
            || (c >= 0xffe0 && c <= 0xffe6);
        return wide ? 2 : 1;
    }
}
