#Requires -Version 7.4
<#
.SYNOPSIS
    The script a scheduler runs: syncs every source in a config, logs to a transcript, exits non-zero on failure.

.DESCRIPTION
    Runs Invoke-MuseumSync -ConfigPath CONFIG (every source, or those named by -Source) with a transcript in
    -LogDirectory (one file per run, runs older than -KeepLogDays deleted). Prints one line per source.
    Exit codes, for Task Scheduler's "last run result", systemd and cron mail:
      0  every source completed (a source another worker was already syncing, Status Busy, is not a failure);
      1  at least one source failed (its error is in the transcript);
      2  the run itself could not start (bad config, module missing, ...).
    Secrets come from environment variables named in the config, set for the account the scheduler runs this as
    (the systemd unit's EnvironmentFile, the task's service account); none are written to the log.

.EXAMPLE
    pwsh -NoProfile -File examples/scheduled/run-sync.ps1 -ConfigPath /etc/museumsync/sync.psd1 -LogDirectory /var/log/museumsync
#>
[CmdletBinding()]
param(
    # The sync configuration (see examples/sync.psd1).
    [string] $ConfigPath = ([System.IO.Path]::Combine($PSScriptRoot, '..', 'sync.psd1')),

    # Only these sources of the config.
    [string[]] $Source,

    # Where the transcripts go.
    [string] $LogDirectory = ([System.IO.Path]::Combine($PSScriptRoot, 'logs')),

    # Transcripts older than this many days are deleted.
    [ValidateRange(1, 3650)]
    [int] $KeepLogDays = 30,

    # The module to import when it is not installed (Install-PSResource MuseumSync) or already loaded.
    [string] $ModulePath = ([System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'MuseumSync', 'MuseumSync.psd1'))
)

$ErrorActionPreference = 'Stop'

$null = [System.IO.Directory]::CreateDirectory($LogDirectory)
$log = [System.IO.Path]::Combine($LogDirectory, "museumsync-$([DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss'))Z.log")
$transcribing = $false
try {
    Start-Transcript -LiteralPath $log -IncludeInvocationHeader | Out-Null
    $transcribing = $true
}
catch {
    # A host without transcription (or an unwritable folder) must not stop the sync; the scheduler still gets the exit code.
    $PSCmdlet.WriteWarning("No transcript: $($_.Exception.Message)")
}

$exitCode = 0
try {
    if (-not (Get-Module -Name MuseumSync)) {
        if (Get-Module -Name MuseumSync -ListAvailable) { Import-Module -Name MuseumSync }
        else { Import-Module -Name $ModulePath }
    }
    foreach ($old in [System.IO.Directory]::GetFiles($LogDirectory, 'museumsync-*.log')) {
        if ([System.IO.File]::GetLastWriteTimeUtc($old) -lt [DateTime]::UtcNow.AddDays(-$KeepLogDays)) { [System.IO.File]::Delete($old) }
    }

    $sync = @{ ConfigPath = $ConfigPath }
    if ($Source) { $sync.Source = $Source }
    # One SyncSummary per source. A failed source is reported as an error and in its summary; the others still run.
    $summaries = @(Invoke-MuseumSync @sync -ErrorAction Continue)

    foreach ($s in $summaries) {
        "{0,-16} {1,-10} received {2}, inserted {3}, updated {4}, dead-lettered {5}{6}" -f $s.Source, $s.Status, $s.Received,
            $s.Inserted, $s.Updated, $s.DeadLettered, $(if ($s.Error) { " - $($s.Error)" })
    }
    if ($summaries.Count -eq 0) { throw 'no source ran (see the errors above).' }
    $failed = @($summaries | Where-Object { $_.Status -eq 'Failed' })
    if ($failed.Count -gt 0) {
        $PSCmdlet.WriteWarning("$($failed.Count) of $($summaries.Count) source(s) failed: $($failed.Source -join ', ').")
        $exitCode = 1
    }
}
catch {
    $PSCmdlet.WriteWarning("The sync did not run: $($_.Exception.Message)")
    $exitCode = 2
}
finally {
    if ($transcribing) { Stop-Transcript | Out-Null }
}
exit $exitCode
