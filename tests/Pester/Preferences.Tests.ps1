# Common parameters and preference variables, as scheduled scripts use them.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    $script:Api = Start-SampleApi -Records 12

    # Runs a script block in a fresh runspace of this process (no host: a prompt fails instead of waiting),
    # with the module imported; returns the [powershell] instance after Invoke (output in .Output).
    function Invoke-InRunspace {
        param([scriptblock] $Script, [object[]] $ArgumentList = @())
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m) Import-Module -Name $m -ErrorAction Stop').AddArgument((Get-MuseumSyncModulePath)).AddStatement()
        $null = $ps.AddScript($Script.ToString())
        foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        try { $ps.Invoke($null, $output) } catch { $ps | Add-Member -NotePropertyName Failure -NotePropertyValue $_.Exception }
        $ps | Add-Member -NotePropertyName Output -NotePropertyValue @($output) -PassThru
    }

    function Get-ClosedPort {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start()
        try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
    }
}

AfterAll {
    Stop-TestProcess $script:Api
}

Describe '-Verbose' {
    BeforeAll {
        $script:Secret = 'Pester-Secret-' + [guid]::NewGuid().ToString('N')
        $script:Server = Start-FeedServer -Line (New-FeedLine 6) -PageSize 2
    }

    AfterAll {
        if ($script:Server) { $script:Server.Dispose() }
    }

    It 'writes verbose lines that never contain the API key, even when the key travels in the query string' {
        $db = Join-Path $TestDrive 'verbose.db'
        $key = ConvertTo-SecureString $script:Secret -AsPlainText -Force
        $all = & {
            Invoke-MuseumPoll -Uri $script:Server.ObjectsUri -Source keyed -ApiKey $key -ApiKeyIn Query -ApiKeyName api_key -Database $db -Verbose |
                Sync-MuseumRecord -Source keyed -Database $db -Verbose
        } 4>&1

        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $summary = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $summary.Count | Should -Be 1
        $summary[0].Inserted | Should -Be 6
        $verbose.Count | Should -BeGreaterThan 2
        ($verbose.Message -join "`n") | Should -Match 'batch=1'
        # The key was really sent (so the check below means something) ...
        @($script:Server.Requests | Where-Object { $_ -like "*api_key=$($script:Secret)*" }).Count | Should -BeGreaterThan 0
        # ... and is in no verbose line, no summary, no checkpoint and no stored row.
        ($verbose.Message -join "`n") | Should -Not -Match $script:Secret
        ($summary | Out-String -Width 500) | Should -Not -Match $script:Secret
        (Get-SyncCheckpoint -Source keyed -Database $db | Format-List * | Out-String -Width 500) | Should -Not -Match $script:Secret
        foreach ($table in 'museum_records', 'sync_checkpoints', 'sync_dead_letters') {
            (Invoke-SqliteQuery -Database $db -Query "SELECT * FROM $table" | ConvertTo-Json -Depth 2) | Should -Not -Match $script:Secret
        }
    }
}

Describe '-WhatIf and -Confirm' {
    It 'Sync-MuseumRecord -WhatIf writes nothing to the database' {
        $db = Join-Path $TestDrive 'whatif.db'
        Initialize-SyncDatabase -Database $db | Out-Null
        $summary = Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -PageSize 5 | Sync-MuseumRecord -Source demo -Database $db -WhatIf

        $summary.Received | Should -Be 12
        (Invoke-SqliteQuery -Database $db -Query 'SELECT COUNT(*) AS n FROM museum_records').n | Should -Be 0
        (Invoke-SqliteQuery -Database $db -Query 'SELECT COUNT(*) AS n FROM sync_checkpoints').n | Should -Be 0
    }

    It 'Set-SyncCheckpoint -WhatIf and Reset-SyncCheckpoint -WhatIf change nothing' {
        $db = Join-Path $TestDrive 'whatif-checkpoint.db'
        Set-SyncCheckpoint -Source demo -Cursor 'kept' -Database $db -Confirm:$false
        Set-SyncCheckpoint -Source demo -Cursor 'changed' -Database $db -WhatIf
        Reset-SyncCheckpoint -Source demo -Database $db -WhatIf
        (Invoke-SqliteQuery -Database $db -Query "SELECT position FROM sync_checkpoints WHERE source = 'demo'").position | Should -Be 'kept'
    }

    It '-Confirm:$false commits without asking even when $ConfirmPreference asks for everything' {
        $db = Join-Path $TestDrive 'confirm.db'
        $sync = {
            param($uri, $db, $confirmFalse)
            $ConfirmPreference = 'Low'
            Invoke-MuseumPoll -Uri $uri -Source demo | Sync-MuseumRecord -Source demo -Database $db -Confirm:(-not $confirmFalse)
        }

        $asked = Invoke-InRunspace -Script $sync -ArgumentList $script:Api.ObjectsUri, $db, $false
        # No host to answer the prompt: asking fails, so this proves the cmdlet asks under ConfirmPreference=Low ...
        @($asked.Streams.Error | Where-Object FullyQualifiedErrorId -Like 'HostFunctionNotImplemented,*SyncMuseumRecordCommand').Count | Should -BeGreaterThan 0
        @(Get-StoredRecord -Database $db -Source demo).Count | Should -Be 0
        # ... and that -Confirm:$false is what keeps it from asking.
        $confirmed = Invoke-InRunspace -Script $sync -ArgumentList $script:Api.ObjectsUri, $db, $true
        $confirmed.Failure | Should -BeNullOrEmpty
        $confirmed.Output[-1].Inserted | Should -Be 12
        @(Get-StoredRecord -Database $db -Source demo).Count | Should -Be 12
    }
}

Describe '$ProgressPreference' {
    BeforeAll {
        # Slow pages, so that a run lasts longer than the progress interval (250 ms).
        $script:Slow = Start-FeedServer -Line (New-FeedLine 8) -PageSize 1
        $script:Slow.DelayMs = 150
    }

    AfterAll {
        if ($script:Slow) { $script:Slow.Dispose() }
    }

    It "'SilentlyContinue' shows no progress and the sync is the same as with 'Continue'" {
        $sync = {
            param($uri, $db, $preference)
            $ProgressPreference = $preference
            Invoke-MuseumPoll -Uri $uri -Source slow -Database $db | Sync-MuseumRecord -Source slow -Database $db
        }
        $shown = Invoke-InRunspace -Script $sync -ArgumentList $script:Slow.ObjectsUri, (Join-Path $TestDrive 'progress-on.db'), 'Continue'
        $silent = Invoke-InRunspace -Script $sync -ArgumentList $script:Slow.ObjectsUri, (Join-Path $TestDrive 'progress-off.db'), 'SilentlyContinue'

        $shown.Streams.Progress.Count | Should -BeGreaterThan 0
        $silent.Streams.Progress.Count | Should -Be 0
        $silent.HadErrors | Should -BeFalse
        $silent.Output[-1].Inserted | Should -Be 8
        $shown.Output[-1].Inserted | Should -Be 8
        (Get-StoredRecord -Database (Join-Path $TestDrive 'progress-off.db') -Source slow).object_id |
            Should -Be (Get-StoredRecord -Database (Join-Path $TestDrive 'progress-on.db') -Source slow).object_id
    }
}

Describe 'Genuine failures under -ErrorAction Stop' {
    It 'an unreachable endpoint is a terminating MuseumPollUnreachable error that names the URL' {
        $uri = "http://127.0.0.1:$(Get-ClosedPort)/objects"
        $failure = { Invoke-MuseumPoll -Uri $uri -Source down -MaxRetries 0 -ErrorAction Stop } |
            Should -Throw -ErrorId 'MuseumPollUnreachable,MuseumSync.PowerShell.Commands.InvokeMuseumPollCommand' -PassThru
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.Exception.Message | Should -BeLike "*$uri*"
    }

    It 'an unreachable endpoint stops a script under $ErrorActionPreference = Stop with the same id' {
        $uri = "http://127.0.0.1:$(Get-ClosedPort)/objects"
        $db = Join-Path $TestDrive 'down.db'
        $failure = {
            $ErrorActionPreference = 'Stop'
            Invoke-MuseumPoll -Uri $uri -Source down -MaxRetries 0 | Sync-MuseumRecord -Source down -Database $db
            throw 'not reached'
        } | Should -Throw -ErrorId 'MuseumPollUnreachable,MuseumSync.PowerShell.Commands.InvokeMuseumPollCommand' -PassThru
        $failure.TargetObject | Should -Not -BeNullOrEmpty
        @(Get-StoredRecord -Database $db -Source down).Count | Should -Be 0
    }

    It 'a database path that cannot be created is a terminating SyncStoreError naming the path and the fix' {
        $file = Join-Path $TestDrive 'a-file.txt'
        Set-Content -LiteralPath $file -Value 'not a folder'
        $db = Join-Path $file 'museum.db'

        $failure = { Initialize-SyncDatabase -Database $db -ErrorAction Stop } |
            Should -Throw -ErrorId 'SyncStoreError,MuseumSync.PowerShell.Commands.InitializeSyncDatabaseCommand' -PassThru
        $failure.Exception.Message | Should -BeLike "*$db*Check -Database*"

        $failure = { Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo | Sync-MuseumRecord -Source demo -Database $db -ErrorAction Stop } |
            Should -Throw -ErrorId 'SyncStoreError,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand' -PassThru
        $failure.Exception.Message | Should -BeLike "*$db*"
    }

    It 'a missing database for a read is a terminating error that says how to create it' {
        $db = Join-Path $TestDrive 'never-created.db'
        $failure = { Get-SyncCheckpoint -Database $db -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike '*,MuseumSync.PowerShell.Commands.GetSyncCheckpointCommand'
        $failure.Exception.Message | Should -BeLike "*$db*Sync-MuseumRecord*"
        Test-Path -LiteralPath $db | Should -BeFalse
    }
}
