# The benchmark scripts (bench/*.ps1) are what ../shared/bench/run.sh runs as MuseumSync's row: run each for real, in a
# child pwsh as run.sh does, against the harness's own mock API (../shared/bench/server.js, node) on 127.0.0.1, on a
# small feed, and check the database holds exactly what the mock says a correct sync must produce.

BeforeDiscovery {
    $script:ServerJs = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'bench', 'server.js'))
    $script:Node = Get-Command -Name node -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    $script:SkipReason = if (-not $script:Node) { 'node is not installed (the mock API of ../shared/bench is a Node.js script)' }
                         elseif (-not [System.IO.File]::Exists($script:ServerJs)) { "the benchmark harness is not beside the repository ($script:ServerJs)" }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    $script:ServerJs = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'bench', 'server.js'))
    $script:Bench = Join-Path (Get-RepoRoot) 'bench'

    function Start-MockApi {
        Start-MockMuseumApi -ServerJs $script:ServerJs -ArgumentList @('--records', '3000', '--seed', '7')
    }

    function Invoke-BenchScript {
        param([string] $Name, [string] $Database, [string[]] $Arguments = @())
        $env:MS_BENCH_URL = $script:Api.Url
        $env:MS_BENCH_DB = $Database
        try { Invoke-Pwsh -ArgumentList (@('-File', (Join-Path $script:Bench $Name)) + $Arguments) -TimeoutSec 300 }
        finally { Remove-Item Env:MS_BENCH_URL, Env:MS_BENCH_DB -ErrorAction Ignore }
    }

    function Get-Counts {
        param([string] $Database)
        [pscustomobject]@{
            Rows        = (Invoke-SqliteQuery -Database $Database -Query "SELECT COUNT(*) AS n FROM museum_records WHERE source = 'bench'").n
            DeadLetters = (Invoke-SqliteQuery -Database $Database -Query "SELECT COUNT(*) AS n FROM sync_dead_letters WHERE source = 'bench'").n
        }
    }

    $script:Api = Start-MockApi
}

AfterAll {
    if ($script:Api) { Stop-TestProcess $script:Api.Process }
}

Describe 'The benchmark scripts against the harness mock API' -Skip:([bool]$script:SkipReason) {
    It '<Script> syncs the feed exactly (<Mode>)' -TestCases @(
        @{ Script = 'sync.ps1'; Mode = 'objects' }
        @{ Script = 'sync-onecall.ps1'; Mode = 'objects' }
        @{ Script = 'sync-ids.ps1'; Mode = 'ids' }
    ) {
        param($Script, $Mode)
        $db = Join-Path $TestDrive "$([System.IO.Path]::GetFileNameWithoutExtension($Script)).db"
        $run = Invoke-BenchScript -Name $Script -Database $db
        $run.ExitCode | Should -Be 0 -Because "$Script must succeed (stderr: $($run.StdErr))"
        $run.StdOut | Should -Match 'Completed'
        $expected = $script:Api.Expected.$Mode
        $counts = Get-Counts $db
        $counts.Rows | Should -Be $expected.rows
        $counts.DeadLetters | Should -Be $expected.dead_letters

        # A second run over the unchanged feed resumes from the checkpoint and changes nothing.
        $again = Invoke-BenchScript -Name $Script -Database $db
        $again.ExitCode | Should -Be 0
        $again.StdOut | Should -Match ' 0 inserted, 0 updated'
        (Get-Counts $db).Rows | Should -Be $expected.rows
    }
}

Describe 'The floor scripts (issue #18 yardsticks, not MuseumSync) against the harness mock API' -Skip:([bool]$script:SkipReason) {
    BeforeAll {
        # build.ps1 -Test builds the solution, the benchmark harness with it; a Debug-only build is used when that is all there is.
        $harness = Join-Path (Get-RepoRoot) 'tests/MuseumSync.Benchmarks/bin'
        $script:FloorDll = @('Release', 'Debug') | ForEach-Object { [System.IO.Path]::Combine($harness, $_, 'net10.0', 'MuseumSync.Benchmarks.dll') } |
            Where-Object { [System.IO.File]::Exists($_) } | Select-Object -First 1
        if (-not $script:FloorDll) { throw "The benchmark harness is not built under ${harness}: run 'dotnet build tests/MuseumSync.Benchmarks -c Release' first." }
    }

    It 'floor-pipeline.ps1 (<Mode>) upserts every storable line of the feed through Invoke-FloorPoll | Sync-FloorRecord' -ForEach @(
        @{ Mode = 'a page per pipeline object'; Arguments = @() }, @{ Mode = '-PerRecord'; Arguments = @('-PerRecord') }
    ) {
        $db = Join-Path $TestDrive "floor$($Arguments -join '').db"
        $env:MS_FLOOR_DLL = $script:FloorDll
        try { $run = Invoke-BenchScript -Name 'floor-pipeline.ps1' -Database $db -Arguments $Arguments }
        finally { Remove-Item Env:MS_FLOOR_DLL -ErrorAction Ignore }
        $run.ExitCode | Should -Be 0 -Because "stderr: $($run.StdErr)"
        $run.StdOut -match 'floor pipeline: (\d+) records upserted' | Should -BeTrue -Because "stdout: $($run.StdOut)"
        $upserted = [long]$Matches[1]
        $rows = (Get-Counts $db).Rows
        # The floor validates nothing: it stores every valid record and the invalid ones that still have an id and a
        # title, and upserts a repeated object once per line.
        $rows | Should -BeGreaterOrEqual $script:Api.Expected.objects.rows
        $upserted | Should -BeGreaterOrEqual $rows
        $upserted | Should -BeLessOrEqual 3000
    }

    It 'floor-pipeline-only.ps1 passes the records it is asked for through the pipeline and stores nothing' {
        $env:MS_FLOOR_DLL = $script:FloorDll
        $env:MS_FLOOR_RECORDS = '1234'
        try { $run = Invoke-Pwsh -ArgumentList @('-File', (Join-Path $script:Bench 'floor-pipeline-only.ps1')) -TimeoutSec 300 }
        finally { Remove-Item Env:MS_FLOOR_DLL, Env:MS_FLOOR_RECORDS -ErrorAction Ignore }
        $run.ExitCode | Should -Be 0 -Because "stderr: $($run.StdErr)"
        $run.StdOut | Should -Match 'pipeline only: 1234 records taken'
    }
}
