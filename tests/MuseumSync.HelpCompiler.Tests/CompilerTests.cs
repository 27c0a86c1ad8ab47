using System.Xml;
using System.Xml.Linq;

namespace MuseumSync.HelpCompiler.Tests;

public sealed class CompilerTests : IDisposable
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "museumsync-helpcompiler-tests", Guid.NewGuid().ToString("N"));

    public CompilerTests() => Directory.CreateDirectory(Path.Combine(_dir, "docs"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A well-formed document with two parameter sets, a switch, a ValidateSet and two examples.</summary>
    internal const string ValidDoc = """
        ---
        external help file: MuseumSync.dll-Help.xml
        Module Name: MuseumSync
        online version:
        schema: 2.0.0
        ---

        # Get-Thing

        ## SYNOPSIS
        Gets things from a store.

        ## SYNTAX

        ### ByName (Default)
        ```
        Get-Thing [-Name] <String[]> [-Kind <String>] [-Force] [<CommonParameters>]
        ```

        ### ById
        ```
        Get-Thing -Id <Int32> [-Force] [<CommonParameters>]
        ```

        ## DESCRIPTION
        Reads things. It
        never writes.

        - a list item
        - another one

        ## EXAMPLES

        ### Example 1: Get one thing by name
        ```powershell
        Get-Thing -Name a
        ```

        Gets the thing called a.

        ### Example 2: Get one thing by id
        ```powershell
        Get-Thing -Id 7 |
            ForEach-Object { $_.Name }
        ```

        Gets thing 7 and writes its name.

        ## PARAMETERS

        ### -Name
        The names of the things; wildcards allowed.

        ```yaml
        Type: String[]
        Parameter Sets: ByName
        Aliases: N, ThingName

        Required: True
        Position: 0
        Default value: None
        Accept pipeline input: True (ByValue, ByPropertyName)
        Accept wildcard characters: True
        ```

        ### -Kind
        The kind of thing.

        ```yaml
        Type: String
        Parameter Sets: ByName
        Aliases:
        Accepted values: Small, Large

        Required: False
        Position: Named
        Default value: Small
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Id
        The id of the thing.

        ```yaml
        Type: Int32
        Parameter Sets: ById
        Aliases:

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: True (ByPropertyName)
        Accept wildcard characters: False
        ```

        ### -Force
        Also gets hidden things.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases:

        Required: False
        Position: Named
        Default value: False
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String[]
        Names, by value or by property name.

        ## OUTPUTS

        ### Example.Thing
        One object per thing.

        ## NOTES
        Things are cached.

        ## RELATED LINKS

        [Set-Thing](Set-Thing.md)
        [Online](https://example.org/things)
        """;

    private static CommandHelp Parse(string markdown, string file = "Get-Thing.md") =>
        CommandMarkdownParser.Parse(file, markdown, new HelpCompilerOptions());

    private static HelpFormatException ParseFails(string markdown, string file = "Get-Thing.md") =>
        Assert.Throws<HelpFormatException>(() => Parse(markdown, file));

    private static int LineOf(string markdown, string text)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' is not in the document.");
        return index + 1;
    }

    [Fact]
    public void Parse_ValidDocument_ReadsEverySection()
    {
        var help = Parse(ValidDoc);

        Assert.Equal("Get-Thing", help.Name);
        Assert.Equal("Gets things from a store.", help.Synopsis);
        Assert.Equal("Reads things. It never writes.", help.Description[0].Text);
        Assert.Equal(TextBlockKind.ListItem, help.Description[1].Kind);
        Assert.Equal(["ByName", "ById"], help.Syntax.Select(s => s.Name));
        Assert.True(help.Syntax[0].IsDefault);
        Assert.Equal(["Name", "Kind", "Force"], help.Syntax[0].ParameterOrder);
        Assert.Equal(2, help.Examples.Count);
        Assert.Equal("Get-Thing -Id 7 |\n    ForEach-Object { $_.Name }", help.Examples[1].Code);
        Assert.Equal(["Name", "Kind", "Id", "Force"], help.Parameters.Select(p => p.Name));
        var name = help.Parameters[0].Bindings[0];
        Assert.True(name.Required);
        Assert.Equal("0", name.Position);
        Assert.Equal("True (ByPropertyName, ByValue)", name.PipelineInput);
        Assert.Equal(["N", "ThingName"], name.Aliases);
        Assert.True(name.Globbing);
        Assert.Equal(["Small", "Large"], help.Parameters[1].Bindings[0].AcceptedValues);
        Assert.True(help.Parameters[3].IsSwitch);
        Assert.Equal("System.String[]", help.Inputs[0].TypeName);
        Assert.Equal("Example.Thing", help.Outputs[0].TypeName);
        Assert.Equal([new RelatedLink("Set-Thing", ""), new RelatedLink("Online", "https://example.org/things")], help.RelatedLinks);
    }

    [Fact]
    public void Write_ValidDocument_IsWellFormedMamlWithTheExpectedNamespaces()
    {
        File.WriteAllText(Path.Combine(_dir, "docs", "Get-Thing.md"), ValidDoc);
        var result = HelpCompilation.Compile(Path.Combine(_dir, "docs"), Path.Combine(_dir, "out"), new HelpCompilerOptions());
        Assert.Empty(result.Errors);
        var path = Path.Combine(_dir, "out", "MuseumSync.dll-Help.xml");
        Assert.Contains(path, result.Written);

        // Well-formed (a strict reader, no DTD) and in the namespaces Get-Help reads.
        using (var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit }))
        {
            while (reader.Read())
            {
            }
        }
        var doc = XDocument.Load(path);
        var root = doc.Root!;
        Assert.Equal(Msh + "helpItems", root.Name);
        Assert.Equal("maml", (string?)root.Attribute("schema"));
        var command = Assert.Single(root.Elements(Command + "command"));
        Assert.Equal("Get-Thing", (string?)command.Element(Command + "details")!.Element(Command + "name"));
        Assert.Equal("Get", (string?)command.Element(Command + "details")!.Element(Command + "verb"));
        Assert.Equal("Thing", (string?)command.Element(Command + "details")!.Element(Command + "noun"));
        Assert.Equal("Gets things from a store.", (string?)command.Element(Command + "details")!.Element(Maml + "description")!.Element(Maml + "para"));
        Assert.Equal(3, command.Element(Maml + "description")!.Elements(Maml + "para").Count());

        var syntax = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, syntax.Count);
        Assert.Equal(["Name", "Kind", "Force"], syntax[0].Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name")!));
        Assert.Equal(["Id", "Force"], syntax[1].Elements(Command + "parameter").Select(p => (string)p.Element(Maml + "name")!));
        var kindInSyntax = syntax[0].Elements(Command + "parameter").Single(p => (string)p.Element(Maml + "name")! == "Kind");
        Assert.Equal(["Small", "Large"], kindInSyntax.Element(Command + "parameterValueGroup")!.Elements(Command + "parameterValue").Select(v => v.Value));
        var forceInSyntax = syntax[0].Elements(Command + "parameter").Single(p => (string)p.Element(Maml + "name")! == "Force");
        Assert.Null(forceInSyntax.Element(Command + "parameterValue"));

        var parameters = command.Element(Command + "parameters")!.Elements(Command + "parameter").ToList();
        Assert.Equal(4, parameters.Count);
        var nameParameter = parameters[0];
        Assert.Equal("true", (string?)nameParameter.Attribute("required"));
        Assert.Equal("0", (string?)nameParameter.Attribute("position"));
        Assert.Equal("True (ByPropertyName, ByValue)", (string?)nameParameter.Attribute("pipelineInput"));
        Assert.Equal("true", (string?)nameParameter.Attribute("globbing"));
        Assert.Equal("N, ThingName", (string?)nameParameter.Attribute("aliases"));
        Assert.Equal("String[]", (string?)nameParameter.Element(Dev + "type")!.Element(Maml + "name"));
        Assert.Equal("None", (string?)nameParameter.Element(Dev + "defaultValue"));
        Assert.Equal("The names of the things; wildcards allowed.", (string?)nameParameter.Element(Maml + "description")!.Element(Maml + "para"));
        Assert.Equal("named", (string?)parameters[1].Attribute("position"));
        Assert.Equal("Small", (string?)parameters[1].Element(Dev + "defaultValue"));

        Assert.Equal("System.String[]", (string?)command.Element(Command + "inputTypes")!.Element(Command + "inputType")!.Element(Dev + "type")!.Element(Maml + "name"));
        Assert.Equal("Example.Thing", (string?)command.Element(Command + "returnValues")!.Element(Command + "returnValue")!.Element(Dev + "type")!.Element(Maml + "name"));
        Assert.Equal("Things are cached.", (string?)command.Element(Maml + "alertSet")!.Element(Maml + "alert")!.Element(Maml + "para"));

        var examples = command.Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.Equal(2, examples.Count);
        Assert.Contains("Example 1: Get one thing by name", (string?)examples[0].Element(Maml + "title"), StringComparison.Ordinal);
        Assert.Equal("Get-Thing -Name a", (string?)examples[0].Element(Dev + "code"));
        Assert.Equal("Gets the thing called a.", (string?)examples[0].Element(Dev + "remarks")!.Element(Maml + "para"));

        var links = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink").ToList();
        Assert.Equal(["Set-Thing", "Online"], links.Select(l => (string)l.Element(Maml + "linkText")!));
        Assert.Equal("https://example.org/things", (string?)links[1].Element(Maml + "uri"));
    }

    [Theory]
    [InlineData("## SYNOPSIS\nGets things from a store.\n", "", "## SYNTAX", "The section '## SYNOPSIS' is missing")]
    [InlineData("Required: True\nPosition: 0", "Required: Yes\nPosition: 0", "Required: Yes", "'Required: Yes' of -Name is not True or False")]
    [InlineData("Position: Named\nDefault value: Small", "Position: first\nDefault value: Small", "Position: first", "The Position of -Kind is 'first'")]
    [InlineData("Accept pipeline input: True (ByPropertyName)", "Accept pipeline input: Sometimes", "Accept pipeline input: Sometimes", "is not False, True (ByValue)")]
    [InlineData("Parameter Sets: ById", "Parameter Sets: ByKey", "Parameter Sets: ByKey", "names the parameter set 'ByKey', which '## SYNTAX' does not have")]
    [InlineData("### -Kind\nThe kind of thing.\n", "### -Kind\n", "### -Kind", "The parameter -Kind has no description")]
    [InlineData("### Example 2: Get one thing by id", "### Sample two", "### Sample two", "is not an example heading")]
    [InlineData("Aliases: N, ThingName\n", "Aliases: N, ThingName\nColour: blue\n", "Colour: blue", "Unknown key 'Colour'")]
    [InlineData("## NOTES", "## WARNINGS", "## WARNINGS", "Unknown section '## WARNINGS'")]
    [InlineData("[Online](https://example.org/things)", "see the web site", "see the web site", "is not a related link")]
    [InlineData("Get-Thing -Id <Int32> [-Force] [<CommonParameters>]", "Get-Thing -Id <Int32> [-Force] [-Verbosely] [<CommonParameters>]", "-Verbosely", "names -Verbosely, which '## PARAMETERS' does not document")]
    [InlineData("Get-Thing -Id <Int32> [-Force] [<CommonParameters>]", "Get-Thing -Id <Int32> [<CommonParameters>]", "### -Force", "-Force is in the parameter set 'ById' (its yaml says so), but the syntax line of 'ById' does not name it")]
    [InlineData("## OUTPUTS\n\n### Example.Thing\nOne object per thing.\n", "## OUTPUTS\n\n", "## OUTPUTS", "'## OUTPUTS' names no type")]
    public void Parse_MalformedDocument_FailsWithFileLineAndReason(string replace, string with, string lineText, string reason)
    {
        Assert.Contains(replace, ValidDoc, StringComparison.Ordinal);
        var broken = ValidDoc.Replace(replace, with, StringComparison.Ordinal);
        var error = ParseFails(broken, "docs/Get-Thing.md");
        Assert.Equal("docs/Get-Thing.md", error.File);
        Assert.Contains(reason, error.Problem, StringComparison.Ordinal);
        var expectedLine = lineText == "## SYNTAX" && reason.Contains("missing", StringComparison.Ordinal)
            ? broken.TrimEnd('\n').Split('\n').Length
            : LineOf(broken, lineText);
        // A yaml problem may be reported on its block's fence or on the key's own line; the key's line is what we want.
        Assert.Equal(expectedLine, error.Line);
        Assert.StartsWith($"docs/Get-Thing.md({error.Line}): ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedCodeFence_NamesTheLineThatOpensIt()
    {
        var broken = ValidDoc.Replace("Gets thing 7 and writes its name.", "Gets thing 7.\n\n```powershell\nGet-Thing -Id 8", StringComparison.Ordinal);
        var error = ParseFails(broken);
        Assert.Contains("never closed", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(broken, "Get-Thing -Id 8") - 1, error.Line);
    }

    [Fact]
    public void Parse_TooFewExamples_Fails()
    {
        var start = ValidDoc.IndexOf("### Example 2", StringComparison.Ordinal);
        var end = ValidDoc.IndexOf("## PARAMETERS", StringComparison.Ordinal);
        var broken = ValidDoc.Remove(start, end - start);
        var error = ParseFails(broken);
        Assert.Contains("1 example(s); at least 2 are required", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(broken, "## EXAMPLES"), error.Line);
    }

    [Fact]
    public void Parse_ExampleWithoutCode_Fails()
    {
        var broken = ValidDoc.Replace("```powershell\nGet-Thing -Name a\n```\n", string.Empty, StringComparison.Ordinal);
        var error = ParseFails(broken);
        Assert.Contains("Example 1 must start with a ```powershell code block", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(broken, "### Example 1"), error.Line);
    }

    [Fact]
    public void Parse_TitleThatDoesNotMatchTheFileName_Fails()
    {
        var error = ParseFails(ValidDoc, "docs/Get-Other.md");
        Assert.Contains("does not match the file name", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(ValidDoc, "# Get-Thing"), error.Line);
    }

    [Fact]
    public void Parse_WrongHelpFileInFrontMatter_Fails()
    {
        var error = ParseFails(ValidDoc.Replace("MuseumSync.dll-Help.xml", "Other.dll-Help.xml", StringComparison.Ordinal));
        Assert.Contains("external help file: MuseumSync.dll-Help.xml", error.Problem, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Compile_OneMalformedDocument_WritesNothingAndReportsIt()
    {
        File.WriteAllText(Path.Combine(_dir, "docs", "Get-Thing.md"), ValidDoc);
        File.WriteAllText(Path.Combine(_dir, "docs", "Set-Thing.md"), ValidDoc.Replace("# Get-Thing", "# Set-Thing", StringComparison.Ordinal).Replace("Required: True\nPosition: 0", "Required: maybe\nPosition: 0", StringComparison.Ordinal));
        var result = HelpCompilation.Compile(Path.Combine(_dir, "docs"), Path.Combine(_dir, "out"), new HelpCompilerOptions());
        var error = Assert.Single(result.Errors);
        Assert.EndsWith("Set-Thing.md", error.File, StringComparison.Ordinal);
        Assert.Empty(result.Written);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }

    [Fact]
    public void AboutTopic_IsRenderedAsHelpText()
    {
        const string about = """
            # about_Things

            ## SHORT DESCRIPTION
            What things are.

            ## LONG DESCRIPTION
            Things are stored in a table, and this paragraph is long enough that it has to be wrapped onto a second line of the help text.

            ### Tables

            - `things`: one row per thing.

            ```powershell
            Get-Thing -Name a
            ```

            ## SEE ALSO
            Get-Thing
            """;
        File.WriteAllText(Path.Combine(_dir, "docs", "Get-Thing.md"), ValidDoc);
        File.WriteAllText(Path.Combine(_dir, "docs", "about_Things.md"), about);
        var result = HelpCompilation.Compile(Path.Combine(_dir, "docs"), Path.Combine(_dir, "out"), new HelpCompilerOptions());
        Assert.Empty(result.Errors);
        var text = File.ReadAllText(Path.Combine(_dir, "out", "about_Things.help.txt"));
        Assert.StartsWith("TOPIC\n    about_Things\n\nSHORT DESCRIPTION\n    What things are.\n\nLONG DESCRIPTION\n    Things are stored", text, StringComparison.Ordinal);
        Assert.Contains("\n  Tables\n  ------\n", text, StringComparison.Ordinal);
        Assert.Contains("\n    - `things`: one row per thing.\n", text, StringComparison.Ordinal);
        Assert.Contains("\n        Get-Thing -Name a\n", text, StringComparison.Ordinal);
        Assert.Contains("\nSEE ALSO\n    Get-Thing\n", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n'), l => Assert.True(l.Length <= 80, $"Line longer than 80 columns: {l}"));
    }

    [Fact]
    public void AboutTopic_WithoutShortDescription_Fails()
    {
        var error = Assert.Throws<HelpFormatException>(() => AboutTopic.Parse("docs/about_Things.md", "# about_Things\n\n## LONG DESCRIPTION\nText.\n"));
        Assert.Equal(3, error.Line);
        Assert.Contains("SHORT DESCRIPTION", error.Problem, StringComparison.Ordinal);
    }
}
