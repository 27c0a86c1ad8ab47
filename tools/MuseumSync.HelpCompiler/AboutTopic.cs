using System.Text;
using System.Text.RegularExpressions;

namespace MuseumSync.HelpCompiler;

/// <summary>
/// A conceptual help topic (about_Name.md): '# about_Name', then '## SHORT DESCRIPTION' and '## LONG DESCRIPTION' (and
/// any further '## ' sections), with '###' sub-headings, paragraphs, lists, code blocks and tables inside. Compiled to the
/// about_Name.help.txt that Get-Help about_Name shows.
/// </summary>
public sealed partial class AboutTopic
{
    private const int Width = 80;

    private AboutTopic(string name, IReadOnlyList<(string Title, List<TextBlock> Blocks)> sections)
    {
        Name = name;
        Sections = sections;
    }

    public string Name { get; }

    public IReadOnlyList<(string Title, List<TextBlock> Blocks)> Sections { get; }

    public static AboutTopic Parse(string file, string markdown)
    {
        var lines = MarkdownReader.Lines(markdown);
        var body = MarkdownReader.FrontMatter(file, lines, out _);
        var titles = MarkdownReader.Sections(file, body, 1, out var before);
        if (before.FirstOrDefault(l => l.Text.Length > 0) is { Number: > 0 } stray) throw new HelpFormatException(file, stray.Number, "Text before the '# about_Name' title.");
        if (titles.Count != 1) throw new HelpFormatException(file, titles.Count == 0 ? 1 : titles[1].Line, titles.Count == 0 ? "The topic has no '# about_Name' title." : "A topic has one '# about_Name' title.");
        var name = titles[0].Title;
        var expected = Path.GetFileNameWithoutExtension(file);
        if (!string.Equals(name, expected, StringComparison.Ordinal)) throw new HelpFormatException(file, titles[0].Line, $"The title '# {name}' does not match the file name (expected '# {expected}').");
        if (!AboutNamePattern().IsMatch(name)) throw new HelpFormatException(file, titles[0].Line, $"'{name}' is not an about topic name (about_Something).");
        var sections = MarkdownReader.Sections(file, titles[0].Body, 2, out var loose);
        if (loose.FirstOrDefault(l => l.Text.Length > 0) is { Number: > 0 } l0) throw new HelpFormatException(file, l0.Number, "Text between the title and '## SHORT DESCRIPTION'.");
        if (sections.Count < 2 || sections[0].Title != "SHORT DESCRIPTION" || sections[1].Title != "LONG DESCRIPTION")
        {
            throw new HelpFormatException(file, sections.Count > 0 ? sections[0].Line : titles[0].Line, "An about topic starts with '## SHORT DESCRIPTION', then '## LONG DESCRIPTION'.");
        }
        var parsed = new List<(string, List<TextBlock>)>();
        foreach (var section in sections)
        {
            if (!string.Equals(section.Title, section.Title.ToUpperInvariant(), StringComparison.Ordinal)) throw new HelpFormatException(file, section.Line, $"Write section headings in capitals: '## {section.Title.ToUpperInvariant()}'.");
            var blocks = MarkdownReader.Blocks(file, section.Body, allowHeadings: true);
            if (blocks.Count == 0) throw new HelpFormatException(file, section.Line, $"The section '## {section.Title}' is empty.");
            parsed.Add((section.Title, blocks));
        }
        if (parsed[0].Item2.Count != 1 || parsed[0].Item2[0].Kind != TextBlockKind.Paragraph) throw new HelpFormatException(file, sections[0].Line, "The short description is one paragraph.");
        return new AboutTopic(name, parsed);
    }

    /// <summary>The help.txt text: headings at the margin, text indented four spaces and wrapped at 80 columns, LF line ends.</summary>
    public string ToHelpText()
    {
        var sb = new StringBuilder();
        sb.Append("TOPIC\n    ").Append(Name).Append('\n');
        foreach (var (title, blocks) in Sections)
        {
            sb.Append('\n').Append(title).Append('\n');
            var first = true;
            foreach (var block in blocks)
            {
                if (!first) sb.Append('\n');
                first = false;
                switch (block.Kind)
                {
                    case TextBlockKind.Heading:
                        sb.Append("  ").Append(block.Text).Append('\n').Append("  ").Append(new string('-', block.Text.Length)).Append('\n');
                        break;
                    case TextBlockKind.Code:
                        foreach (var line in block.Text.Split('\n')) sb.Append(line.Length == 0 ? string.Empty : "        " + line).Append('\n');
                        break;
                    case TextBlockKind.Table:
                        foreach (var line in block.Text.Split('\n')) sb.Append("    ").Append(line).Append('\n');
                        break;
                    case TextBlockKind.ListItem:
                        Wrap(sb, block.Text, "    ", "      ");
                        break;
                    default:
                        Wrap(sb, block.Text, "    ", "    ");
                        break;
                }
            }
        }
        return sb.ToString();
    }

    private static void Wrap(StringBuilder sb, string text, string firstIndent, string indent)
    {
        var line = new StringBuilder(firstIndent);
        var empty = true;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                sb.Append(line).Append('\n');
                line.Clear().Append(indent);
                empty = true;
            }
            if (!empty) line.Append(' ');
            line.Append(word);
            empty = false;
        }
        sb.Append(line).Append('\n');
    }

    [GeneratedRegex(@"^about_[A-Za-z0-9_.]+$")]
    private static partial Regex AboutNamePattern();
}
