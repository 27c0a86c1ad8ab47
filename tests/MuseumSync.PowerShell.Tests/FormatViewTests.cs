using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MuseumSync.PowerShell.Tests;

/// <summary>MuseumSync.Format.ps1xml against what the built module's cmdlets really write.</summary>
public sealed partial class FormatViewTests
{
    private static string FormatFile => Path.Combine(TestPaths.ModuleDirectory, "MuseumSync.Format.ps1xml");

    private sealed record View(string Name, string TypeName, string Control, List<string> Properties, List<string> ScriptBlocks, List<string> Labels);

    private static List<View> Views() => XDocument.Load(FormatFile).Descendants("View").Select(v => new View(
        (string)v.Element("Name")!,
        (string)v.Element("ViewSelectedBy")!.Element("TypeName")!,
        v.Elements().Single(e => e.Name.LocalName.EndsWith("Control", StringComparison.Ordinal)).Name.LocalName,
        v.Descendants("PropertyName").Select(p => p.Value.Trim())
            .Concat(v.Descendants("ScriptBlock").Select(p => FittedProperty().Match(p.Value)).Where(m => m.Success).Select(m => m.Groups["property"].Value))
            .ToList(),
        v.Descendants("ScriptBlock").Select(p => p.Value).ToList(),
        v.Descendants().Where(e => e.Name.LocalName is "TableColumnHeader" or "ListItem").Select(e => ((string?)e.Element("Label"))?.Trim() ?? string.Empty).ToList())).ToList();

    /// <summary>A script block that shows one property through ColumnText (Fit, FitEnd, Wrap) shows that property.</summary>
    [GeneratedRegex(@"^\[MuseumSync\.PowerShell\.ColumnText\]::\w+\(\$_\.(?<property>\w+), \d+\)$")]
    private static partial Regex FittedProperty();

    /// <summary>The width given to ColumnText in a script block.</summary>
    [GeneratedRegex(@"\[MuseumSync\.PowerShell\.ColumnText\]::(?<method>Fit|FitEnd|Wrap)\(.*?, (?<width>\d+)\)", RegexOptions.Singleline)]
    private static partial Regex ColumnTextCall();

    /// <summary>Every MuseumSync type the cmdlets declare ([OutputType]), with the MuseumSync types their properties hold (issues, migrations) that a list view or a drill-down shows.</summary>
    private static Dictionary<string, Type> OutputTypes(PowerShellSession ps, out Dictionary<string, List<string>> declaredBy)
    {
        declaredBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        var pending = new Queue<Type>();
        foreach (var cmdlet in ps.Invoke("Get-Command -Module MuseumSync -CommandType Cmdlet").Select(o => (CmdletInfo)o.BaseObject))
        {
            Assert.NotEmpty(cmdlet.OutputType); // every cmdlet says what it writes
            foreach (var name in cmdlet.OutputType)
            {
                var type = name.Type;
                Assert.True(type is not null, $"{cmdlet.Name} declares output type '{name.Name}', which does not resolve.");
                if (!IsMuseumSyncType(type))
                {
                    // string, FileInfo: PowerShell's own views.
                    Assert.True(type.Assembly == typeof(string).Assembly || type.Namespace == "System.IO", $"{cmdlet.Name} writes {type.FullName}, which has no view anywhere.");
                    continue;
                }
                (declaredBy.TryGetValue(type.FullName!, out var list) ? list : declaredBy[type.FullName!] = new List<string>()).Add(cmdlet.Name);
                pending.Enqueue(type);
            }
        }
        while (pending.TryDequeue(out var type))
        {
            if (!types.TryAdd(type.FullName!, type)) continue;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var held = property.PropertyType;
                var element = held.IsGenericType && typeof(IEnumerable).IsAssignableFrom(held) ? held.GetGenericArguments()[0] : held;
                element = Nullable.GetUnderlyingType(element) ?? element;
                if (IsMuseumSyncType(element) && element.IsClass) pending.Enqueue(element);
            }
        }
        return types;
    }

    private static bool IsMuseumSyncType(Type type) => type.Namespace is { } ns && (ns == "MuseumSync" || ns.StartsWith("MuseumSync.", StringComparison.Ordinal));

    [Fact]
    public void FormatFile_LoadsWithoutErrors_InTheSessionAndStandalone()
    {
        _ = new FormatTable([FormatFile]); // throws FormatTableLoadException when a view is malformed

        using var ps = PowerShellSession.Create(); // imports the module, format file included (-ErrorAction Stop)
        var loaded = ps.Invoke("""
            $table = [System.Management.Automation.Runspaces.FormatTable]::new([string[]] @($args[0]))
            (Get-Module MuseumSync).ExportedFormatFiles
            """, FormatFile);
        Assert.Empty(ps.Errors);
        Assert.Equal(Path.GetFullPath(FormatFile), Path.GetFullPath((string)Assert.Single(loaded).BaseObject));
    }

    [Fact]
    public void EveryOutputType_OfEveryCmdlet_HasADefaultTableView()
    {
        using var ps = PowerShellSession.Create();
        var types = OutputTypes(ps, out var declaredBy);
        var views = Views();

        // The cmdlets' own output types, and the nested ones they hold.
        Assert.Contains("MuseumSync.SyncSummary", declaredBy.Keys);
        Assert.Contains("MuseumSync.MuseumRecord", declaredBy.Keys);
        Assert.Contains("MuseumSync.SchemaMigration", types.Keys);
        Assert.Contains("MuseumSync.Lido.LidoIssue", types.Keys);
        var missing = types.Keys.Where(t => !views.Any(v => v.TypeName == t)).ToList();
        Assert.True(missing.Count == 0, $"No view for: {string.Join(", ", missing)}.");
        foreach (var type in types.Keys)
        {
            // The first view of a type is the one Out-Default uses: a table, for lists of records as for the one summary.
            var first = views.First(v => v.TypeName == type);
            Assert.True(first.Control == "TableControl", $"The default view of {type} is a {first.Control}, not a table.");
        }
        Assert.Equal(views.Count, views.Select(v => v.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count()); // view names are unique
    }

    [Fact]
    public void SyncSummary_DefaultTableHasTheIssuesColumns_AndAListViewHasEverything()
    {
        var views = Views().Where(v => v.TypeName == "MuseumSync.SyncSummary").ToList();

        var table = views[0];
        Assert.Equal("TableControl", table.Control);
        // Records/s left the table so that it fits 80 columns (its header wrapped a letter per line there); the list has it.
        Assert.Equal(["Source", "Status", "Received", "Inserted", "Updated", "Unchanged", "DeadLettered", "Duration"], table.Labels);
        var list = Assert.Single(views, v => v.Control == "ListControl");
        Assert.Contains("Deleted", list.Properties);
        Assert.Contains("DeadLettersResolved", list.Properties);
        Assert.Contains("Checkpoint", list.Properties);
        Assert.Contains("Database", list.Properties);
        Assert.Contains("Error", list.Properties);
    }

    [Fact]
    public void EveryTable_FitsEightyColumns_AndFitsItsTextToItsColumns()
    {
        var problems = new List<string>();
        foreach (var view in XDocument.Load(FormatFile).Descendants("View"))
        {
            var name = (string)view.Element("Name")!;
            if (view.Element("TableControl") is { } table)
            {
                var headers = table.Descendants("TableColumnHeader").ToList();
                var items = table.Descendants("TableColumnItem").ToList();
                Assert.Equal(headers.Count, items.Count);
                var widths = headers.Select(h => (int?)h.Element("Width")).ToList();
                if (widths.Any(w => w is null))
                {
                    // A column without a width takes what is left, and PowerShell cuts or drops what does not fit.
                    problems.Add($"{name}: every column needs a width");
                    continue;
                }
                var total = widths.Sum(w => w!.Value) + headers.Count - 1;
                if (total > 80) problems.Add($"{name}: the columns and the spaces between them take {total} columns, more than 80");
                for (var i = 0; i < headers.Count; i++)
                {
                    var label = ((string?)headers[i].Element("Label"))?.Trim() ?? string.Empty;
                    if (label.Length > widths[i]) problems.Add($"{name}: header {label} is wider than its column ({widths[i]}) and would wrap");
                    var script = (string?)items[i].Element("ScriptBlock");
                    if (script is null) continue;
                    foreach (Match call in ColumnTextCall().Matches(script))
                    {
                        if (int.Parse(call.Groups["width"].Value, System.Globalization.CultureInfo.InvariantCulture) != widths[i])
                        {
                            problems.Add($"{name}: column {label} is {widths[i]} wide but its text is fitted to {call.Groups["width"].Value}");
                        }
                    }
                }
            }
            else if (view.Element("ListControl") is { } list)
            {
                // A list shows labels padded to the longest, then " : ", then the value.
                var valueWidth = 80 - list.Descendants("Label").Max(l => l.Value.Trim().Length) - 3;
                foreach (var script in list.Descendants("ScriptBlock").Select(b => b.Value))
                {
                    foreach (Match call in ColumnTextCall().Matches(script))
                    {
                        if (int.Parse(call.Groups["width"].Value, System.Globalization.CultureInfo.InvariantCulture) > valueWidth)
                        {
                            problems.Add($"{name}: a value is wrapped to {call.Groups["width"].Value} columns, but only {valueWidth} are left beside the labels");
                        }
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void RichOutputTypes_AlsoHaveAListView()
    {
        var views = Views();
        foreach (var type in new[]
        {
            "MuseumSync.MuseumRecord", "MuseumSync.SyncSummary", "MuseumSync.SyncCheckpoint", "MuseumSync.DeadLetter", "MuseumSync.SchemaStatus",
            "MuseumSync.Lido.LidoValidationResult", "MuseumSync.Iiif.IiifValidationResult", "MuseumSync.Iiif.IiifManifestDocument",
            "MuseumSync.Compliance.ComplianceDecision", "MuseumSync.Compliance.RightsRule",
        })
        {
            Assert.True(views.Any(v => v.TypeName == type && v.Control == "ListControl"), $"{type} has no list view.");
        }
        Assert.Contains("Payload", views.Single(v => v.Name == "MuseumSync.DeadLetter.List").Properties);
    }

    [Fact]
    public void EveryView_NamesATypeThatExists_AndPropertiesItHas()
    {
        using var ps = PowerShellSession.Create();
        var outputs = OutputTypes(ps, out _);
        var core = outputs.Values.First().Assembly;
        var problems = new List<string>();
        foreach (var view in Views())
        {
            var type = core.GetType(view.TypeName);
            if (type is null)
            {
                problems.Add($"{view.Name}: type {view.TypeName} does not exist");
                continue;
            }
            var members = new HashSet<string>(type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
            foreach (var property in view.Properties.Where(p => !members.Contains(p))) problems.Add($"{view.Name}: {view.TypeName} has no property {property}");
            foreach (var script in view.ScriptBlocks)
            {
                var ast = Parser.ParseInput(script, out _, out var errors);
                if (errors.Length > 0)
                {
                    problems.Add($"{view.Name}: script block does not parse: {errors[0].Message}");
                    continue;
                }
                foreach (var member in DollarUnderscoreMembers(ast).Where(m => !members.Contains(m))) problems.Add($"{view.Name}: script block reads $_.{member}, which {view.TypeName} does not have");
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>The members read as <c>$_.Name</c> on the formatted object itself (not inside a nested script block, where <c>$_</c> is something else).</summary>
    private static IEnumerable<string> DollarUnderscoreMembers(ScriptBlockAst root) =>
        root.FindAll(a => a is MemberExpressionAst { Expression: VariableExpressionAst v, Member: StringConstantExpressionAst } && v.VariablePath.UserPath == "_", searchNestedScriptBlocks: false)
            .Cast<MemberExpressionAst>()
            .Where(m => !InsideNestedScriptBlock(m, root))
            .Select(m => ((StringConstantExpressionAst)m.Member).Value);

    private static bool InsideNestedScriptBlock(Ast ast, ScriptBlockAst root)
    {
        for (var p = ast.Parent; p is not null && p != root; p = p.Parent)
        {
            if (p is ScriptBlockExpressionAst) return true;
        }
        return false;
    }
}
