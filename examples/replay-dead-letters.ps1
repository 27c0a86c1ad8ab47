#Requires -Version 7.4
<#
.SYNOPSIS
    Replays a source's dead letters after a fix: the ones that pass now are committed, the rest stay.

.DESCRIPTION
    Get-SyncDeadLetter -Source NAME | Sync-MuseumRecord validates every dead letter again (with today's rules, and the
    compliance rules given by -ComplianceRules): those that pass are committed and leave the dead-letter table in the
    same transaction; those still invalid stay, their attempt count raised, with one non-terminating error each
    (-EnableException; collected in -ErrorVariable, not shown). A replay never moves the source's checkpoint.

    Returns the replay's MuseumSync.SyncSummary (DeadLettersResolved, DeadLettersSeenBefore, Inserted, ...).
    If the store does not exist yet, or -Uri is given, the feed is synced first so there is something to replay;
    without -Uri that feed is the sample API (examples/SampleApi), started and stopped here.

.EXAMPLE
    ./examples/replay-dead-letters.ps1 -Database ./museum.db -Source met -Reason iso8601-*
    Replays only the Met dead letters rejected for a date rule.

.EXAMPLE
    ./examples/replay-dead-letters.ps1 -ComplianceRules ./compliance.psd1 -Verbose
#>
[CmdletBinding()]
param(
    # The SQLite store.
    [string] $Database = './museum.db',

    # The source whose dead letters are replayed.
    [ValidateNotNullOrEmpty()]
    [string] $Source = 'demo',

    # Only dead letters with a reason whose rule or field matches this wildcard pattern.
    [string] $Reason,

    # Sync this feed first; when the store does not exist and no -Uri is given, the sample API is synced first.
    [string] $Uri,

    # The compliance rules file to replay with (the defaults when omitted).
    [string] $ComplianceRules
)

$ErrorActionPreference = 'Stop'

if (-not (Get-Module -Name MuseumSync)) {
    Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1'))
}

$api = $null
try {
    if ($Uri -or -not [System.IO.File]::Exists($Database)) {
        if (-not $Uri) {
            $api = & ([System.IO.Path]::Combine($PSScriptRoot, 'Start-SampleMuseumApi.ps1')) -Records 500
            $Uri = $api.ObjectsUri
        }
        $PSCmdlet.WriteVerbose("Syncing $Uri into $Database first ...")
        $null = Invoke-MuseumPoll -Uri $Uri -Source $Source -Database $Database |
            Sync-MuseumRecord -Source $Source -Database $Database -WarningAction SilentlyContinue
    }

    $query = @{ Source = $Source; Database = $Database }
    if ($Reason) { $query.Reason = $Reason }
    $replay = @{ Database = $Database }
    if ($ComplianceRules) { $replay.ComplianceRules = $ComplianceRules }

    $before = @(Get-SyncDeadLetter @query).Count
    $PSCmdlet.WriteVerbose("Replaying $before dead letter(s) of '$Source' ...")
    $stillInvalid = $null
    $summary = Get-SyncDeadLetter @query |
        Sync-MuseumRecord @replay -EnableException -ErrorAction SilentlyContinue -ErrorVariable stillInvalid
    $PSCmdlet.WriteVerbose("Resolved: $($summary.DeadLettersResolved); still invalid: $(@($stillInvalid).Count).")
    $summary
}
finally {
    if ($api) {
        if (-not $api.Process.HasExited) { $api.Process.Kill($true) }
        $api.Process.Dispose()
    }
}
