using System.Management.Automation;
using System.Management.Automation.Language;

namespace MuseumSync.PowerShell.Tests;

/// <summary>One hosted session (the built module imported) shared by the help tests.</summary>
public sealed class HelpSessionFixture : IDisposable
{
    public HelpSessionFixture()
    {
        Session = PowerShellSession.Create();
        Commands = Session.Invoke("Get-Command -Module MuseumSync -CommandType Cmdlet").Select(o => (CmdletInfo)o.BaseObject).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    public PowerShellSession Session { get; }

    /// <summary>Every cmdlet the built module exports (not a hard-coded list: a new cmdlet is covered at once).</summary>
    public IReadOnlyList<CmdletInfo> Commands { get; }

    public void Dispose() => Session.Dispose();
}

/// <summary>
/// Get-Help in a hosted runspace finds the compiled help (out/MuseumSync/en-US/MuseumSync.dll-Help.xml, about_MuseumSync.help.txt)
/// for every exported cmdlet, complete: synopsis, description, every parameter, two or more examples, inputs and outputs.
/// Adding a cmdlet or a parameter without documenting it in docs/ fails here.
/// </summary>
public sealed class HelpTests : IClassFixture<HelpSessionFixture>
{
    private readonly HelpSessionFixture _fixture;

    public HelpTests(HelpSessionFixture fixture) => _fixture = fixture;

    private PSObject GetHelp(string name, string view)
    {
        var result = _fixture.Session.Invoke($"Get-Help -Name $args[0] {view}", name);
        return Assert.Single(result);
    }

    private static object? Prop(object? o, string name) => o is null ? null : PSObject.AsPSObject(o).Properties[name]?.Value;

    private static List<object> Items(object? o) => o switch
    {
        null => [],
        PSObject { BaseObject: object[] a } => [.. a],
        object[] a => [.. a],
        _ => [o],
    };

    /// <summary>The text of a MAML description (an array of objects with a Text property).</summary>
    private static string Text(object? description) =>
        string.Join("\n", Items(description).Select(d => Prop(d, "Text")?.ToString() ?? (d is string s ? s : string.Empty))).Trim();

    private static IEnumerable<string> DocumentableParameters(CmdletInfo command) =>
        command.Parameters.Keys.Where(p => !Cmdlet.CommonParameters.Contains(p)).Order(StringComparer.Ordinal);

    private static void AssertNoFailures(List<string> failures) =>
        Assert.True(failures.Count == 0, $"{failures.Count} help problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");

    [Fact]
    public void Module_ExportsCmdlets()
    {
        Assert.True(_fixture.Commands.Count >= 13, $"Only {_fixture.Commands.Count} cmdlets: {string.Join(", ", _fixture.Commands.Select(c => c.Name))}");
        Assert.All(_fixture.Commands, c => Assert.Equal("MuseumSync.dll-Help.xml", c.HelpFile is null ? null : Path.GetFileName(c.HelpFile)));
    }

    [Fact]
    public void GetHelpExamples_EveryCmdlet_HasAtLeastTwoExamplesWithCodeAndRemarks()
    {
        var failures = new List<string>();
        foreach (var command in _fixture.Commands)
        {
            var help = GetHelp(command.Name, "-Examples");
            var examples = Items(Prop(Prop(help, "examples"), "example"));
            if (examples.Count < 2) failures.Add($"{command.Name}: {examples.Count} example(s) from Get-Help -Examples.");
            foreach (var (example, i) in examples.Select((e, i) => (e, i + 1)))
            {
                if (string.IsNullOrWhiteSpace(Prop(example, "code")?.ToString())) failures.Add($"{command.Name}: example {i} has no code.");
                if (string.IsNullOrWhiteSpace(Prop(example, "title")?.ToString())) failures.Add($"{command.Name}: example {i} has no title.");
                if (Text(Prop(example, "remarks")).Length == 0) failures.Add($"{command.Name}: example {i} has no remarks.");
            }
        }
        AssertNoFailures(failures);
    }

    [Fact]
    public void GetHelpFull_EveryCmdlet_HasSynopsisDescriptionInputsAndOutputs()
    {
        var failures = new List<string>();
        foreach (var command in _fixture.Commands)
        {
            var help = GetHelp(command.Name, "-Full");
            if (!help.TypeNames.Contains("MamlCommandHelpInfo"))
            {
                failures.Add($"{command.Name}: Get-Help found no MAML help (type {string.Join(", ", help.TypeNames)}); is en-US/MuseumSync.dll-Help.xml in the module folder?");
                continue;
            }
            var synopsis = Prop(help, "Synopsis")?.ToString()?.Trim() ?? string.Empty;
            if (synopsis.Length < 10 || synopsis.StartsWith(command.Name, StringComparison.OrdinalIgnoreCase) || synopsis.Contains("[<CommonParameters>]", StringComparison.Ordinal))
            {
                failures.Add($"{command.Name}: the synopsis is missing or is the generated syntax: '{synopsis}'.");
            }
            if (Text(Prop(help, "description")).Length < 40) failures.Add($"{command.Name}: the description is missing or too short.");
            var inputs = Items(Prop(Prop(help, "inputTypes"), "inputType"));
            if (inputs.Count == 0 || inputs.Any(i => string.IsNullOrWhiteSpace(Prop(Prop(i, "type"), "name")?.ToString()))) failures.Add($"{command.Name}: no INPUTS.");
            var outputs = Items(Prop(Prop(help, "returnValues"), "returnValue"));
            if (outputs.Count == 0 || outputs.Any(o => string.IsNullOrWhiteSpace(Prop(Prop(o, "type"), "name")?.ToString()))) failures.Add($"{command.Name}: no OUTPUTS.");
            foreach (var declared in command.OutputType)
            {
                if (!outputs.Any(o => string.Equals(Prop(Prop(o, "type"), "name")?.ToString(), declared.Name, StringComparison.Ordinal)))
                {
                    failures.Add($"{command.Name}: the cmdlet declares [OutputType({declared.Name})], but OUTPUTS does not name it.");
                }
            }
        }
        AssertNoFailures(failures);
    }

    [Fact]
    public void GetHelpFull_EveryParameterOfEveryCmdlet_IsDocumentedAsItBinds()
    {
        var failures = new List<string>();
        foreach (var command in _fixture.Commands)
        {
            var help = GetHelp(command.Name, "-Full");
            var documented = Items(Prop(Prop(help, "parameters"), "parameter"))
                .GroupBy(p => Prop(p, "name")?.ToString() ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            var actual = DocumentableParameters(command).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var name in documented.Keys.Where(k => !actual.Contains(k) && !Cmdlet.CommonParameters.Contains(k)))
            {
                failures.Add($"{command.Name} -{name}: documented, but the cmdlet has no such parameter (docs/{command.Name}.md).");
            }
            foreach (var name in DocumentableParameters(command))
            {
                if (!documented.TryGetValue(name, out var doc))
                {
                    failures.Add($"{command.Name} -{name}: not documented (docs/{command.Name}.md, ## PARAMETERS).");
                    continue;
                }
                if (Text(Prop(doc, "description")).Length == 0) failures.Add($"{command.Name} -{name}: no description.");
                var real = command.Parameters[name];
                var sets = real.ParameterSets.Values.ToList();
                var type = Nullable.GetUnderlyingType(real.ParameterType) ?? real.ParameterType;
                var docType = Prop(Prop(doc, "type"), "name")?.ToString();
                if (!string.Equals(docType, type.Name, StringComparison.OrdinalIgnoreCase) && !string.Equals(docType, type.FullName, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{command.Name} -{name}: documented type '{docType}', the cmdlet's is '{type.Name}'.");
                }
                if (sets.All(s => s.IsMandatory == sets[0].IsMandatory) && !string.Equals(Prop(doc, "required")?.ToString(), sets[0].IsMandatory ? "true" : "false", StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{command.Name} -{name}: documented Required {Prop(doc, "required")}, the cmdlet's is {sets[0].IsMandatory}.");
                }
                if (sets.All(s => s.Position == sets[0].Position))
                {
                    var position = sets[0].Position < 0 ? "named" : sets[0].Position.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (!string.Equals(Prop(doc, "position")?.ToString(), position, StringComparison.OrdinalIgnoreCase)) failures.Add($"{command.Name} -{name}: documented Position {Prop(doc, "position")}, the cmdlet's is {position}.");
                }
                var byValue = sets.Any(s => s.ValueFromPipeline);
                var byName = sets.Any(s => s.ValueFromPipelineByPropertyName);
                var pipeline = Prop(doc, "pipelineInput")?.ToString() ?? string.Empty;
                if (byValue != pipeline.Contains("ByValue", StringComparison.OrdinalIgnoreCase) || byName != pipeline.Contains("ByPropertyName", StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{command.Name} -{name}: documented pipeline input '{pipeline}', the cmdlet binds {(byValue ? "ByValue " : string.Empty)}{(byName ? "ByPropertyName" : string.Empty)}{(!byValue && !byName ? "none" : string.Empty)}.");
                }
                var wildcards = real.Attributes.OfType<SupportsWildcardsAttribute>().Any();
                if (!string.Equals(Prop(doc, "globbing")?.ToString(), wildcards ? "true" : "false", StringComparison.OrdinalIgnoreCase)) failures.Add($"{command.Name} -{name}: documented wildcards {Prop(doc, "globbing")}, the cmdlet's {wildcards}.");
            }
        }
        AssertNoFailures(failures);
    }

    [Fact]
    public void GetHelpExamples_EveryExample_ParsesAndUsesRealParameters()
    {
        var failures = new List<string>();
        var byName = _fixture.Commands.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var command in _fixture.Commands)
        {
            var examples = Items(Prop(Prop(GetHelp(command.Name, "-Examples"), "examples"), "example"));
            foreach (var (example, i) in examples.Select((e, i) => (e, i + 1)))
            {
                var code = Prop(example, "code")?.ToString() ?? string.Empty;
                var ast = Parser.ParseInput(code, out _, out var errors);
                if (errors.Length > 0)
                {
                    failures.Add($"{command.Name} example {i}: does not parse: {errors[0].Message} ({code})");
                    continue;
                }
                foreach (var call in ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true).Cast<CommandAst>())
                {
                    if (call.GetCommandName() is not { } called || !byName.TryGetValue(called, out var target)) continue;
                    foreach (var parameter in call.CommandElements.OfType<CommandParameterAst>())
                    {
                        var matches = target.Parameters.Values.Where(p => p.Name.StartsWith(parameter.ParameterName, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(parameter.ParameterName, StringComparer.OrdinalIgnoreCase)).ToList();
                        if (matches.Count == 0 || (matches.Count > 1 && !matches.Any(m => string.Equals(m.Name, parameter.ParameterName, StringComparison.OrdinalIgnoreCase))))
                        {
                            failures.Add($"{command.Name} example {i}: {called} has no parameter -{parameter.ParameterName}.");
                        }
                    }
                }
            }
        }
        AssertNoFailures(failures);
    }

    [Fact]
    public void GetHelpAboutMuseumSync_ReturnsTheTopic()
    {
        var result = _fixture.Session.Invoke("Get-Help -Name about_MuseumSync");
        var text = string.Concat(result.Select(r => r.BaseObject.ToString()));
        Assert.StartsWith("TOPIC", text.TrimStart(), StringComparison.Ordinal);
        foreach (var expected in new[] { "about_MuseumSync", "SHORT DESCRIPTION", "LONG DESCRIPTION", "sync_checkpoints", "sync_dead_letters", "sync_leases", "schema_migrations", "museum_records", "Invoke-MuseumPoll", "Sync-MuseumRecord" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GetHelpParameter_FindsOneParameter()
    {
        var result = _fixture.Session.Invoke("Get-Help -Name Invoke-MuseumPoll -Parameter PageSize");
        var parameter = Assert.Single(result);
        Assert.Equal("PageSize", Prop(parameter, "name")?.ToString());
        Assert.Equal("500", Prop(parameter, "defaultValue")?.ToString());
        Assert.NotEmpty(Text(Prop(parameter, "description")));
    }
}
