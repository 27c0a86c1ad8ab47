using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// A TEST-ONLY stand-in for PowerShell 7's Export-Csv (Microsoft.PowerShell.Utility), which a runspace built on the
/// System.Management.Automation NuGet package does not have, and which NuGet does not serve separately
/// (Microsoft.PowerShell.Commands.Utility / Microsoft.PowerShell.SDK are not on the feed). It writes what PowerShell 7
/// writes by default for the parameters the examples use: a header of the first object's property names, then one
/// line per object, every field double-quoted with quotes doubled, UTF-8 without BOM, no #TYPE line; an empty
/// pipeline leaves an empty file. Loaded into a session with Import-Module -Assembly (ExampleTests).
/// </summary>
[Cmdlet(VerbsData.Export, "Csv")]
public sealed class ExportCsvStandInCommand : PSCmdlet, IDisposable
{
    private StreamWriter? _writer;
    private List<string>? _columns;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    [Parameter(Position = 0)]
    [Alias("Path")]
    public string LiteralPath { get; set; } = null!;

    [Parameter]
    public SwitchParameter NoTypeInformation { get; set; }

    [Parameter]
    [ValidateSet("utf8", "utf8NoBOM", IgnoreCase = true)]
    public string Encoding { get; set; } = "utf8NoBOM";

    protected override void BeginProcessing()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath);
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        if (_columns is null)
        {
            _columns = InputObject.Properties.Select(p => p.Name).ToList();
            _writer!.WriteLine(string.Join(',', _columns.Select(Quote)));
        }
        var values = _columns.Select(c => InputObject.Properties[c]?.Value is { } v ? Quote((string)LanguagePrimitives.ConvertTo(v, typeof(string), CultureInfo.InvariantCulture)) : "\"\"");
        _writer!.WriteLine(string.Join(',', values));
    }

    protected override void EndProcessing() => Dispose();

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Reads such a file back (RFC 4180: quoted fields, doubled quotes, commas and line breaks inside quotes).</summary>
    public static List<Dictionary<string, string>> Read(string path)
    {
        var rows = new List<List<string>>();
        var text = File.ReadAllText(path);
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                row.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add(row); }
        if (rows.Count == 0) return [];
        var header = rows[0];
        return rows.Skip(1).Select(r =>
        {
            Assert.Equal(header.Count, r.Count);
            return header.Zip(r).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }
}
