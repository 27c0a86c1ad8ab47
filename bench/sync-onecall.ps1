<#
.SYNOPSIS
    The one-call row of ../shared/bench/run.sh: Invoke-MuseumSync over a config that names the mock API's feed.

.DESCRIPTION
    run.sh sets MS_BENCH_URL (base URL) and MS_BENCH_DB (SQLite path). This writes a one-source config next to the
    database (the NDJSON feed, or with -Ids the id list fanned out per id) and runs Invoke-MuseumSync on it: the same
    core as bench/sync.ps1's Invoke-MuseumPoll | Sync-MuseumRecord, without the PowerShell pipeline in between.
    Exits non-zero when the source failed (run.sh then restarts it, which exercises resume).

.EXAMPLE
    # after ./build.ps1; without pwsh on the PATH: dotnet <NuGet packages>/powershell/7.6.10/tools/net10.0/any/unix/pwsh.dll (docs/guide/performance.md)
    ../shared/bench/run.sh --records 100000 --ours 'pwsh -NoProfile -NonInteractive -File bench/sync-onecall.ps1'
#>
param(
    [int] $PageSize = 1000,
    [int] $BatchSize = 2000,
    [int] $ThrottleLimit = 32,
    [switch] $Ids
)
$ErrorActionPreference = 'Stop'
# The built module (./build.ps1), unless a MuseumSync module is loaded already.
if (-not (Get-Module -Name MuseumSync)) { Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1')) }
$base = $env:MS_BENCH_URL
$db = $env:MS_BENCH_DB
$config = "$db.sync.psd1"
$source = if ($Ids) { "@{ Name = 'bench'; Uri = '$base/ids'; ItemUri = '$base/assets/{id}'; ThrottleLimit = $ThrottleLimit }" }
          else { "@{ Name = 'bench'; Uri = '$base/objects' }" }
[System.IO.File]::WriteAllText($config, @"
@{
    Store    = @{ Database = '$([System.IO.Path]::GetFileName($db))' }
    Defaults = @{ PageSize = $PageSize; BatchSize = $BatchSize }
    Sources  = @( $source )
}
"@)
$summary = Invoke-MuseumSync -ConfigPath $config
"$($summary.Status): $($summary.Inserted) inserted, $($summary.Updated) updated, $($summary.Unchanged) unchanged, $($summary.DeadLettered) dead-lettered in $($summary.Duration)$(if ($summary.Error) { " ($($summary.Error))" })"
exit $LASTEXITCODE
