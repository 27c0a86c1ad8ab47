using System.Xml;
using System.Xml.Linq;

namespace MuseumSync.HelpCompiler;

/// <summary>Writes commands as MAML, the XML help format Get-Help reads for binary modules (one helpItems file per assembly).</summary>
public static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    public static readonly XNamespace MSHelp = "http://msdn.microsoft.com/mshelp";

    /// <summary>The whole help file.</summary>
    public static XDocument Write(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems",
                new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml),
                new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                new XAttribute(XNamespace.Xmlns + "MSHelp", MSHelp),
                commands.Select(Command_)));

    /// <summary>Saves with UTF-8 (BOM-less) and LF line ends, the same bytes on every machine.</summary>
    public static void Save(XDocument document, string path)
    {
        var settings = new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n", NewLineHandling = NewLineHandling.Replace };
        using var writer = XmlWriter.Create(path, settings);
        document.Save(writer);
    }

    private static XElement Command_(CommandHelp c) =>
        new(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", c.Name),
                new XElement(Command + "verb", c.Verb),
                new XElement(Command + "noun", c.Noun),
                new XElement(Maml + "description", Para(c.Synopsis))),
            new XElement(Maml + "description", Paras(c.Description)),
            new XElement(Command + "syntax", c.Syntax.Select(s => SyntaxItem(c, s))),
            new XElement(Command + "parameters", c.Parameters.Select(p => Parameter(p, p.Bindings[0], inSyntax: false))),
            new XElement(Command + "inputTypes", c.Inputs.Select(t => new XElement(Command + "inputType", Type(t.TypeName), new XElement(Maml + "description", Paras(t.Description))))),
            new XElement(Command + "returnValues", c.Outputs.Select(t => new XElement(Command + "returnValue", Type(t.TypeName), new XElement(Maml + "description", Paras(t.Description))))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(c.Notes))),
            new XElement(Command + "examples", c.Examples.Select((e, i) =>
                new XElement(Command + "example",
                    new XElement(Maml + "title", $"--------- Example {i + 1}: {e.Title} ---------"),
                    new XElement(Dev + "code", e.Code),
                    new XElement(Dev + "remarks", Paras(e.Remarks))))),
            new XElement(Command + "relatedLinks", c.RelatedLinks.Select(l =>
                new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", l.Text), new XElement(Maml + "uri", l.Uri)))));

    private static XElement SyntaxItem(CommandHelp c, SyntaxSet set) =>
        new(Command + "syntaxItem",
            new XElement(Maml + "name", c.Name),
            set.ParameterOrder.Select(name =>
            {
                var p = c.Parameters.First(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase));
                return Parameter(p, p.In(set.Name)!, inSyntax: true);
            }));

    private static XElement Parameter(ParameterHelp p, ParameterBinding b, bool inSyntax)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", b.Required ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", b.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", b.PipelineInput),
            new XAttribute("position", b.Position),
            new XAttribute("aliases", b.Aliases.Count == 0 ? "none" : string.Join(", ", b.Aliases)),
            new XElement(Maml + "name", p.Name),
            new XElement(Maml + "description", Paras(p.Description)));
        if (inSyntax && b.AcceptedValues.Count > 0)
        {
            element.Add(new XElement(Command + "parameterValueGroup", b.AcceptedValues.Select(v =>
                new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute(Command + "variableLength", "false"), v))));
        }
        if (!(inSyntax && p.IsSwitch))
        {
            element.Add(new XElement(Command + "parameterValue", new XAttribute("required", p.IsSwitch ? "false" : "true"), new XAttribute("variableLength", "false"), p.Type));
        }
        element.Add(Type(p.Type), new XElement(Dev + "defaultValue", b.DefaultValue));
        return element;
    }

    private static XElement Type(string name) => new(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

    private static XElement Para(string text) => new(Maml + "para", text);

    private static IEnumerable<XElement> Paras(IEnumerable<TextBlock> blocks) => blocks.Select(b => Para(b.Kind switch
    {
        TextBlockKind.Code => Indent(b.Text, "    "),
        TextBlockKind.Table => b.Text,
        _ => b.Text,
    }));

    private static string Indent(string text, string indent) => string.Join('\n', text.Split('\n').Select(l => l.Length == 0 ? l : indent + l));
}
