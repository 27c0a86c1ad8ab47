<#
.SYNOPSIS
    The MuseumSync row of ../shared/bench/run.sh --ours-mode ids: ID fan-out over the mock API's /ids and /assets/{id}.

.DESCRIPTION
    run.sh sets MS_BENCH_URL (base URL) and MS_BENCH_DB (SQLite path). Invoke-MuseumPoll reads the id list page by page
    (next_cursor), fetches each id at up to -ThrottleLimit requests at a time and hands the records on in id-list order;
    Sync-MuseumRecord commits them with the checkpoint, so a restarted run resumes at the last committed chunk.
    Exits non-zero if the sync fails.

.EXAMPLE
    ../shared/bench/run.sh --records 20000 --ours-mode ids --ours 'dotnet src/MuseumSync.Host/bin/Release/net10.0/MuseumSync.Host.dll bench/sync-ids.ps1'
#>
param(
    [int] $PageSize = 1000,
    [int] $BatchSize = 5000,
    [int] $ThrottleLimit = 32
)
$ErrorActionPreference = 'Stop'
$base = $env:MS_BENCH_URL
$db = $env:MS_BENCH_DB
$summary = Invoke-MuseumPoll -Uri "$base/ids" -ItemUri "$base/assets/{id}" -Source bench -Database $db -PageSize $PageSize -ThrottleLimit $ThrottleLimit |
    Sync-MuseumRecord -Source bench -Database $db -BatchSize $BatchSize -ErrorAction SilentlyContinue
"$($summary.Status): $($summary.Inserted) inserted, $($summary.Updated) updated, $($summary.Unchanged) unchanged, $($summary.DeadLettered) dead-lettered in $($summary.Duration)"
