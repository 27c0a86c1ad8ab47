#Requires -Version 7.4
<#
.SYNOPSIS
    MuseumSync in one minute: start the sample museum API, sync it into ./museum.db, show what happened.

.DESCRIPTION
    Starts the sample collection API from examples/SampleApi on 127.0.0.1 (a free port), streams its cursor-paged
    NDJSON feed through Invoke-MuseumPoll into Sync-MuseumRecord, then prints the run summary, the stored checkpoint
    and the dead letters (the records that failed validation). The API is stopped at the end, whatever happens.
    Run it again: the sync resumes from the checkpoint and changes nothing.

.EXAMPLE
    dotnet run --project src/MuseumSync.Host -- examples/quickstart.ps1

.EXAMPLE
    pwsh -File examples/quickstart.ps1 -Database ./demo.db -Records 5000
#>
[CmdletBinding()]
param(
    # The SQLite database to sync into (created on first use).
    [string] $Database = './museum.db',

    # How many feed lines the sample API serves.
    [ValidateRange(1, 5000000)]
    [int] $Records = 500,

    # The sample API's port; 0 picks a free one.
    [ValidateRange(0, 65535)]
    [int] $Port = 0
)

$ErrorActionPreference = 'Stop'
# Only Microsoft.PowerShell.Core cmdlets and .NET are used, so the script runs in pwsh and in MuseumSync.Host alike.

if (-not (Get-Module -Name MuseumSync)) {
    Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1'))
}

# Start the sample API as a child process. --parent-pid makes it exit if this script dies without cleaning up.
$startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($argument in @('run', '--project', ([System.IO.Path]::Combine($PSScriptRoot, 'SampleApi')), '--',
        '--port', $Port, '--records', $Records, '--parent-pid', $PID)) {
    $startInfo.ArgumentList.Add([string]$argument)
}
$startInfo.RedirectStandardOutput = $true
$startInfo.UseShellExecute = $false
Write-Verbose 'Starting the sample museum API (the first start builds it, which takes a few seconds)...'
$api = [System.Diagnostics.Process]::Start($startInfo)
try {
    $baseUrl = $null
    $deadline = [DateTime]::UtcNow.AddMinutes(3)
    while (-not $baseUrl) {
        $read = $api.StandardOutput.ReadLineAsync()
        if (-not $read.Wait([TimeSpan]::FromMinutes(3)) -or $null -eq $read.Result) {
            throw "The sample API did not start (exit code: $(if ($api.HasExited) { $api.ExitCode } else { 'still running' })). Try: dotnet run --project examples/SampleApi"
        }
        if ($read.Result -match 'listening on (http://\S+)') { $baseUrl = $Matches[1] }
        elseif ([DateTime]::UtcNow -gt $deadline) { throw 'The sample API did not report its address within 3 minutes.' }
    }
    $objects = "$($baseUrl.TrimEnd('/'))/objects"
    "Syncing $objects into $Database ..."

    # The real path: stream every page, validate at the boundary, commit batch + checkpoint in one transaction.
    # Invalid records are dead-lettered (the first few reported as warnings, silenced here); they are listed below instead.
    $summary = Invoke-MuseumPoll -Uri $objects -Source demo -Database $Database -PageSize 100 |
        Sync-MuseumRecord -Source demo -Database $Database -WarningAction SilentlyContinue
    $summary | Out-Default

    'Checkpoint:'
    Get-SyncCheckpoint -Source demo -Database $Database | Out-Default

    $deadLetters = @(Get-SyncDeadLetter -Source demo -Database $Database)
    "Dead letters ($($deadLetters.Count)):"
    $deadLetters | Out-Default
}
finally {
    if (-not $api.HasExited) { $api.Kill($true) }
    $api.Dispose()
}
