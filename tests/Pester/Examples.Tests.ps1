# The example scripts, RUN for real against the sample API and temp folders (Task Scheduler mocked where Windows is
# needed), and every PowerShell file of the repository parsed.

BeforeDiscovery {
    $root = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
    $skip = [System.Text.RegularExpressions.Regex]::new('[\\/](bin|obj|out|node_modules|\.git)[\\/]')
    $script:ScriptFiles = @(
        Get-ChildItem -LiteralPath $root -Recurse -File -Include *.ps1, *.psm1, *.psd1 |
            Where-Object { -not $skip.IsMatch($_.FullName.Substring($root.Length)) } |
            ForEach-Object { @{ Path = $_.FullName; Name = [System.IO.Path]::GetRelativePath($root, $_.FullName) } }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    $script:Examples = Join-Path (Get-RepoRoot) 'examples'
    # 300 lines: 12 invalid, 6 re-sent revisions; the sample API's default pages of 100.
    $script:Api = Start-SampleApi -Records 300
    $script:Invalid = 12
    $script:Valid = 300 - 12 - 6
}

AfterAll {
    Stop-TestProcess $script:Api
}

Describe 'Every PowerShell file in the repository' {
    It 'finds the scripts to parse' -TestCases @{ Names = $script:ScriptFiles.Name } {
        $Names.Count | Should -BeGreaterThan 5
        $Names | Should -Contain ([System.IO.Path]::Combine('examples', 'quickstart.ps1'))
        $Names | Should -Contain ([System.IO.Path]::Combine('examples', 'scheduled', 'run-sync.ps1'))
        $Names | Should -Contain ([System.IO.Path]::Combine('tests', 'Pester', 'TestSupport.psm1'))
    }

    It '<Name> parses without errors' -ForEach $script:ScriptFiles {
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$errors)
        ($errors | ForEach-Object { "$($Name):$($_.Extent.StartLineNumber):$($_.Extent.StartColumnNumber): $($_.Message)" }) -join "`n" |
            Should -BeNullOrEmpty
    }
}

Describe 'examples/export-invalid.ps1' {
    It 'syncs the feed and writes the dead letters and the invalid records to CSV' {
        $db = Join-Path $TestDrive 'export.db'
        $reports = Join-Path $TestDrive 'reports'
        $result = & (Join-Path $script:Examples 'export-invalid.ps1') -Uri $script:Api.ObjectsUri -Database $db -OutputDirectory $reports

        $result.DeadLetters | Should -Be $script:Invalid
        $result.InvalidRecords | Should -Be $script:Invalid
        $result.Synced.Inserted | Should -Be $script:Valid
        $deadLetters = @(Import-Csv -LiteralPath $result.DeadLetterCsv)
        $deadLetters.Count | Should -Be $script:Invalid
        $deadLetters.Payload | Sort-Object | Should -Be ((Invoke-SqliteQuery -Database $db -Query 'SELECT payload FROM sync_dead_letters').payload | Sort-Object)
        $deadLetters | ForEach-Object { $_.Rules | Should -Not -BeNullOrEmpty }
        $invalid = @(Import-Csv -LiteralPath $result.InvalidRecordCsv)
        $invalid.Count | Should -Be $script:Invalid
        $invalid | ForEach-Object { $_.SourceUrl | Should -BeLike "$($script:Api.ObjectsUri)*" }
    }
}

Describe 'examples/replay-dead-letters.ps1' {
    It 'syncs the feed first, then replays its dead letters: still invalid, seen again, checkpoint unmoved' {
        $db = Join-Path $TestDrive 'replay.db'
        $summary = & (Join-Path $script:Examples 'replay-dead-letters.ps1') -Uri $script:Api.ObjectsUri -Database $db

        $summary.GetType().FullName | Should -Be 'MuseumSync.SyncSummary'
        $summary.DeadLettersSeenBefore | Should -Be $script:Invalid
        $summary.DeadLettersResolved | Should -Be 0
        (Invoke-SqliteQuery -Database $db -Query 'SELECT COUNT(*) AS n FROM sync_dead_letters WHERE attempt_count = 2').n | Should -Be $script:Invalid
        @(Get-StoredRecord -Database $db -Source demo).Count | Should -Be $script:Valid
    }
}

Describe 'examples/Start-SampleMuseumApi.ps1' {
    It 'starts the sample API (as built) on a free port and returns its feed' {
        # The configuration that is built: Release after ./build.ps1 (CI), Debug after a plain dotnet build.
        $configuration = if ((Get-SampleApiPath) -match '[\\/]Release[\\/]') { 'Release' } else { 'Debug' }
        $api = & (Join-Path $script:Examples 'Start-SampleMuseumApi.ps1') -Records 7 -NoBuild -Configuration $configuration
        try {
            $api.ObjectsUri | Should -Match '^http://127\.0\.0\.1:\d+/objects$'
            $api.Process.HasExited | Should -BeFalse
            @(Invoke-MuseumPoll -Uri $api.ObjectsUri -Source started).Count | Should -Be 7
        }
        finally { Stop-TestProcess $api.Process }
        { Invoke-MuseumPoll -Uri $api.ObjectsUri -Source stopped -MaxRetries 0 -ErrorAction Stop } | Should -Throw -ErrorId 'MuseumPollUnreachable,*'
    }
}

Describe 'examples/quickstart.ps1' {
    It 'starts the sample API itself, syncs it and prints the summary, checkpoint and dead letters' {
        $db = Join-Path $TestDrive 'quickstart.db'
        $run = Invoke-Pwsh -ArgumentList '-File', (Join-Path $script:Examples 'quickstart.ps1'), '-Database', $db, '-Records', 100 -TimeoutSec 300

        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $run.StdOut | Should -Match 'Syncing http://127\.0\.0\.1:\d+/objects'
        $run.StdOut | Should -Match 'Dead letters \(4\):'
        @(Get-StoredRecord -Database $db -Source demo).Count | Should -Be (100 - 4 - 2)
        (Get-SyncCheckpoint -Source demo -Database $db).RecordsCommitted | Should -BeGreaterOrEqual (100 - 4 - 2)
        @(Get-SyncDeadLetter -Source demo -Database $db).Count | Should -Be 4
    }
}

Describe 'examples/sync.psd1 with Invoke-MuseumSync' {
    It 'runs its local source against the sample API, with its store and metrics beside the config' {
        $config = Join-Path $TestDrive 'sync.psd1'
        $text = Get-Content -LiteralPath (Join-Path $script:Examples 'sync.psd1') -Raw
        $text.Contains("'http://127.0.0.1:5000/objects'") | Should -BeTrue
        $text.Replace("'http://127.0.0.1:5000/objects'", "'$($script:Api.ObjectsUri)'") | Set-Content -LiteralPath $config -Encoding utf8

        $summary = @(Invoke-MuseumSync -ConfigPath $config -Source local)

        $summary.Source | Should -Be 'local'
        $summary.Status | Should -Be 'Completed'
        $summary.Inserted | Should -Be $script:Valid
        $summary.DeadLettered | Should -Be $script:Invalid
        @(Get-StoredRecord -Database (Join-Path $TestDrive 'museum.db') -Source local).Count | Should -Be $script:Valid
        Get-Content -LiteralPath (Join-Path $TestDrive 'museumsync.prom') -Raw | Should -Match 'museumsync_'
    }
}

Describe 'examples/scheduled/run-sync.ps1' {
    It 'exits 0 and prints one line per source when every source completes' {
        $dir = Join-Path $TestDrive 'run-ok'
        $null = New-Item -ItemType Directory -Path $dir
        @"
@{
    Store   = @{ Database = 'museum.db' }
    Sources = @(
        @{ Name = 'one'; Uri = '$($script:Api.ObjectsUri)' }
        @{ Name = 'two'; Uri = '$($script:Api.ObjectsUri)'; PageSize = 50 }
    )
}
"@ | Set-Content -LiteralPath (Join-Path $dir 'sync.psd1') -Encoding utf8

        $run = Invoke-Pwsh -ArgumentList '-File', (Join-Path $script:Examples 'scheduled' 'run-sync.ps1'), '-ConfigPath', (Join-Path $dir 'sync.psd1'),
            '-LogDirectory', (Join-Path $dir 'logs'), '-ModulePath', (Get-MuseumSyncModulePath)

        $run.ExitCode | Should -Be 0 -Because "$($run.StdOut) $($run.StdErr)"
        $run.StdOut | Should -Match "(?m)^one\s+Completed\s+received \d+, inserted $($script:Valid),"
        $run.StdOut | Should -Match "(?m)^two\s+Completed\s+received \d+, inserted $($script:Valid),"
        @(Get-StoredRecord -Database (Join-Path $dir 'museum.db') -Source two).Count | Should -Be $script:Valid
        $logs = @(Get-ChildItem -LiteralPath (Join-Path $dir 'logs') -Filter 'museumsync-*.log')
        $logs.Count | Should -Be 1
        Get-Content -LiteralPath $logs[0].FullName -Raw | Should -Match 'one\s+Completed'
    }

    It 'exits 1 when a source fails, and still syncs the others' {
        $dir = Join-Path $TestDrive 'run-failed'
        $null = New-Item -ItemType Directory -Path $dir
        @"
@{
    Store   = @{ Database = 'museum.db' }
    Sources = @(
        @{ Name = 'down'; Uri = 'http://127.0.0.1:9/objects'; MaxRetries = 0 }
        @{ Name = 'up'; Uri = '$($script:Api.ObjectsUri)' }
    )
}
"@ | Set-Content -LiteralPath (Join-Path $dir 'sync.psd1') -Encoding utf8

        $run = Invoke-Pwsh -ArgumentList '-File', (Join-Path $script:Examples 'scheduled' 'run-sync.ps1'), '-ConfigPath', (Join-Path $dir 'sync.psd1'),
            '-LogDirectory', (Join-Path $dir 'logs'), '-ModulePath', (Get-MuseumSyncModulePath)

        $run.ExitCode | Should -Be 1 -Because "$($run.StdOut) $($run.StdErr)"
        $run.StdOut | Should -Match '(?m)^down\s+Failed'
        $run.StdOut | Should -Match '(?m)^up\s+Completed'
        "$($run.StdOut) $($run.StdErr)" | Should -Match '1 of 2 source\(s\) failed: down'
        @(Get-StoredRecord -Database (Join-Path $dir 'museum.db') -Source up).Count | Should -Be $script:Valid
    }
}

Describe 'examples/scheduled/Register-MuseumSyncTask.ps1' {
    BeforeAll {
        # The ScheduledTasks module exists on Windows only: stubs make the commands exist, Mock records the calls.
        function New-ScheduledTaskAction { param($Execute, $Argument, $WorkingDirectory) }
        function New-ScheduledTaskTrigger { param([switch] $Daily, [switch] $Once, $At, $RepetitionInterval, $RepetitionDuration) }
        function New-ScheduledTaskSettingsSet {
            param($ExecutionTimeLimit, $RestartCount, $RestartInterval, $MultipleInstances, [switch] $StartWhenAvailable,
                [switch] $DontStopOnIdleEnd, [switch] $AllowStartIfOnBatteries, [switch] $DontStopIfGoingOnBatteries)
        }
        function New-ScheduledTaskPrincipal { param($UserId, $LogonType, $RunLevel) }
        function New-ScheduledTask { param($Action, $Trigger, $Settings, $Principal, $Description) }
        function Register-ScheduledTask { param($TaskName, $TaskPath, $InputObject, [switch] $Force) }

        $script:Register = Join-Path $script:Examples 'scheduled' 'Register-MuseumSyncTask.ps1'
        $script:Config = Join-Path $TestDrive 'task-sync.psd1'
        Copy-Item -LiteralPath (Join-Path $script:Examples 'sync.psd1') -Destination $script:Config
        $script:Pwsh = Join-Path $TestDrive 'pwsh.exe'
        Set-Content -LiteralPath $script:Pwsh -Value 'stand-in for pwsh.exe'
    }

    BeforeEach {
        Mock New-ScheduledTaskAction { [pscustomobject]@{ Kind = 'action'; Execute = $Execute; Argument = $Argument } }
        Mock New-ScheduledTaskTrigger { [pscustomobject]@{ Kind = 'trigger'; Repetition = if ($Once) { "every $RepetitionInterval" } } }
        Mock New-ScheduledTaskSettingsSet { [pscustomobject]@{ Kind = 'settings' } }
        Mock New-ScheduledTaskPrincipal { [pscustomobject]@{ Kind = 'principal'; UserId = $UserId; LogonType = $LogonType } }
        Mock New-ScheduledTask { [pscustomobject]@{ Kind = 'task'; Action = $Action; Trigger = $Trigger; Principal = $Principal } }
        Mock Register-ScheduledTask { [pscustomobject]@{ TaskName = $TaskName; TaskPath = $TaskPath; Task = $InputObject } }
    }

    It 'registers a nightly task running run-sync.ps1 with pwsh -NonInteractive as a gMSA, repeating every 4 hours' {
        $registered = & $script:Register -ConfigPath $script:Config -UserId 'MUSEUM\svc-sync$' -RepeatEvery '04:00:00' -At '02:30' -PwshPath $script:Pwsh -Force

        $registered.TaskName | Should -Be 'MuseumSync'
        $registered.TaskPath | Should -Be '\MuseumSync\'
        $registered.Task.Action.Execute | Should -Be $script:Pwsh
        $runSync = Join-Path $script:Examples 'scheduled' 'run-sync.ps1'
        $registered.Task.Action.Argument | Should -BeLike "-NoProfile -NonInteractive * -File `"$runSync`" -ConfigPath `"$($script:Config)`" -LogDirectory *"
        $registered.Task.Trigger.Repetition | Should -Be 'every 04:00:00'
        $registered.Task.Principal.UserId | Should -Be 'MUSEUM\svc-sync$'
        $registered.Task.Principal.LogonType | Should -Be 'Password'
        Should -Invoke New-ScheduledTaskSettingsSet -Times 1 -Exactly -ParameterFilter { $MultipleInstances -eq 'IgnoreNew' -and $RestartCount -eq 3 }
        Should -Invoke Register-ScheduledTask -Times 1 -Exactly -ParameterFilter { $Force }
    }

    It 'runs as SYSTEM by default, and -WhatIf registers nothing' {
        & $script:Register -ConfigPath $script:Config -PwshPath $script:Pwsh -WhatIf
        Should -Invoke New-ScheduledTaskPrincipal -Times 1 -Exactly -ParameterFilter { $UserId -eq 'NT AUTHORITY\SYSTEM' -and $LogonType -eq 'ServiceAccount' }
        Should -Invoke Register-ScheduledTask -Times 0 -Exactly
    }

    It 'refuses a user account (its password would be stored) and a missing config, before registering anything' {
        { & $script:Register -ConfigPath $script:Config -UserId 'MUSEUM\alice' -PwshPath $script:Pwsh } | Should -Throw '*group managed service account*'
        { & $script:Register -ConfigPath (Join-Path $TestDrive 'missing.psd1') -PwshPath $script:Pwsh } | Should -Throw '*missing.psd1 does not exist*'
        Should -Invoke Register-ScheduledTask -Times 0 -Exactly
    }
}
