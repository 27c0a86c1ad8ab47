<#
.SYNOPSIS
    The MuseumSync row of ../shared/bench/run.sh --ours-mode ids under a quota: ID fan-out at -RequestsPerSecond (issue #18).

.DESCRIPTION
    Like sync-ids.ps1, with a client-side pace. With -SharedBudget, Invoke-MuseumPoll is given the database too, so the
    pace is kept in it (the shared request budget every process syncing the source there takes part in); without it,
    the pace is this process's own. Prints the poll's statistics and its own elapsed time (start-up excluded), so the
    request rate can be read with and without pwsh's start-up. Exits non-zero if the sync fails.

.EXAMPLE
    node ../shared/bench/server.js --port 0 --records 1000 --rate-limit 50 --rate-window-ms 1000 --invalid-rate 0 --duplicate-rate 0
    $env:MS_BENCH_URL = 'http://127.0.0.1:PORT'; $env:MS_BENCH_DB = '/tmp/quota.db'
    pwsh -NoProfile -File bench/sync-ids-quota.ps1 -SharedBudget
    # then: curl http://127.0.0.1:PORT/__stats  (requests, sent_429, violations)
#>
param(
    [double] $RequestsPerSecond = 50,
    [int] $ThrottleLimit = 32,
    [switch] $SharedBudget
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module -Name MuseumSync)) { Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1')) }
$base = $env:MS_BENCH_URL
$db = $env:MS_BENCH_DB
$poll = @{ Uri = "$base/ids"; ItemUri = "$base/assets/{id}"; Source = 'bench'; PageSize = 1000; ThrottleLimit = $ThrottleLimit; RequestsPerSecond = $RequestsPerSecond; SummaryVariable = 'stats' }
if ($SharedBudget) {
    Initialize-SyncDatabase -Database $db | Out-Null
    $poll.Database = $db
}
$clock = [System.Diagnostics.Stopwatch]::StartNew()
$summary = Invoke-MuseumPoll @poll | Sync-MuseumRecord -Source bench -Database $db -BatchSize 5000
$clock.Stop()
"$($summary.Status): $($summary.Inserted) inserted, $($summary.DeadLettered) dead-lettered; $($stats.Requests) requests in $([math]::Round($clock.Elapsed.TotalSeconds, 2)) s = $([math]::Round($stats.Requests / $clock.Elapsed.TotalSeconds, 1)) requests/s after start-up; budget waits $($stats.BudgetWaits), quota waits $($stats.QuotaWaits)"
