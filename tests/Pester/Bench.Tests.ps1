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
        param([string] $Name, [string] $Database)
        $env:MS_BENCH_URL = $script:Api.Url
        $env:MS_BENCH_DB = $Database
        try { Invoke-Pwsh -ArgumentList @('-File', (Join-Path $script:Bench $Name)) -TimeoutSec 300 }
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
