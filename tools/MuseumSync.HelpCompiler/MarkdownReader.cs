using System.Text;
using System.Text.RegularExpressions;

namespace MuseumSync.HelpCompiler;

/// <summary>One line of a markdown file with its 1-based number.</summary>
public readonly record struct SourceLine(int Number, string Text);

/// <summary>A heading and the lines under it, up to the next heading of the same level.</summary>
public sealed record MarkdownSection(string Title, int Line, IReadOnlyList<SourceLine> Body);

/// <summary>
/// The small part of markdown the help layout uses: front matter, headings, paragraphs, list items, fenced code blocks
/// and tables. Everything is located by line so that a malformed document names the line.
/// </summary>
public static partial class MarkdownReader
{
    /// <summary>Splits a file into lines (any line ending), numbered from 1.</summary>
    public static IReadOnlyList<SourceLine> Lines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var result = new List<SourceLine>(lines.Length);
        for (var i = 0; i < lines.Length; i++) result.Add(new SourceLine(i + 1, lines[i].TrimEnd()));
        if (result.Count > 0 && result[^1].Text.Length == 0) result.RemoveAt(result.Count - 1);
        return result;
    }

    /// <summary>Reads the YAML front matter (--- … ---) when there is one; returns the lines after it.</summary>
    public static IReadOnlyList<SourceLine> FrontMatter(string file, IReadOnlyList<SourceLine> lines, out Dictionary<string, string>? frontMatter)
    {
        frontMatter = null;
        if (lines.Count == 0 || lines[0].Text != "---") return lines;
        frontMatter = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Text == "---") return lines.Skip(i + 1).ToList();
            if (line.Text.Length == 0) continue;
            var colon = line.Text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw new HelpFormatException(file, line.Number, $"The front matter line '{line.Text}' is not 'key: value'.");
            frontMatter[line.Text[..colon].Trim()] = line.Text[(colon + 1)..].Trim();
        }
        throw new HelpFormatException(file, lines[0].Number, "The front matter that starts here is never closed with a '---' line.");
    }

    /// <summary>
    /// Splits lines at headings of exactly <paramref name="level"/> '#' characters (outside code fences). Lines before
    /// the first heading come back as <paramref name="preamble"/>.
    /// </summary>
    public static List<MarkdownSection> Sections(string file, IReadOnlyList<SourceLine> lines, int level, out List<SourceLine> preamble)
    {
        var prefix = new string('#', level) + " ";
        var sections = new List<MarkdownSection>();
        preamble = new List<SourceLine>();
        string? title = null;
        var titleLine = 0;
        var body = new List<SourceLine>();
        var fence = 0;
        foreach (var line in lines)
        {
            if (IsFence(line.Text))
            {
                // A closing fence has no info string: "```yaml" inside a block means the block above was never closed.
                if (fence != 0 && line.Text.Trim().Length > 3) throw new HelpFormatException(file, fence, "This code fence (```) is never closed.");
                fence = fence == 0 ? line.Number : 0;
            }
            if (fence == 0 && line.Text.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (title is not null) sections.Add(new MarkdownSection(title, titleLine, body));
                else preamble = body;
                title = line.Text[prefix.Length..].Trim();
                titleLine = line.Number;
                body = new List<SourceLine>();
                if (title.Length == 0) throw new HelpFormatException(file, line.Number, "A heading without text.");
                continue;
            }
            body.Add(line);
        }
        if (fence != 0) throw new HelpFormatException(file, fence, "This code fence (```) is never closed.");
        if (title is not null) sections.Add(new MarkdownSection(title, titleLine, body));
        else preamble = body;
        return sections;
    }

    /// <summary>True for a line that opens or closes a fenced code block.</summary>
    public static bool IsFence(string line) => line.TrimStart().StartsWith("```", StringComparison.Ordinal);

    /// <summary>Reads paragraphs, list items, fenced code blocks and tables. A heading is an error unless <paramref name="allowHeadings"/>.</summary>
    public static List<TextBlock> Blocks(string file, IReadOnlyList<SourceLine> lines, bool allowHeadings = false)
    {
        var blocks = new List<TextBlock>();
        var paragraph = new StringBuilder();
        var paragraphLine = 0;
        var paragraphKind = TextBlockKind.Paragraph;
        void EndParagraph()
        {
            if (paragraph.Length > 0) blocks.Add(new TextBlock(paragraphKind, Inline(paragraph.ToString()), paragraphLine));
            paragraph.Clear();
            paragraphKind = TextBlockKind.Paragraph;
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var text = line.Text;
            if (text.Trim().Length == 0)
            {
                EndParagraph();
                continue;
            }
            if (IsFence(text))
            {
                EndParagraph();
                var indent = text.Length - text.TrimStart().Length;
                var code = new List<string>();
                var start = line.Number;
                var closed = false;
                for (i++; i < lines.Count; i++)
                {
                    if (IsFence(lines[i].Text))
                    {
                        if (lines[i].Text.Trim().Length > 3) break;
                        closed = true;
                        break;
                    }
                    var l = lines[i].Text;
                    code.Add(l.Length >= indent && l[..indent].Trim().Length == 0 ? l[indent..] : l.TrimStart());
                }
                if (!closed) throw new HelpFormatException(file, start, "This code fence (```) is never closed.");
                blocks.Add(new TextBlock(TextBlockKind.Code, string.Join('\n', code), start));
                continue;
            }
            if (text.StartsWith('#'))
            {
                if (!allowHeadings) throw new HelpFormatException(file, line.Number, $"Unexpected heading '{text}' here.");
                EndParagraph();
                blocks.Add(new TextBlock(TextBlockKind.Heading, text.TrimStart('#').Trim(), line.Number));
                continue;
            }
            if (text.TrimStart().StartsWith('|'))
            {
                EndParagraph();
                var rows = new List<string>();
                var start = line.Number;
                for (; i < lines.Count && lines[i].Text.TrimStart().StartsWith('|'); i++) rows.Add(lines[i].Text.Trim());
                i--;
                blocks.Add(new TextBlock(TextBlockKind.Table, string.Join('\n', rows), start));
                continue;
            }
            var item = ListItemPattern().Match(text);
            if (item.Success)
            {
                EndParagraph();
                paragraphKind = TextBlockKind.ListItem;
                paragraphLine = line.Number;
                paragraph.Append(item.Groups["marker"].Value).Append(' ').Append(text[item.Length..].Trim());
                continue;
            }
            if (paragraph.Length == 0) paragraphLine = line.Number;
            else paragraph.Append(' ');
            paragraph.Append(text.Trim());
        }
        EndParagraph();
        return blocks;
    }

    /// <summary>Plain text of inline markdown: links become their text, emphasis markers go; code spans keep their backticks.</summary>
    public static string Inline(string text)
    {
        text = LinkPattern().Replace(text, "${text}");
        text = StrongPattern().Replace(text, "${text}");
        return text.Replace("\\*", "*", StringComparison.Ordinal).Replace("\\_", "_", StringComparison.Ordinal).Replace("\\<", "<", StringComparison.Ordinal).Replace("\\>", ">", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s*(?<marker>[-*+]|\d+\.)\s+")]
    private static partial Regex ListItemPattern();

    [GeneratedRegex(@"(?<!!)\[(?<text>[^\]]+)\]\((?<uri>[^)\s]*)\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"\*\*(?<text>[^*]+)\*\*")]
    private static partial Regex StrongPattern();
}
