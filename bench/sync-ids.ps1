<#
.SYNOPSIS
    The MuseumSync row of ../shared/bench/run.sh --ours-mode ids: ID fan-out over the mock API's /ids and /assets/{id}.

.DESCRIPTION
    run.sh sets MS_BENCH_URL (base URL) and MS_BENCH_DB (SQLite path). Invoke-MuseumPoll reads the id list page by page
    (next_cursor), fetches each id at up to -ThrottleLimit requests at a time and hands the records on in id-list order;
    Sync-MuseumRecord commits them with the checkpoint, so a restarted run resumes at the last committed chunk.
    Exits non-zero if the sync fails.

.EXAMPLE
    # after ./build.ps1; without pwsh on the PATH: dotnet <NuGet packages>/powershell/7.6.10/tools/net10.0/any/unix/pwsh.dll (docs/guide/performance.md)
    ../shared/bench/run.sh --records 20000 --ours-mode ids --ours 'pwsh -NoProfile -NonInteractive -File bench/sync-ids.ps1'
#>
param(
    [int] $PageSize = 1000,
    [int] $BatchSize = 5000,
    [int] $ThrottleLimit = 32
)
$ErrorActionPreference = 'Stop'
# The built module (./build.ps1), unless a MuseumSync module is loaded already.
if (-not (Get-Module -Name MuseumSync)) { Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1')) }
$base = $env:MS_BENCH_URL
$db = $env:MS_BENCH_DB
$summary = Invoke-MuseumPoll -Uri "$base/ids" -ItemUri "$base/assets/{id}" -Source bench -Database $db -PageSize $PageSize -ThrottleLimit $ThrottleLimit |
    Sync-MuseumRecord -Source bench -Database $db -BatchSize $BatchSize
"$($summary.Status): $($summary.Inserted) inserted, $($summary.Updated) updated, $($summary.Unchanged) unchanged, $($summary.DeadLettered) dead-lettered in $($summary.Duration)"
