# Several syncs at once into one SQLite file, from ForEach-Object -Parallel and from thread jobs.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    # 12 valid records, served slowly enough (pages of 3, 50 ms each) that the syncs overlap.
    $script:Api = Start-SampleApi -Records 12 -PageLatencyMs 50
    $script:Ids = (Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source ids).ObjectId | Sort-Object
    $script:Ids.Count | Should -Be 12

    # Every stored row of the sources, each exactly once, and one checkpoint each at the end of the feed.
    function Assert-EveryRowOnce {
        param([string] $Database, [string[]] $Sources)
        $rows = @(Invoke-SqliteQuery -Database $Database -Query 'SELECT source, object_id, COUNT(*) AS n FROM museum_records GROUP BY source, object_id')
        $rows.Count | Should -Be ($Sources.Count * $script:Ids.Count)
        $rows.n | Select-Object -Unique | Should -Be 1
        foreach ($source in $Sources) {
            ($rows | Where-Object source -EQ $source).object_id | Sort-Object | Should -Be $script:Ids
        }
        $checkpoints = @(Invoke-SqliteQuery -Database $Database -Query 'SELECT source, position FROM sync_checkpoints ORDER BY source')
        $checkpoints.source | Should -Be ($Sources | Sort-Object)
        $checkpoints.position | Select-Object -Unique | Should -HaveCount 1 # the same feed: the same last cursor
        @(Invoke-SqliteQuery -Database $Database -Query 'SELECT resource FROM sync_leases').Count | Should -Be 0
    }
}

AfterAll {
    Stop-TestProcess $script:Api
}

Describe 'ForEach-Object -Parallel' {
    It 'syncs four sources into one SQLite file at once: every row exactly once' {
        $db = Join-Path $TestDrive 'parallel.db'
        $module = Get-MuseumSyncModulePath
        $uri = $script:Api.ObjectsUri

        $summaries = @(1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
                Import-Module -Name $using:module -ErrorAction Stop
                Invoke-MuseumPoll -Uri $using:uri -Source "par$_" -PageSize 3 -Database $using:db |
                    Sync-MuseumRecord -Source "par$_" -Database $using:db -BatchSize 2
            })

        $summaries.Count | Should -Be 4
        $summaries.Status | Select-Object -Unique | Should -Be 'Completed'
        $summaries.Inserted | Select-Object -Unique | Should -Be 12
        Assert-EveryRowOnce -Database $db -Sources par1, par2, par3, par4
    }
}

Describe 'Start-ThreadJob' {
    It 'syncs three sources into one SQLite file from thread jobs: every row exactly once, and a rerun adds nothing' {
        $db = Join-Path $TestDrive 'threadjob.db'
        $module = Get-MuseumSyncModulePath
        $sync = {
            param($module, $uri, $db, $source)
            Import-Module -Name $module -ErrorAction Stop
            Invoke-MuseumPoll -Uri $uri -Source $source -PageSize 3 -Database $db | Sync-MuseumRecord -Source $source -Database $db -BatchSize 5
        }

        foreach ($round in 1, 2) {
            $jobs = foreach ($source in 'job1', 'job2', 'job3') {
                Start-ThreadJob -ScriptBlock $sync -ArgumentList $module, $script:Api.ObjectsUri, $db, $source
            }
            try {
                $finished = $jobs | Wait-Job -Timeout 120
                @($finished).Count | Should -Be 3 -Because 'every job ends within two minutes'
                $jobs.State | Select-Object -Unique | Should -Be 'Completed'
                $jobErrors = $null
                $summaries = @($jobs | Receive-Job -ErrorVariable jobErrors -ErrorAction SilentlyContinue)
                $jobErrors | Should -BeNullOrEmpty
            }
            finally { $jobs | Remove-Job -Force }

            $summaries.Count | Should -Be 3
            $summaries.Status | Select-Object -Unique | Should -Be 'Completed'
            $summaries.Inserted | Select-Object -Unique | Should -Be $(if ($round -eq 1) { 12 } else { 0 })
            Assert-EveryRowOnce -Database $db -Sources job1, job2, job3
        }
    }

    It 'two jobs on the same source at once never store a row twice: one syncs, the other is told the source is busy' {
        $db = Join-Path $TestDrive 'same-source.db'
        Initialize-SyncDatabase -Database $db | Out-Null
        $sync = {
            param($module, $uri, $db)
            Import-Module -Name $module -ErrorAction Stop
            $warnings = $null
            try {
                $summary = Invoke-MuseumPoll -Uri $uri -Source shared -PageSize 3 -Database $db |
                    Sync-MuseumRecord -Source shared -Database $db -WarningAction SilentlyContinue -WarningVariable warnings
                [pscustomobject]@{ Summary = $summary; ErrorId = $null; Warnings = @($warnings) }
            }
            catch { [pscustomobject]@{ Summary = $null; ErrorId = $_.FullyQualifiedErrorId; Warnings = @($warnings) } }
        }
        $jobs = 1, 2 | ForEach-Object { Start-ThreadJob -ScriptBlock $sync -ArgumentList (Get-MuseumSyncModulePath), $script:Api.ObjectsUri, $db }
        try {
            @($jobs | Wait-Job -Timeout 120).Count | Should -Be 2
            $jobErrors = $null
            $results = @($jobs | Receive-Job -ErrorVariable jobErrors -ErrorAction SilentlyContinue)
            $jobErrors | Should -BeNullOrEmpty
        }
        finally { $jobs | Remove-Job -Force }

        $results.Count | Should -Be 2
        $completed = @($results | Where-Object Summary)
        $busy = @($results | Where-Object ErrorId)
        ($completed.Count + $busy.Count) | Should -Be 2
        # Either the runs overlapped (one told the source is busy) or ran one after the other (the second resumed):
        # never both inserting.
        $completed.Summary.Status | Select-Object -Unique | Should -Be 'Completed'
        ($completed.Summary.Inserted | Measure-Object -Sum).Sum | Should -Be 12
        foreach ($refused in $busy) {
            $refused.ErrorId | Should -BeLike 'SyncSourceBusy,*'
            $refused.Warnings.Message | Should -BeLike "*'shared' is busy*" # said even with the warning silenced on screen
        }
        Assert-EveryRowOnce -Database $db -Sources shared
    }
}
