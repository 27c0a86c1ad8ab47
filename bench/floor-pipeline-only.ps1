<#
.SYNOPSIS
    What the PowerShell pipeline alone costs per record, for issue #18's floor: pwsh starts, imports the floor
    cmdlets, and passes MS_FLOOR_RECORDS (default 1,000,000) records made on a worker thread, in pages of 500, from
    Invoke-FloorPoll -Synthetic to Sync-FloorRecord -NoStore, which binds and takes each and stores nothing.

.DESCRIPTION
    The cmdlets are in the benchmark harness: `dotnet build tests/MuseumSync.Benchmarks -c Release` first (or name
    another build with MS_FLOOR_DLL). run.sh can run it, but it touches neither the API nor the database, so run.sh
    marks its row FAIL; read its CPU. bench/floor-pipeline.ps1 is the whole floor in pwsh; docs/guide/performance.md
    gives the figures.

.EXAMPLE
    dotnet build tests/MuseumSync.Benchmarks -c Release
    /usr/bin/time -f '%U user %S sys' pwsh -NoProfile -NonInteractive -File bench/floor-pipeline-only.ps1
#>
$ErrorActionPreference = 'Stop'
$dll = if ($env:MS_FLOOR_DLL) { $env:MS_FLOOR_DLL } else { [System.IO.Path]::Combine($PSScriptRoot, '..', 'tests', 'MuseumSync.Benchmarks', 'bin', 'Release', 'net10.0', 'MuseumSync.Benchmarks.dll') }
$count = if ($env:MS_FLOOR_RECORDS) { [long]$env:MS_FLOOR_RECORDS } else { 1000000 }
Import-Module -Name $dll
$taken = Invoke-FloorPoll -Synthetic $count | Sync-FloorRecord -NoStore
"pipeline only: $taken records taken"
