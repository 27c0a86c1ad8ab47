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
        var data = DataFile.Read(path, "The compliance rule file", "@{ Rules = @( … ) }",
            (message, inner) => new ComplianceRulesException(message.EndsWith("does not exist.", StringComparison.Ordinal)
                ? message[..^1] + ". Give the path of a .psd1 file (see the README, \"Compliance routing\")."
                : message, inner));
        return ComplianceRuleSetReader.Read(data, path);
    }
}
