<#
.SYNOPSIS
    The MuseumSync row of ../shared/bench/run.sh as users run it: Invoke-MuseumPoll | Sync-MuseumRecord into SQLite
    with every parameter at its default (issue #18's measure).

.DESCRIPTION
    run.sh sets MS_BENCH_URL (base URL) and MS_BENCH_DB (SQLite path). The module is MS_MODULE when set (a .psd1, for
    comparing builds), otherwise the built out/MuseumSync. Exits non-zero if the sync fails.

.EXAMPLE
    # after ./build.ps1; without pwsh on the PATH: dotnet <NuGet packages>/powershell/7.6.10/tools/net10.0/any/unix/pwsh.dll (docs/guide/performance.md)
    ../shared/bench/run.sh --records 1000000 --peers sync --ours 'pwsh -NoProfile -NonInteractive -File bench/sync-defaults.ps1'
#>
$ErrorActionPreference = 'Stop'
$module = if ($env:MS_MODULE) { $env:MS_MODULE } else { [System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1') }
Import-Module -Name $module
$uri = "$($env:MS_BENCH_URL)/objects"
$s = Invoke-MuseumPoll -Uri $uri -Source bench -Database $env:MS_BENCH_DB | Sync-MuseumRecord -Source bench -Database $env:MS_BENCH_DB
"$($s.Status): $($s.Inserted) inserted, $($s.Updated) updated, $($s.DeadLettered) dead-lettered in $($s.Duration)"
