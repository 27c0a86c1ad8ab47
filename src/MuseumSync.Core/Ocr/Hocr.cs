using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace MuseumSync.Ocr;

/// <summary>A box in image pixels.</summary>
internal readonly record struct HocrBox(int X, int Y, int Width, int Height);

/// <summary>One recognised word: its text, box and confidence (0–100).</summary>
internal sealed record HocrWord(string Text, HocrBox Box, double Confidence);

/// <summary>One line: its box and its words.</summary>
internal sealed record HocrLine(HocrBox Box, IReadOnlyList<HocrWord> Words)
{
    /// <summary>The words joined with spaces.</summary>
    public string Text => string.Join(" ", Words.Select(w => w.Text));
}

/// <summary>
/// Reads hOCR (the XHTML Tesseract writes: <c>ocr_page</c>, <c>ocr_line</c>, <c>ocrx_word</c> elements whose
/// <c>title</c> holds <c>bbox x0 y0 x1 y1</c> and <c>x_wconf N</c>) into the page size, lines and words.
/// </summary>
internal sealed partial class Hocr
{
    private static readonly XmlReaderSettings s_settings = new() { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true, MaxCharactersInDocument = 64L * 1024 * 1024 };
    private static readonly string[] s_lineClasses = ["ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"];

    private Hocr(int width, int height, IReadOnlyList<HocrLine> lines)
    {
        Width = width;
        Height = height;
        Lines = lines;
    }

    /// <summary>The page (image) width in pixels; 0 when the hOCR gave none.</summary>
    public int Width { get; }

    /// <summary>The page (image) height in pixels.</summary>
    public int Height { get; }

    /// <summary>The lines in reading order (words outside any line make a line of their own).</summary>
    public IReadOnlyList<HocrLine> Lines { get; }

    /// <summary>All words in reading order.</summary>
    public IEnumerable<HocrWord> Words => Lines.SelectMany(l => l.Words);

    /// <summary>The mean word confidence; null without words.</summary>
    public double? MeanConfidence
    {
        get
        {
            var words = Words.ToArray();
            return words.Length == 0 ? null : Math.Round(words.Average(w => w.Confidence), 2);
        }
    }

    /// <summary>Parses <paramref name="hocr"/>; throws <see cref="FormatException"/> when it is not well-formed.</summary>
    public static Hocr Parse(string hocr)
    {
        ArgumentNullException.ThrowIfNull(hocr);
        int width = 0, height = 0;
        var lines = new List<HocrLine>();
        List<HocrWord>? line = null;
        HocrBox lineBox = default;
        var lineDepth = -1;
        try
        {
            using var reader = XmlReader.Create(new StringReader(hocr), s_settings);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.Depth == lineDepth && line is not null)
                {
                    if (line.Count > 0) lines.Add(new HocrLine(lineBox, line));
                    line = null;
                    lineDepth = -1;
                    continue;
                }
                if (reader.NodeType != XmlNodeType.Element) continue;
                var cls = reader.GetAttribute("class");
                var title = reader.GetAttribute("title");
                if (cls is null || title is null) continue;
                if (cls == "ocr_page" && Box(title) is { } page)
                {
                    width = page.X + page.Width;
                    height = page.Y + page.Height;
                }
                else if (Array.IndexOf(s_lineClasses, cls) >= 0 && Box(title) is { } lb && !reader.IsEmptyElement)
                {
                    line = [];
                    lineBox = lb;
                    lineDepth = reader.Depth;
                }
                else if (cls == "ocrx_word" && Box(title) is { } wb)
                {
                    var conf = Confidence().Match(title) is { Success: true } c ? double.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
                    var text = reader.IsEmptyElement ? string.Empty : Normalize(reader.ReadInnerXmlText());
                    if (text.Length == 0) continue;
                    var word = new HocrWord(text, wb, conf);
                    if (line is not null) line.Add(word);
                    else lines.Add(new HocrLine(wb, [word]));
                }
            }
        }
        catch (XmlException ex)
        {
            throw new FormatException($"The hOCR is not well-formed XHTML: {ex.Message}", ex);
        }
        return new Hocr(width, height, lines);
    }

    /// <summary>The hOCR without the temporary image path Tesseract writes into the page title.</summary>
    internal static string WithoutImagePath(string hocr) => ImageTitle().Replace(hocr, string.Empty);

    private static HocrBox? Box(string title)
    {
        var m = BoundingBox().Match(title);
        if (!m.Success) return null;
        int V(int g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        var (x0, y0, x1, y1) = (V(1), V(2), V(3), V(4));
        return x1 < x0 || y1 < y0 ? null : new HocrBox(x0, y0, x1 - x0, y1 - y0);
    }

    private static string Normalize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s) sb.Append(char.IsWhiteSpace(ch) ? ' ' : ch);
        return sb.ToString().Trim();
    }

    [GeneratedRegex(@"\bbbox\s+(\d{1,7})\s+(\d{1,7})\s+(\d{1,7})\s+(\d{1,7})", RegexOptions.CultureInvariant)]
    private static partial Regex BoundingBox();

    [GeneratedRegex(@"\bx_wconf\s+(\d{1,3}(?:\.\d+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex Confidence();

    [GeneratedRegex(@"image\s+""[^""]*"";\s*", RegexOptions.CultureInvariant)]
    private static partial Regex ImageTitle();
}

internal static class XmlReaderText
{
    /// <summary>The text content of the current element (nested inline elements such as <c>strong</c> included).</summary>
    public static string ReadInnerXmlText(this XmlReader reader)
    {
        var depth = reader.Depth;
        var sb = new StringBuilder();
        while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace) sb.Append(reader.Value);
        }
        return sb.ToString();
    }
}
