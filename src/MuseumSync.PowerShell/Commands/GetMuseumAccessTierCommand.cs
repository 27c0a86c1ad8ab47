using System.Management.Automation;
using MuseumSync.Compliance;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Shows the access tier the compliance rules give each record, and the rule that decided (help: docs/Get-MuseumAccessTier.md).</summary>
[Cmdlet(VerbsCommon.Get, "MuseumAccessTier")]
[OutputType(typeof(ComplianceDecision))]
public sealed class GetMuseumAccessTierCommand : PSCmdlet
{
    private ComplianceEngine _engine = null!;
    private DateOnly _today;

    /// <summary>The record (from Invoke-MuseumPoll).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public MuseumRecord InputObject { get; set; } = null!;

    /// <summary>A .psd1 compliance rule file (the same file Sync-MuseumRecord takes as -ComplianceRules); the built-in rules when omitted.</summary>
    [Parameter]
    [Alias("ComplianceRules")]
    [ValidateNotNullOrEmpty]
    public string? RuleFile { get; set; }

    /// <summary>Decide as of this date (embargoes); today (UTC) by default.</summary>
    [Parameter]
    public DateTime? Date { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        try
        {
            var rules = RuleFile is null ? ComplianceRuleSet.Default : ComplianceRuleFile.Load(CmdletPaths.Resolve(this, RuleFile));
            _engine = new ComplianceEngine(rules, TimeProvider.System);
        }
        catch (ComplianceRulesException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidData, RuleFile));
        }
        _today = Date is { } d ? DateOnly.FromDateTime(d) : _engine.Today;
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!InputObject.IsValid)
        {
            WriteError(new ErrorRecord(new InvalidDataException($"Record '{InputObject.ObjectId ?? "(no id)"}' of source '{InputObject.Source}' is invalid ({string.Join("; ", InputObject.Issues.Select(i => i.Message))}); it is dead-lettered before any tier is decided."), "MuseumRecordInvalid", ErrorCategory.InvalidData, InputObject));
            return;
        }
        WriteObject(_engine.Decide(InputObject, _today));
    }
}
