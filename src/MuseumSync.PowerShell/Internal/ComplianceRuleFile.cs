using System.Collections;
using System.Management.Automation.Language;
using MuseumSync.Compliance;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// Loads a compliance rule file (<c>.psd1</c>) safely: parsed, never run. The file must be one hashtable literal of
/// plain values (strings, numbers, $true/$false, arrays, nested hashtables); <see cref="ComplianceRuleSetReader"/> then
/// checks every key. Sync-MuseumRecord -ComplianceRules and Get-MuseumAccessTier -RuleFile both use this.
/// </summary>
internal static class ComplianceRuleFile
{
    public static ComplianceRuleSet Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ComplianceRulesException($"The compliance rule file '{path}' does not exist. Give the path of a .psd1 file (see the README, \"Compliance routing\").");
        }
        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            var e = errors[0];
            throw new ComplianceRulesException($"The compliance rule file '{path}' does not parse: {e.Message} (line {e.Extent.StartLineNumber}, column {e.Extent.StartColumnNumber}).");
        }
        var hashtable = ast.EndBlock?.Statements.Count == 1 && ast.BeginBlock is null && ast.ProcessBlock is null && ast.ParamBlock is null
            ? ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
            : null;
        if (hashtable is null || hashtable.Parent?.Parent is not PipelineAst)
        {
            throw new ComplianceRulesException($"The compliance rule file '{path}' must hold exactly one hashtable, @{{ Rules = @( … ) }}, and nothing else.");
        }
        object? value;
        try
        {
            value = hashtable.SafeGetValue();
        }
        catch (InvalidOperationException ex)
        {
            throw new ComplianceRulesException($"The compliance rule file '{path}' may hold only plain values (text, numbers, $true/$false, arrays and hashtables), no commands or variables: {ex.Message}", ex);
        }
        return ComplianceRuleSetReader.Read((IDictionary)value!, path);
    }
}
