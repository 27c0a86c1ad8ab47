# Ctrl+C (SIGINT) and SIGKILL in the middle of a scheduled sync run by pwsh -File, then a rerun that must end exactly
# where a clean run ends: the same rows, no dead letter twice, the checkpoint at the end of the feed.
# pwsh is started as `dotnet pwsh.dll` (or the pwsh apphost) so that the PID signalled is pwsh's own.

BeforeDiscovery {
    $script:CanSignal = -not $IsWindows
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    # 200 lines (8 invalid, 4 re-sent) in pages of 10, 150 ms per page: a run lasts about 3 s, long enough to interrupt.
    $script:Api = Start-SampleApi -Records 200 -PageLatencyMs 150

    $script:Script = Join-Path $TestDrive 'nightly.ps1'
    @'
param([string] $Uri, [string] $Database, [string] $Marker)
$ErrorActionPreference = 'Stop'
Import-Module -Name $env:MUSEUMSYNC_MODULE
try {
    Invoke-MuseumPoll -Uri $Uri -Source demo -Database $Database -PageSize 10 |
        Sync-MuseumRecord -Source demo -Database $Database -BatchSize 10
    [System.IO.File]::WriteAllText("$Marker.completed", 'completed')
}
finally {
    [System.IO.File]::WriteAllText("$Marker.finally", 'finally')
}
'@ | Set-Content -LiteralPath $script:Script -Encoding utf8

    # Syncs in this session; the lease warnings it wrote (silenced on screen) are left in $script:SyncWarnings.
    function Invoke-Sync {
        param([string] $Database)
        $warnings = $null
        Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -Database $Database -PageSize 10 |
            Sync-MuseumRecord -Source demo -Database $Database -BatchSize 10 -WarningAction SilentlyContinue -WarningVariable warnings
        # The lease warnings only: the feed's invalid records are reported as warnings too (after their batch commits).
        $script:SyncWarnings = @($warnings | Where-Object { $_.Message -like '*lease*' })
    }

    # What a run leaves in the store, in a form two stores can be compared by.
    function Get-StoreState {
        param([string] $Database)
        [pscustomobject]@{
            Records     = @(Invoke-SqliteQuery -Database $Database -Query "SELECT object_id || '|' || title || '|' || hex(content_hash) AS r FROM museum_records WHERE source = 'demo' ORDER BY object_id").r
            DeadLetters = @(Invoke-SqliteQuery -Database $Database -Query "SELECT payload FROM sync_dead_letters WHERE source = 'demo' ORDER BY payload").payload
            Checkpoint  = (Invoke-SqliteQuery -Database $Database -Query "SELECT position FROM sync_checkpoints WHERE source = 'demo'").position
            Leases      = @(Invoke-SqliteQuery -Database $Database -Query 'SELECT resource FROM sync_leases').Count
        }
    }

    function Get-Committed {
        param([string] $Database)
        if (-not [System.IO.File]::Exists($Database)) { return 0 }
        try { [long](Invoke-SqliteQuery -Database $Database -Query "SELECT records_committed FROM sync_checkpoints WHERE source = 'demo'").records_committed }
        catch { 0 } # the schema is still being created
    }

    # Starts the script in a child pwsh, waits (bounded) until its checkpoint shows progress, then signals it.
    function Invoke-InterruptedSync {
        param([string] $Database, [ValidateSet('INT', 'KILL')] [string] $Signal)
        $marker = [System.IO.Path]::ChangeExtension($Database, '.marker')
        $process = [System.Diagnostics.Process]::Start((Get-PwshStartInfo -ArgumentList '-File', $script:Script, '-Uri', $script:Api.ObjectsUri, '-Database', $Database, '-Marker', $marker))
        try {
            $stdout = $process.StandardOutput.ReadToEndAsync()
            $stderr = $process.StandardError.ReadToEndAsync()
            Wait-Until { $process.HasExited -or (Get-Committed $Database) -ge 30 } -TimeoutSec 90 -Because 'the child sync to commit 30 records'
            if ($process.HasExited) { throw "The child sync ended before it could be interrupted: $($stdout.Result) $($stderr.Result)" }
            $committedAtSignal = Get-Committed $Database
            if ($Signal -eq 'KILL') { $process.Kill() }
            else { & (Get-Command -Name kill -CommandType Application | Select-Object -First 1).Source -s INT $process.Id }
            $exited = $process.WaitForExit(30000)
            [pscustomobject]@{
                Exited            = $exited
                CommittedAtSignal = $committedAtSignal
                Finally           = [System.IO.File]::Exists("$marker.finally")
                Completed         = [System.IO.File]::Exists("$marker.completed")
                State             = Get-StoreState $Database
            }
        }
        finally { Stop-TestProcess $process }
    }

    $script:CleanDb = Join-Path $TestDrive 'clean.db'
    $script:Clean = Invoke-Sync -Database $script:CleanDb
    $script:CleanState = Get-StoreState $script:CleanDb
}

AfterAll {
    Stop-TestProcess $script:Api
}

Describe 'A clean run (the reference)' {
    It 'stores every valid record and dead-letters every invalid one' {
        $script:Clean.Status | Should -Be 'Completed'
        $script:CleanState.Records.Count | Should -Be 188 # 200 lines - 8 invalid - 4 re-sent revisions
        $script:CleanState.DeadLetters.Count | Should -Be 8
        $script:CleanState.Checkpoint | Should -Be $script:Clean.Checkpoint
        $script:CleanState.Leases | Should -Be 0
    }
}

Describe 'Interrupting a sync run by pwsh -File' -Skip:(-not $script:CanSignal) {
    It 'Ctrl+C (SIGINT) stops the run gracefully (finally runs, lease released) and a rerun ends exact' {
        $db = Join-Path $TestDrive 'sigint.db'
        $run = Invoke-InterruptedSync -Database $db -Signal INT

        $run.Exited | Should -BeTrue -Because 'pwsh stops the running pipeline on SIGINT and exits'
        $run.Finally | Should -BeTrue -Because 'the pipeline was stopped, not the process killed'
        $run.Completed | Should -BeFalse
        $run.State.Leases | Should -Be 0 -Because 'StopProcessing ends the run and releases its lease'
        $run.State.Records.Count | Should -BeLessThan 188
        $run.State.Records.Count | Should -BeGreaterOrEqual ($run.CommittedAtSignal - 10)

        $rerun = Invoke-Sync -Database $db
        $rerun.Status | Should -Be 'Completed'
        $script:SyncWarnings | Should -BeNullOrEmpty # the interrupted run released its lease: nothing to take over
        $after = Get-StoreState $db
        $after.Records | Should -Be $script:CleanState.Records
        $after.DeadLetters | Should -Be $script:CleanState.DeadLetters
        $after.Checkpoint | Should -Be $script:CleanState.Checkpoint
        $after.Leases | Should -Be 0
    }

    It 'SIGKILL leaves a partial store that a rerun completes exactly' {
        $db = Join-Path $TestDrive 'sigkill.db'
        $run = Invoke-InterruptedSync -Database $db -Signal KILL

        $run.Exited | Should -BeTrue
        $run.Finally | Should -BeFalse -Because 'a killed process runs nothing more'
        $run.Completed | Should -BeFalse
        $run.State.Records.Count | Should -BeGreaterThan 0
        $run.State.Records.Count | Should -BeLessThan 188

        # The dead worker's lease is freed at once on the same host: the rerun is not told the source is busy.
        $rerun = Invoke-Sync -Database $db
        $rerun.Status | Should -Be 'Completed'
        $script:SyncWarnings.Message | Should -BeLike "Took over the lease on 'demo' from a worker that is gone*"
        $after = Get-StoreState $db
        $after.Records | Should -Be $script:CleanState.Records
        $after.DeadLetters | Should -Be $script:CleanState.DeadLetters
        $after.Checkpoint | Should -Be $script:CleanState.Checkpoint
        $after.Leases | Should -Be 0
    }
}
