namespace MuseumSync.HelpCompiler;

/// <summary>The help of one cmdlet, as read from its markdown file.</summary>
public sealed class CommandHelp
{
    public required string Name { get; init; }

    public required string SourceFile { get; init; }

    public required string Synopsis { get; init; }

    public required IReadOnlyList<TextBlock> Description { get; init; }

    /// <summary>The parameter sets in the order of the SYNTAX section.</summary>
    public required IReadOnlyList<SyntaxSet> Syntax { get; init; }

    public required IReadOnlyList<ExampleHelp> Examples { get; init; }

    /// <summary>The parameters in the order of the PARAMETERS section (CommonParameters not included).</summary>
    public required IReadOnlyList<ParameterHelp> Parameters { get; init; }

    public required IReadOnlyList<TypeHelp> Inputs { get; init; }

    public required IReadOnlyList<TypeHelp> Outputs { get; init; }

    public required IReadOnlyList<TextBlock> Notes { get; init; }

    public required IReadOnlyList<RelatedLink> RelatedLinks { get; init; }

    public string Verb => Name.Contains('-', StringComparison.Ordinal) ? Name[..Name.IndexOf('-', StringComparison.Ordinal)] : Name;

    public string Noun => Name.Contains('-', StringComparison.Ordinal) ? Name[(Name.IndexOf('-', StringComparison.Ordinal) + 1)..] : string.Empty;
}

/// <summary>One parameter set of the SYNTAX section: its name and its parameters in the order the syntax line gives them.</summary>
public sealed record SyntaxSet(string Name, bool IsDefault, IReadOnlyList<string> ParameterOrder, bool HasCommonParameters, int Line);

/// <summary>One parameter: its description and one or more yaml blocks (one per group of parameter sets that bind it alike).</summary>
public sealed class ParameterHelp
{
    public required string Name { get; init; }

    public required int Line { get; init; }

    public required IReadOnlyList<TextBlock> Description { get; init; }

    public required IReadOnlyList<ParameterBinding> Bindings { get; init; }

    public string Type => Bindings[0].Type;

    public bool IsSwitch => string.Equals(Type, "SwitchParameter", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Type, "System.Management.Automation.SwitchParameter", StringComparison.OrdinalIgnoreCase);

    /// <summary>The binding that applies in a parameter set, or null when the parameter is not in it.</summary>
    public ParameterBinding? In(string parameterSet) =>
        Bindings.FirstOrDefault(b => b.ParameterSets.Contains(parameterSet, StringComparer.OrdinalIgnoreCase))
        ?? Bindings.FirstOrDefault(b => b.AllSets);
}

/// <summary>One yaml block of a parameter.</summary>
public sealed class ParameterBinding
{
    public required string Type { get; init; }

    /// <summary>Empty when <see cref="AllSets"/>.</summary>
    public required IReadOnlyList<string> ParameterSets { get; init; }

    public required bool AllSets { get; init; }

    public required IReadOnlyList<string> Aliases { get; init; }

    public required IReadOnlyList<string> AcceptedValues { get; init; }

    public required bool Required { get; init; }

    /// <summary>"named" or a 0-based position.</summary>
    public required string Position { get; init; }

    public required string DefaultValue { get; init; }

    /// <summary>"False", "True (ByValue)", "True (ByPropertyName)" or "True (ByPropertyName, ByValue)".</summary>
    public required string PipelineInput { get; init; }

    public required bool Globbing { get; init; }

    public required int Line { get; init; }
}

public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<TextBlock> Remarks, int Line);

public sealed record TypeHelp(string TypeName, IReadOnlyList<TextBlock> Description);

public sealed record RelatedLink(string Text, string Uri);

/// <summary>A block of text: a paragraph, a list item, a code block or a table (kept verbatim).</summary>
public sealed record TextBlock(TextBlockKind Kind, string Text, int Line);

public enum TextBlockKind
{
    Paragraph,
    ListItem,
    Code,
    Table,
    Heading,
}
