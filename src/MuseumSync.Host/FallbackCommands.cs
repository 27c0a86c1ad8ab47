namespace MuseumSync.Host;

/// <summary>
/// Small script versions of the Write-* cmdlets. The System.Management.Automation package only
/// brings the Microsoft.PowerShell.Core cmdlets; Write-Output, Write-Error, Write-Host and the
/// other Write-* cmdlets live in Microsoft.PowerShell.Utility, which is not part of it. The host
/// defines these functions only for the cmdlets that are missing from the session.
/// </summary>
internal static class FallbackCommands
{
    /// <summary>Gets the function bodies by command name.</summary>
    public static IReadOnlyDictionary<string, string> Definitions { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Write-Output"] =
            """
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromRemainingArguments)]
                [AllowNull()] [AllowEmptyCollection()]
                [psobject[]] $InputObject,
                [switch] $NoEnumerate)
            process { $PSCmdlet.WriteObject($InputObject, -not $NoEnumerate) }
            """,

        ["Write-Error"] =
            """
            [CmdletBinding(DefaultParameterSetName = 'NoException')]
            param(
                [Parameter(ParameterSetName = 'NoException', Mandatory, Position = 0, ValueFromPipeline)]
                [Parameter(ParameterSetName = 'WithException')]
                [AllowNull()] [AllowEmptyString()] [Alias('Msg')]
                [string] $Message,
                [Parameter(ParameterSetName = 'WithException', Mandatory)]
                [System.Exception] $Exception,
                [Parameter(ParameterSetName = 'ErrorRecord', Mandatory)]
                [System.Management.Automation.ErrorRecord] $ErrorRecord,
                [Parameter(ParameterSetName = 'NoException')] [Parameter(ParameterSetName = 'WithException')]
                [System.Management.Automation.ErrorCategory] $Category = 'NotSpecified',
                [Parameter(ParameterSetName = 'NoException')] [Parameter(ParameterSetName = 'WithException')]
                [string] $ErrorId,
                [Parameter(ParameterSetName = 'NoException')] [Parameter(ParameterSetName = 'WithException')]
                [object] $TargetObject,
                [string] $RecommendedAction,
                [Alias('Activity')] [string] $CategoryActivity,
                [Alias('Reason')] [string] $CategoryReason,
                [Alias('TargetName')] [string] $CategoryTargetName,
                [Alias('TargetType')] [string] $CategoryTargetType)
            process {
                if ($PSCmdlet.ParameterSetName -eq 'ErrorRecord') {
                    $record = [System.Management.Automation.ErrorRecord]::new($ErrorRecord, $null)
                } else {
                    $ex = $Exception
                    if ($null -eq $ex) { $ex = [System.Management.Automation.RuntimeException]::new($Message) }
                    if (-not $ErrorId) { $ErrorId = 'Microsoft.PowerShell.Commands.WriteErrorException' }
                    $record = [System.Management.Automation.ErrorRecord]::new($ex, $ErrorId, $Category, $TargetObject)
                    if ($null -ne $Exception -and $Message) {
                        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($Message)
                    }
                }
                if ($RecommendedAction) {
                    if ($null -eq $record.ErrorDetails) {
                        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($record.Exception.Message)
                    }
                    $record.ErrorDetails.RecommendedAction = $RecommendedAction
                }
                if ($CategoryActivity) { $record.CategoryInfo.Activity = $CategoryActivity }
                if ($CategoryReason) { $record.CategoryInfo.Reason = $CategoryReason }
                if ($CategoryTargetName) { $record.CategoryInfo.TargetName = $CategoryTargetName }
                if ($CategoryTargetType) { $record.CategoryInfo.TargetType = $CategoryTargetType }
                $PSCmdlet.WriteError($record)
            }
            """,

        ["Write-Warning"] =
            """
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
                [AllowEmptyString()] [Alias('Msg')]
                [string] $Message)
            process { $PSCmdlet.WriteWarning($Message) }
            """,

        ["Write-Verbose"] =
            """
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
                [AllowEmptyString()] [Alias('Msg')]
                [string] $Message)
            process { $PSCmdlet.WriteVerbose($Message) }
            """,

        ["Write-Debug"] =
            """
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
                [AllowEmptyString()] [Alias('Msg')]
                [string] $Message)
            process { $PSCmdlet.WriteDebug($Message) }
            """,

        ["Write-Information"] =
            """
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, Position = 0)]
                [AllowNull()] [Alias('Msg', 'Message')]
                [object] $MessageData,
                [Parameter(Position = 1)]
                [string[]] $Tags)
            process { $PSCmdlet.WriteInformation($MessageData, $Tags) }
            """,

        ["Write-Host"] =
            """
            [CmdletBinding()]
            param(
                [Parameter(Position = 0, ValueFromPipeline, ValueFromRemainingArguments)]
                [Alias('Msg', 'Message')]
                [object] $Object,
                [switch] $NoNewline,
                [object] $Separator = ' ',
                [System.ConsoleColor] $ForegroundColor,
                [System.ConsoleColor] $BackgroundColor)
            process {
                $text = if ($null -eq $Object) { '' }
                    elseif ($Object -is [string]) { $Object }
                    elseif ($Object -is [System.Collections.IEnumerable]) { @(foreach ($item in $Object) { "$item" }) -join "$Separator" }
                    else { "$Object" }
                $hostMessage = [System.Management.Automation.HostInformationMessage]::new()
                $hostMessage.Message = $text
                $hostMessage.NoNewLine = $NoNewline.IsPresent
                if ($PSBoundParameters.ContainsKey('ForegroundColor')) { $hostMessage.ForegroundColor = $ForegroundColor }
                if ($PSBoundParameters.ContainsKey('BackgroundColor')) { $hostMessage.BackgroundColor = $BackgroundColor }
                # Like the real Write-Host: shown unless -InformationAction says otherwise.
                if (-not $PSBoundParameters.ContainsKey('InformationAction')) { $InformationPreference = 'Continue' }
                $PSCmdlet.WriteInformation($hostMessage, [string[]]@('PSHOST'))
            }
            """,

        ["Write-Progress"] =
            """
            [CmdletBinding()]
            param(
                [Parameter(Position = 0)] [string] $Activity,
                [Parameter(Position = 1)] [string] $Status,
                [Parameter(Position = 2)] [ValidateRange(0, [int]::MaxValue)] [int] $Id = 0,
                [ValidateRange(-1, 100)] [int] $PercentComplete = -1,
                [int] $SecondsRemaining = -1,
                [string] $CurrentOperation,
                [ValidateRange(-1, [int]::MaxValue)] [int] $ParentId = -1,
                [switch] $Completed,
                [int] $SourceId)
            if ([string]::IsNullOrEmpty($Activity)) { $Activity = 'Processing' }
            if ([string]::IsNullOrEmpty($Status)) { $Status = 'Processing' }
            $record = [System.Management.Automation.ProgressRecord]::new($Id, $Activity, $Status)
            $record.PercentComplete = $PercentComplete
            $record.SecondsRemaining = $SecondsRemaining
            $record.ParentActivityId = $ParentId
            if ($CurrentOperation) { $record.CurrentOperation = $CurrentOperation }
            if ($Completed) { $record.RecordType = 'Completed' }
            $PSCmdlet.WriteProgress($record)
            """,
    };

    /// <summary>Builds a script that defines the given fallback functions in the global scope.</summary>
    /// <param name="names">The names of the missing commands.</param>
    /// <returns>The script text.</returns>
    public static string BuildDefinitionScript(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return string.Join(
            Environment.NewLine,
            names.Select(name => "function global:" + name + " {" + Environment.NewLine + Definitions[name] + Environment.NewLine + "}"));
    }
}
