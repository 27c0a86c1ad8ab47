<#
.SYNOPSIS
    Issue #18's floor in pwsh: the work a sync cannot avoid (GET, parse, hash, upsert into MuseumSync's own table), run
    as a pipeline of two minimal cmdlets, Invoke-FloorPoll | Sync-FloorRecord, so the records cross the PowerShell
    pipeline as MuseumSync's records do. Not MuseumSync: a yardstick for bench/sync-defaults.ps1.

.DESCRIPTION
    run.sh sets MS_BENCH_URL (base URL) and MS_BENCH_DB (SQLite path). The cmdlets are in the benchmark harness
    (tests/MuseumSync.Benchmarks/Floor): build it first with `dotnet build tests/MuseumSync.Benchmarks -c Release`;
    MS_FLOOR_DLL names another build of it. Invoke-FloorPoll fetches and parses on a worker thread (the next page
    requested while the current one is parsed) and writes each page's records on the pipeline thread as one object,
    as Invoke-MuseumPoll hands its chunks to Sync-MuseumRecord (-PerRecord: one object per record, as before
    session 10); Sync-FloorRecord hashes and upserts each record on the pipeline thread, committing every 1,000
    (MuseumSync's defaults: 500 per page, 1,000 per transaction). No validation, dead letters or checkpoint, so like
    the seed poller it stores the feed's invalid records, and run.sh marks it FAIL. docs/guide/performance.md gives its figures.

.EXAMPLE
    dotnet build tests/MuseumSync.Benchmarks -c Release
    ../shared/bench/run.sh --records 1000000 --peers sync --no-limits --ours 'pwsh -NoProfile -NonInteractive -File bench/floor-pipeline.ps1'
#>
param(
    # One pipeline object per record instead of one per page.
    [switch] $PerRecord
)
$ErrorActionPreference = 'Stop'
$dll = if ($env:MS_FLOOR_DLL) { $env:MS_FLOOR_DLL } else { [System.IO.Path]::Combine($PSScriptRoot, '..', 'tests', 'MuseumSync.Benchmarks', 'bin', 'Release', 'net10.0', 'MuseumSync.Benchmarks.dll') }
Import-Module -Name $dll
$rows = Invoke-FloorPoll -Uri $env:MS_BENCH_URL -Chunked:(-not $PerRecord) | Sync-FloorRecord -Database $env:MS_BENCH_DB
"floor pipeline: $rows records upserted"
