using System.Text;

namespace MuseumSync.HelpCompiler;

/// <summary>Compiles a docs folder: every Verb-Noun.md into one MAML file, every about_*.md into its help.txt.</summary>
public static class HelpCompilation
{
    /// <summary>The result of a run: the files written, and the problems (file, line, what) that stopped it.</summary>
    public sealed record Result(IReadOnlyList<string> Written, IReadOnlyList<HelpFormatException> Errors, int Commands, int Topics);

    /// <summary>
    /// Reads every .md file in <paramref name="docsDirectory"/> (README.md excepted) and, when all of them are well formed,
    /// writes <c>{outDirectory}/{HelpFileName}</c> and one <c>about_*.help.txt</c> per topic. Nothing is written when any
    /// document is malformed.
    /// </summary>
    public static Result Compile(string docsDirectory, string outDirectory, HelpCompilerOptions options)
    {
        var errors = new List<HelpFormatException>();
        var commands = new List<CommandHelp>();
        var topics = new List<AboutTopic>();
        if (!Directory.Exists(docsDirectory))
        {
            errors.Add(new HelpFormatException(docsDirectory, 0, "The docs folder does not exist."));
            return new Result([], errors, 0, 0);
        }
        var files = Directory.GetFiles(docsDirectory, "*.md", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (string.Equals(name, "README", StringComparison.OrdinalIgnoreCase)) continue;
            try
            {
                var text = File.ReadAllText(file, Encoding.UTF8);
                if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase)) topics.Add(AboutTopic.Parse(file, text));
                else commands.Add(CommandMarkdownParser.Parse(file, text, options));
            }
            catch (HelpFormatException ex)
            {
                errors.Add(ex);
            }
        }
        if (commands.Count == 0 && errors.Count == 0) errors.Add(new HelpFormatException(docsDirectory, 0, "The docs folder has no command documents (Verb-Noun.md)."));
        if (errors.Count > 0) return new Result([], errors, commands.Count, topics.Count);

        Directory.CreateDirectory(outDirectory);
        var written = new List<string>();
        var maml = Path.Combine(outDirectory, options.HelpFileName);
        MamlWriter.Save(MamlWriter.Write(commands.OrderBy(c => c.Name, StringComparer.Ordinal)), maml);
        written.Add(maml);
        foreach (var topic in topics)
        {
            var path = Path.Combine(outDirectory, topic.Name + ".help.txt");
            File.WriteAllText(path, topic.ToHelpText(), new UTF8Encoding(false));
            written.Add(path);
        }
        return new Result(written, errors, commands.Count, topics.Count);
    }
}
