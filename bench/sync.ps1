<#
.SYNOPSIS
    The MuseumSync row of ../shared/bench/run.sh: syncs the mock API's NDJSON feed into the harness's SQLite file.

.DESCRIPTION
    run.sh sets MS_BENCH_URL (base URL) and MS_BENCH_DB (SQLite path). The checkpoint lives in the database, so a
    restarted run resumes where the killed one stopped. Exits non-zero if the sync fails.

.EXAMPLE
    # after ./build.ps1; without pwsh on the PATH: dotnet <NuGet packages>/powershell/7.6.10/tools/net10.0/any/unix/pwsh.dll (docs/guide/performance.md)
    ../shared/bench/run.sh --records 100000 --ours 'pwsh -NoProfile -NonInteractive -File bench/sync.ps1'
#>
param(
    [int] $PageSize = 1000,
    [int] $BatchSize = 2000
)
$ErrorActionPreference = 'Stop'
# The built module (./build.ps1), unless a MuseumSync module is loaded already.
if (-not (Get-Module -Name MuseumSync)) { Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1')) }
$uri = "$($env:MS_BENCH_URL)/objects"
$db = $env:MS_BENCH_DB
$summary = Invoke-MuseumPoll -Uri $uri -Source bench -Database $db -PageSize $PageSize |
    Sync-MuseumRecord -Source bench -Database $db -BatchSize $BatchSize
"$($summary.Status): $($summary.Inserted) inserted, $($summary.Updated) updated, $($summary.Unchanged) unchanged, $($summary.DeadLettered) dead-lettered in $($summary.Duration)"
