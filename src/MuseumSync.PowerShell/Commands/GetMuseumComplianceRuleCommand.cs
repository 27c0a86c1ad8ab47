using System.Management.Automation;
using MuseumSync.Compliance;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the compliance rules in force, in the order they are tried.</para>
/// <para type="description">Without -RuleFile: the built-in rules (rightsstatements.org and Creative Commons). With it: the file's rules, then the built-in ones unless the file sets IncludeDefaultRules = $false. The file is parsed as data and checked; a mistake is a terminating error naming the key.</para>
/// <example><code>Get-MuseumComplianceRule -RuleFile ./compliance.psd1</code></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MuseumComplianceRule")]
[OutputType(typeof(RightsRule))]
public sealed class GetMuseumComplianceRuleCommand : PSCmdlet
{
    /// <summary>A .psd1 compliance rule file.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? RuleFile { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        ComplianceRuleSet rules;
        try
        {
            rules = RuleFile is null ? ComplianceRuleSet.Default : ComplianceRuleFile.Load(CmdletPaths.Resolve(this, RuleFile));
        }
        catch (ComplianceRulesException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidData, RuleFile));
            return;
        }
        foreach (var rule in rules.EffectiveRules) WriteObject(rule);
    }
}
