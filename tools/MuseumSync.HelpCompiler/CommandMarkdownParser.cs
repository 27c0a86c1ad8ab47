using System.Globalization;
using System.Text.RegularExpressions;

namespace MuseumSync.HelpCompiler;

/// <summary>
/// Reads one cmdlet's help in the platyPS markdown layout (schema 2.0.0): front matter, <c># Name</c>, then the sections
/// SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES, RELATED LINKS in that order.
/// Everything that Get-Help needs is checked here, so that a malformed document fails the build with its file and line.
/// </summary>
public sealed partial class CommandMarkdownParser
{
    /// <summary>The sections of a command document, in their required order.</summary>
    public static readonly IReadOnlyList<string> SectionOrder =
        ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    private static readonly string[] YamlKeys =
        ["Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters"];

    private static readonly string[] RequiredYamlKeys =
        ["Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters"];

    private readonly string _file;
    private readonly HelpCompilerOptions _options;

    private CommandMarkdownParser(string file, HelpCompilerOptions options)
    {
        _file = file;
        _options = options;
    }

    /// <summary>Parses the markdown of one command; <paramref name="file"/> names it in errors and must be Name.md.</summary>
    public static CommandHelp Parse(string file, string markdown, HelpCompilerOptions options) =>
        new CommandMarkdownParser(file, options).Parse(markdown);

    private CommandHelp Parse(string markdown)
    {
        var lines = MarkdownReader.Lines(markdown);
        var body = MarkdownReader.FrontMatter(_file, lines, out var frontMatter);
        if (frontMatter is null) throw Error(1, "A command document starts with front matter: '---', 'external help file: " + _options.HelpFileName + "', 'Module Name: …', 'schema: 2.0.0', '---'.");
        if (!frontMatter.TryGetValue("external help file", out var helpFile) || !string.Equals(helpFile, _options.HelpFileName, StringComparison.OrdinalIgnoreCase))
        {
            throw Error(1, $"The front matter must say 'external help file: {_options.HelpFileName}' (the help file this command's help is compiled into); it says '{helpFile ?? "(nothing)"}'.");
        }
        if (_options.ModuleName is not null && (!frontMatter.TryGetValue("Module Name", out var module) || !string.Equals(module, _options.ModuleName, StringComparison.OrdinalIgnoreCase)))
        {
            throw Error(1, $"The front matter must say 'Module Name: {_options.ModuleName}'.");
        }

        var titles = MarkdownReader.Sections(_file, body, 1, out var beforeTitle);
        if (beforeTitle.FirstOrDefault(l => l.Text.Length > 0) is { Number: > 0 } stray) throw Error(stray.Number, "Text before the '# Name' title.");
        if (titles.Count != 1) throw Error(titles.Count == 0 ? (body.Count > 0 ? body[0].Number : 1) : titles[1].Line, titles.Count == 0 ? "The document has no '# Name' title." : "A command document has one '# Name' title.");
        var name = titles[0].Title;
        var expected = Path.GetFileNameWithoutExtension(_file);
        if (!string.Equals(name, expected, StringComparison.Ordinal)) throw Error(titles[0].Line, $"The title '# {name}' does not match the file name '{Path.GetFileName(_file)}' (expected '# {expected}').");
        if (!CommandNamePattern().IsMatch(name)) throw Error(titles[0].Line, $"'{name}' is not a Verb-Noun command name.");

        var sections = MarkdownReader.Sections(_file, titles[0].Body, 2, out var beforeSections);
        if (beforeSections.FirstOrDefault(l => l.Text.Length > 0) is { Number: > 0 } loose) throw Error(loose.Number, "Text between the title and '## SYNOPSIS'.");
        var byName = new Dictionary<string, MarkdownSection>(StringComparer.Ordinal);
        var last = -1;
        foreach (var section in sections)
        {
            var index = IndexOfSection(section.Title);
            if (index < 0) throw Error(section.Line, $"Unknown section '## {section.Title}'. The sections are, in order: {string.Join(", ", SectionOrder.Select(s => "## " + s))}.");
            if (byName.ContainsKey(SectionOrder[index])) throw Error(section.Line, $"The section '## {SectionOrder[index]}' appears twice.");
            if (index < last) throw Error(section.Line, $"The section '## {SectionOrder[index]}' is out of order; the order is {string.Join(", ", SectionOrder)}.");
            if (section.Title != SectionOrder[index]) throw Error(section.Line, $"Write the heading as '## {SectionOrder[index]}'.");
            last = index;
            byName[SectionOrder[index]] = section;
        }
        var endLine = lines.Count == 0 ? 1 : lines[^1].Number;
        foreach (var required in SectionOrder)
        {
            if (!byName.ContainsKey(required)) throw Error(endLine, $"The section '## {required}' is missing.");
        }

        var synopsisBlocks = MarkdownReader.Blocks(_file, byName["SYNOPSIS"].Body);
        if (synopsisBlocks.Count != 1 || synopsisBlocks[0].Kind != TextBlockKind.Paragraph)
        {
            throw Error(byName["SYNOPSIS"].Line, synopsisBlocks.Count == 0 ? "The synopsis is empty." : "The synopsis is one paragraph of plain text.");
        }
        var description = MarkdownReader.Blocks(_file, byName["DESCRIPTION"].Body);
        if (description.Count == 0) throw Error(byName["DESCRIPTION"].Line, "The description is empty.");

        var syntax = ParseSyntax(name, byName["SYNTAX"]);
        var examples = ParseExamples(byName["EXAMPLES"]);
        var parameters = ParseParameters(byName["PARAMETERS"], syntax);
        CheckSyntaxAgainstParameters(syntax, parameters);

        return new CommandHelp
        {
            Name = name,
            SourceFile = _file,
            Synopsis = synopsisBlocks[0].Text,
            Description = description,
            Syntax = syntax,
            Examples = examples,
            Parameters = parameters,
            Inputs = ParseTypes(byName["INPUTS"]),
            Outputs = ParseTypes(byName["OUTPUTS"]),
            Notes = MarkdownReader.Blocks(_file, byName["NOTES"].Body),
            RelatedLinks = ParseLinks(byName["RELATED LINKS"]),
        };
    }

    private static int IndexOfSection(string title)
    {
        for (var i = 0; i < SectionOrder.Count; i++)
        {
            if (string.Equals(SectionOrder[i], title, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    private List<SyntaxSet> ParseSyntax(string name, MarkdownSection section)
    {
        var sets = MarkdownReader.Sections(_file, section.Body, 3, out var preamble);
        if (preamble.FirstOrDefault(l => l.Text.Length > 0) is { Number: > 0 } loose) throw Error(loose.Number, "Under '## SYNTAX' every parameter set is a '### SetName' heading with one code block.");
        if (sets.Count == 0) throw Error(section.Line, "The syntax has no parameter set: write '### SetName (Default)' (or '### __AllParameterSets') and a code block with the syntax line.");
        var result = new List<SyntaxSet>();
        foreach (var set in sets)
        {
            var match = SyntaxHeadingPattern().Match(set.Title);
            if (!match.Success) throw Error(set.Line, $"'### {set.Title}' is not a parameter set heading ('### SetName' or '### SetName (Default)').");
            var setName = match.Groups["name"].Value;
            if (result.Any(r => string.Equals(r.Name, setName, StringComparison.OrdinalIgnoreCase))) throw Error(set.Line, $"The parameter set '{setName}' appears twice.");
            var blocks = MarkdownReader.Blocks(_file, set.Body);
            if (blocks.Count != 1 || blocks[0].Kind != TextBlockKind.Code) throw Error(set.Line, $"The parameter set '{setName}' needs exactly one code block with its syntax line (and nothing else).");
            var code = blocks[0].Text.Trim();
            if (!code.StartsWith(name + " ", StringComparison.Ordinal) && code != name) throw Error(blocks[0].Line, $"The syntax line of '{setName}' must start with '{name}'.");
            var order = SyntaxParameterPattern().Matches(code).Select(m => m.Groups["name"].Value).ToList();
            var duplicate = order.GroupBy(p => p, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw Error(blocks[0].Line, $"The syntax line of '{setName}' names -{duplicate.Key} twice.");
            result.Add(new SyntaxSet(setName, match.Groups["default"].Success, order, code.Contains("<CommonParameters>", StringComparison.Ordinal), blocks[0].Line + 1));
        }
        if (result.Count(s => s.IsDefault) > 1) throw Error(section.Line, "Only one parameter set can be '(Default)'.");
        return result;
    }

    private List<ExampleHelp> ParseExamples(MarkdownSection section)
    {
        var examples = MarkdownReader.Sections(_file, section.Body, 3, out var preamble);
        if (preamble.FirstOrDefault(l => l.Text.Length > 0) is { Number: > 0 } loose) throw Error(loose.Number, "Under '## EXAMPLES' every example is a '### Example N: title' heading.");
        if (examples.Count < _options.MinimumExamples) throw Error(section.Line, $"The command has {examples.Count} example(s); at least {_options.MinimumExamples} are required.");
        var result = new List<ExampleHelp>();
        foreach (var example in examples)
        {
            var match = ExampleHeadingPattern().Match(example.Title);
            if (!match.Success) throw Error(example.Line, $"'### {example.Title}' is not an example heading: write '### Example {result.Count + 1}: what it shows'.");
            var number = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            if (number != result.Count + 1) throw Error(example.Line, $"This is example {result.Count + 1}, but its heading says {number}.");
            var blocks = MarkdownReader.Blocks(_file, example.Body);
            if (blocks.Count == 0 || blocks[0].Kind != TextBlockKind.Code) throw Error(example.Line, $"Example {number} must start with a ```powershell code block.");
            if (blocks[0].Text.Trim().Length == 0) throw Error(blocks[0].Line, $"The code of example {number} is empty.");
            var fence = example.Body.First(l => MarkdownReader.IsFence(l.Text)).Text.Trim();
            if (!string.Equals(fence, "```powershell", StringComparison.OrdinalIgnoreCase)) throw Error(blocks[0].Line, $"The code of example {number} must be fenced as ```powershell (it is {fence}).");
            var remarks = blocks.Skip(1).ToList();
            if (remarks.Count == 0) throw Error(example.Line, $"Example {number} needs a sentence after its code that says what it does.");
            result.Add(new ExampleHelp(match.Groups["title"].Value.Trim(), blocks[0].Text.TrimEnd(), remarks, example.Line));
        }
        return result;
    }

    private List<ParameterHelp> ParseParameters(MarkdownSection section, IReadOnlyList<SyntaxSet> syntax)
    {
        var entries = MarkdownReader.Sections(_file, section.Body, 3, out var preamble);
        if (preamble.FirstOrDefault(l => l.Text.Length > 0) is { Number: > 0 } loose) throw Error(loose.Number, "Under '## PARAMETERS' every parameter is a '### -Name' heading.");
        var result = new List<ParameterHelp>();
        foreach (var entry in entries)
        {
            if (entry.Title == "CommonParameters") continue;
            if (!entry.Title.StartsWith('-') || !ParameterNamePattern().IsMatch(entry.Title[1..])) throw Error(entry.Line, $"'### {entry.Title}' is not a parameter heading: write '### -Name' (or '### CommonParameters').");
            var name = entry.Title[1..];
            if (result.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))) throw Error(entry.Line, $"The parameter -{name} is documented twice.");
            var blocks = MarkdownReader.Blocks(_file, entry.Body);
            var yaml = new List<ParameterBinding>();
            var description = new List<TextBlock>();
            for (var i = 0; i < blocks.Count; i++)
            {
                var block = blocks[i];
                var fence = entry.Body.First(l => l.Number == block.Line).Text.Trim();
                if (block.Kind == TextBlockKind.Code && string.Equals(fence, "```yaml", StringComparison.OrdinalIgnoreCase))
                {
                    yaml.Add(ParseYaml(name, block, syntax));
                }
                else if (yaml.Count > 0)
                {
                    throw Error(block.Line, $"The description of -{name} goes before its ```yaml block.");
                }
                else
                {
                    description.Add(block);
                }
            }
            if (description.Count == 0) throw Error(entry.Line, $"The parameter -{name} has no description.");
            if (yaml.Count == 0) throw Error(entry.Line, $"The parameter -{name} has no ```yaml block (Type, Parameter Sets, Aliases, Required, Position, Default value, Accept pipeline input, Accept wildcard characters).");
            if (yaml.Select(y => y.Type).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1) throw Error(yaml[1].Line, $"The yaml blocks of -{name} give different types.");
            var sets = yaml.SelectMany(y => y.AllSets ? syntax.Select(s => s.Name) : y.ParameterSets).ToList();
            var twice = sets.GroupBy(s => s, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null) throw Error(yaml[^1].Line, $"The parameter set '{twice.Key}' of -{name} is in more than one yaml block.");
            result.Add(new ParameterHelp { Name = name, Line = entry.Line, Description = description, Bindings = yaml });
        }
        return result;
    }

    private ParameterBinding ParseYaml(string parameter, TextBlock block, IReadOnlyList<SyntaxSet> syntax)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = block.Line;
        foreach (var raw in block.Text.Split('\n'))
        {
            lineNumber++;
            if (raw.Trim().Length == 0) continue;
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw Error(lineNumber, $"'{raw.Trim()}' in the yaml of -{parameter} is not 'Key: value'.");
            var key = raw[..colon].Trim();
            if (!YamlKeys.Contains(key, StringComparer.Ordinal)) throw Error(lineNumber, $"Unknown key '{key}' in the yaml of -{parameter}. The keys are: {string.Join(", ", YamlKeys)}.");
            if (values.ContainsKey(key)) throw Error(lineNumber, $"The key '{key}' appears twice in the yaml of -{parameter}.");
            values[key] = raw[(colon + 1)..].Trim();
        }
        foreach (var key in RequiredYamlKeys)
        {
            if (!values.ContainsKey(key)) throw Error(block.Line, $"The yaml of -{parameter} has no '{key}:' line.");
        }
        int LineOf(string key)
        {
            var n = block.Line;
            foreach (var raw in block.Text.Split('\n'))
            {
                n++;
                if (raw.TrimStart().StartsWith(key + ":", StringComparison.Ordinal)) return n;
            }
            return block.Line;
        }
        var type = values["Type"];
        if (type.Length == 0) throw Error(LineOf("Type"), $"-{parameter} has no Type.");

        var setsText = values["Parameter Sets"];
        var all = setsText is "(All)" or "__AllParameterSets";
        var sets = all ? new List<string>() : Split(setsText);
        if (!all && sets.Count == 0) throw Error(LineOf("Parameter Sets"), $"-{parameter} names no parameter set: write '(All)' or the set names from '## SYNTAX'.");
        foreach (var set in sets)
        {
            if (!syntax.Any(s => string.Equals(s.Name, set, StringComparison.OrdinalIgnoreCase)))
            {
                throw Error(LineOf("Parameter Sets"), $"-{parameter} names the parameter set '{set}', which '## SYNTAX' does not have ({string.Join(", ", syntax.Select(s => s.Name))}).");
            }
        }

        var required = Bool(values["Required"], "Required", LineOf("Required"), parameter);
        var position = values["Position"];
        if (string.Equals(position, "Named", StringComparison.OrdinalIgnoreCase)) position = "named";
        else if (!int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out _)) throw Error(LineOf("Position"), $"The Position of -{parameter} is '{position}'; write Named or a number (0 for the first).");

        var pipeline = values["Accept pipeline input"];
        var pipelineMatch = PipelinePattern().Match(pipeline);
        if (!pipelineMatch.Success) throw Error(LineOf("Accept pipeline input"), $"'Accept pipeline input: {pipeline}' of -{parameter} is not False, True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName).");
        var byValue = pipeline.Contains("ByValue", StringComparison.OrdinalIgnoreCase);
        var byName = pipeline.Contains("ByPropertyName", StringComparison.OrdinalIgnoreCase);
        var pipelineInput = !byValue && !byName ? "False" : byValue && byName ? "True (ByPropertyName, ByValue)" : byValue ? "True (ByValue)" : "True (ByPropertyName)";

        var defaultValue = values["Default value"];
        return new ParameterBinding
        {
            Type = type,
            ParameterSets = sets,
            AllSets = all,
            Aliases = string.Equals(values["Aliases"], "None", StringComparison.OrdinalIgnoreCase) ? [] : Split(values["Aliases"]),
            AcceptedValues = values.TryGetValue("Accepted values", out var accepted) ? Split(accepted) : [],
            Required = required,
            Position = position,
            DefaultValue = defaultValue.Length == 0 ? "None" : defaultValue,
            PipelineInput = pipelineInput,
            Globbing = Bool(values["Accept wildcard characters"], "Accept wildcard characters", LineOf("Accept wildcard characters"), parameter),
            Line = block.Line,
        };
    }

    private void CheckSyntaxAgainstParameters(IReadOnlyList<SyntaxSet> syntax, IReadOnlyList<ParameterHelp> parameters)
    {
        foreach (var set in syntax)
        {
            foreach (var name in set.ParameterOrder)
            {
                var parameter = parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                if (parameter is null) throw Error(set.Line, $"The syntax of '{set.Name}' names -{name}, which '## PARAMETERS' does not document.");
                if (parameter.In(set.Name) is null) throw Error(set.Line, $"The syntax of '{set.Name}' names -{name}, but the yaml of -{name} does not put it in '{set.Name}'.");
            }
        }
        foreach (var parameter in parameters)
        {
            foreach (var set in syntax)
            {
                if (parameter.In(set.Name) is not null && !set.ParameterOrder.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase))
                {
                    throw Error(parameter.Line, $"-{parameter.Name} is in the parameter set '{set.Name}' (its yaml says so), but the syntax line of '{set.Name}' does not name it.");
                }
            }
            if (!syntax.Any(s => parameter.In(s.Name) is not null)) throw Error(parameter.Line, $"-{parameter.Name} is in no parameter set of '## SYNTAX'.");
        }
    }

    private List<TypeHelp> ParseTypes(MarkdownSection section)
    {
        var types = MarkdownReader.Sections(_file, section.Body, 3, out var preamble);
        if (preamble.FirstOrDefault(l => l.Text.Length > 0) is { Number: > 0 } loose) throw Error(loose.Number, $"Under '## {section.Title}' every type is a '### TypeName' heading (or '### None').");
        if (types.Count == 0) throw Error(section.Line, $"'## {section.Title}' names no type: write '### TypeName' and a sentence, or '### None'.");
        return types.Select(t => new TypeHelp(t.Title, MarkdownReader.Blocks(_file, t.Body))).ToList();
    }

    private List<RelatedLink> ParseLinks(MarkdownSection section)
    {
        var links = new List<RelatedLink>();
        foreach (var line in section.Body)
        {
            var text = line.Text.Trim();
            if (text.Length == 0) continue;
            var match = RelatedLinkPattern().Match(text);
            if (!match.Success) throw Error(line.Number, $"'{text}' is not a related link: write one '[Text](uri)' per line.");
            var uri = match.Groups["uri"].Value;
            links.Add(new RelatedLink(match.Groups["text"].Value, uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? uri : string.Empty));
        }
        return links;
    }

    private bool Bool(string value, string key, int line, string parameter) => value switch
    {
        _ when string.Equals(value, "True", StringComparison.OrdinalIgnoreCase) => true,
        _ when string.Equals(value, "False", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw Error(line, $"'{key}: {value}' of -{parameter} is not True or False."),
    };

    private static List<string> Split(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private HelpFormatException Error(int line, string problem) => new(_file, line, problem);

    [GeneratedRegex(@"^[A-Za-z]+-[A-Za-z0-9]+$")]
    private static partial Regex CommandNamePattern();

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<default>\s+\(Default\))?$")]
    private static partial Regex SyntaxHeadingPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9])-(?<name>[A-Za-z][A-Za-z0-9]*)")]
    private static partial Regex SyntaxParameterPattern();

    [GeneratedRegex(@"^Example (?<n>\d+):\s*(?<title>\S.*)$")]
    private static partial Regex ExampleHeadingPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex ParameterNamePattern();

    [GeneratedRegex(@"^(False|True\s*\((ByValue|ByPropertyName)(\s*,\s*(ByValue|ByPropertyName))?\))$", RegexOptions.IgnoreCase)]
    private static partial Regex PipelinePattern();

    [GeneratedRegex(@"^\[(?<text>[^\]]+)\]\((?<uri>[^)\s]*)\)$")]
    private static partial Regex RelatedLinkPattern();
}
