using System.Management.Automation;
using MuseumSync.Compliance;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Lists the compliance rules in force, in the order they are tried (help: docs/Get-MuseumComplianceRule.md).</summary>
[Cmdlet(VerbsCommon.Get, "MuseumComplianceRule")]
[OutputType(typeof(RightsRule))]
public sealed class GetMuseumComplianceRuleCommand : PSCmdlet
{
    /// <summary>A .psd1 compliance rule file (the same file Sync-MuseumRecord takes as -ComplianceRules). Binds from the pipeline by property name (FullName: Get-ChildItem *.psd1).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "ComplianceRules")]
    [ValidateNotNullOrEmpty]
    public string? RuleFile { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ComplianceRuleSet rules;
        try
        {
            rules = RuleFile is null ? ComplianceRuleSet.Default : ComplianceRuleFile.Load(CmdletPaths.Resolve(this, RuleFile));
        }
        catch (ComplianceRulesException ex)
        {
            // A broken rule file among several piped ones: say which, go on with the next.
            var error = new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidData, RuleFile);
            if (MyInvocation.ExpectingInput) WriteError(error);
            else ThrowTerminatingError(error);
            return;
        }
        foreach (var rule in rules.EffectiveRules) WriteObject(rule);
    }
}
