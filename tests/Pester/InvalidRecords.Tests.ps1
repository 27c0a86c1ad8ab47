# Invalid records are outcomes the sync handled, not failures of the cmdlet (issue 12): in real pwsh, against the sample
# API (examples/SampleApi, 500 feed lines of which 20 are invalid), under $ErrorActionPreference = 'Stop',
# -ErrorAction Stop and the default alike.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule

    $script:api = & ([System.IO.Path]::Combine((Get-RepoRoot), 'examples', 'Start-SampleMuseumApi.ps1')) -Records 500
    $script:uri = $script:api.ObjectsUri

    # What a run leaves in the store: committed and dead-lettered totals, the checkpoint, every dead letter's payload.
    function Get-StoreState([string] $Database) {
        $checkpoint = Get-SyncCheckpoint -Source demo -Database $Database
        [pscustomobject]@{
            Committed    = $checkpoint.RecordsCommitted
            DeadLettered = $checkpoint.DeadLettered
            Cursor       = $checkpoint.Cursor
            DeadLetters  = (@(Get-SyncDeadLetter -Source demo -Database $Database | ForEach-Object Payload) | Sort-Object) -join "`n"
        }
    }

    function New-Database { [System.IO.Path]::Combine($TestDrive, "$([guid]::NewGuid().ToString('N')).db") }

    function New-Config([string] $Database, [string] $Uri = $script:uri, [string] $Keys = '') {
        $path = [System.IO.Path]::Combine($TestDrive, "$([guid]::NewGuid().ToString('N')).psd1")
        Set-Content -LiteralPath $path -Value "@{ Store = @{ Database = '$Database' }; Defaults = @{ PageSize = 50; BatchSize = 64 }; Sources = @( @{ Name = 'demo'; Uri = '$Uri'$Keys } ) }"
        $path
    }

    # A loopback port nothing listens on: connections are refused at once.
    function Get-ClosedPort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    # The per-record warnings and the closing line: the first ten dead letters, then one line for the other ten.
    function Assert-BoundedWarnings($Warnings) {
        $messages = @($Warnings | ForEach-Object Message)
        $messages.Count | Should -Be 11
        @($messages | Where-Object { $_ -like "Record '*' of source 'demo'* is invalid and was dead-lettered: *" }).Count | Should -Be 10
        $messages[-1] | Should -BeLike "... and 10 more invalid records of source 'demo' were dead-lettered*see Get-SyncDeadLetter -Source demo*"
    }

    $script:cases = @(
        @{ Case = "`$ErrorActionPreference = 'Stop'"; Preference = 'Stop'; Common = @{} }
        @{ Case = '-ErrorAction Stop'; Preference = 'Continue'; Common = @{ ErrorAction = 'Stop' } }
        @{ Case = 'the default preference'; Preference = 'Continue'; Common = @{} }
    )
}

AfterAll {
    if ($script:api) {
        if (-not $script:api.Process.HasExited) { $script:api.Process.Kill($true) }
        $script:api.Process.Dispose()
    }
}

Describe 'Sync-MuseumRecord with invalid records in the feed' {
    It 'syncs the whole feed the same under $ErrorActionPreference = Stop, -ErrorAction Stop and the default' {
        $states = foreach ($case in $script:cases) {
            $db = New-Database
            $common = $case.Common
            $ErrorActionPreference = $case.Preference
            $summary = Invoke-MuseumPoll -Uri $script:uri -Source demo -Database $db -PageSize 50 |
                Sync-MuseumRecord -Source demo -Database $db @common -WarningVariable warnings -WarningAction SilentlyContinue
            $ErrorActionPreference = 'Continue'

            $summary.Status | Should -Be 'Completed' -Because $case.Case
            $summary.Received | Should -Be 500
            $summary.DeadLettered | Should -Be 20
            Assert-BoundedWarnings $warnings
            Get-StoreState $db
        }
        $states[0].Committed | Should -Be 480
        $states[0].DeadLettered | Should -Be 20
        $states[0].Cursor | Should -Not -BeNullOrEmpty
        foreach ($state in $states[1..2]) {
            $state.Committed | Should -Be $states[0].Committed
            $state.DeadLettered | Should -Be $states[0].DeadLettered
            $state.Cursor | Should -Be $states[0].Cursor
            $state.DeadLetters | Should -BeExactly $states[0].DeadLetters
        }
        $script:pipelineState = $states[0]
    }

    It 'names the dead letters it warns about only once they are committed, and they are in Get-SyncDeadLetter' {
        $db = New-Database
        $null = Invoke-MuseumPoll -Uri $script:uri -Source demo -Database $db -PageSize 50 |
            Sync-MuseumRecord -Source demo -Database $db -MaxInvalidWarnings 3 -WarningVariable warnings -WarningAction SilentlyContinue
        $named = @($warnings | Where-Object Message -like "Record '*" | ForEach-Object { $_.Message.Split("'")[1] })
        $named.Count | Should -Be 3
        $stored = @(Get-SyncDeadLetter -Source demo -Database $db | ForEach-Object ObjectId)
        foreach ($id in $named | Where-Object { $_ -ne '(no id)' }) { $stored | Should -Contain $id }
        $warnings[-1].Message | Should -BeLike '... and 17 more invalid records*'
    }

    It '-EnableException writes one non-terminating MuseumRecordInvalid error per dead letter and still completes' {
        $db = New-Database
        $summary = Invoke-MuseumPoll -Uri $script:uri -Source demo -Database $db -PageSize 50 |
            Sync-MuseumRecord -Source demo -Database $db -EnableException -ErrorAction SilentlyContinue -ErrorVariable invalid -WarningVariable warnings
        $summary.Status | Should -Be 'Completed'
        $invalid.Count | Should -Be 20
        $invalid | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'MuseumRecordInvalid,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand' }
        $invalid | ForEach-Object { $_.TargetObject.GetType().FullName | Should -Be 'MuseumSync.MuseumRecord' }
        $warnings.Count | Should -Be 0
    }

    It '-EnableException under $ErrorActionPreference = Stop stops at the first dead letter, which is committed' {
        $db = New-Database
        $ErrorActionPreference = 'Stop'
        $thrown = $null
        try {
            $null = Invoke-MuseumPoll -Uri $script:uri -Source demo -Database $db -PageSize 50 |
                Sync-MuseumRecord -Source demo -Database $db -EnableException
        }
        catch { $thrown = $_ }
        $ErrorActionPreference = 'Continue'
        $thrown | Should -Not -BeNullOrEmpty
        $thrown.FullyQualifiedErrorId | Should -Be 'MuseumRecordInvalid,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand'
        $payloads = @(Get-SyncDeadLetter -Source demo -Database $db | ForEach-Object Payload)
        $payloads | Should -Contain $thrown.TargetObject.RawJson
    }

    It '-WhatIf says what would be dead-lettered, in the conditional, and writes nothing' {
        $db = New-Database
        $ErrorActionPreference = 'Stop'
        $summary = Invoke-MuseumPoll -Uri $script:uri -Source demo -PageSize 50 |
            Sync-MuseumRecord -Source demo -Database $db -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue
        $ErrorActionPreference = 'Continue'
        $summary.Status | Should -Be 'WhatIf'
        Test-Path -LiteralPath $db | Should -BeFalse
        $messages = @($warnings | ForEach-Object Message)
        $messages.Count | Should -Be 11
        @($messages | Where-Object { $_ -like '*It would be dead-lettered; its batch was not committed*' }).Count | Should -Be 10
        $messages[-1] | Should -BeLike '... and 10 more invalid records of source ''demo'' would be dead-lettered*'
        $messages | Where-Object { $_ -match 'was dead-lettered|were dead-lettered' } | Should -BeNullOrEmpty
    }

    It 'an unreachable API is still a terminating error under $ErrorActionPreference = Stop' {
        $db = New-Database
        $port = Get-ClosedPort
        $ErrorActionPreference = 'Stop'
        { Invoke-MuseumPoll -Uri "http://127.0.0.1:$port/objects" -Source demo -MaxRetries 0 | Sync-MuseumRecord -Source demo -Database $db } |
            Should -Throw -ErrorId 'MuseumPollUnreachable,MuseumSync.PowerShell.Commands.InvokeMuseumPollCommand'
    }

    It 'an unwritable store is still a terminating error under $ErrorActionPreference = Stop' {
        $notADirectory = [System.IO.Path]::Combine($TestDrive, 'file.txt')
        Set-Content -LiteralPath $notADirectory -Value 'not a directory'
        $db = [System.IO.Path]::Combine($notADirectory, 'museum.db')
        $ErrorActionPreference = 'Stop'
        { Invoke-MuseumPoll -Uri $script:uri -Source demo -PageSize 50 | Sync-MuseumRecord -Source demo -Database $db } |
            Should -Throw -ErrorId 'SyncStoreError,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand'
    }
}

Describe 'Invoke-MuseumSync with invalid records in the feed' {
    It 'syncs the whole feed the same under $ErrorActionPreference = Stop, -ErrorAction Stop and the default, as the pipeline does' {
        $states = foreach ($case in $script:cases) {
            $db = New-Database
            $config = New-Config $db
            $common = $case.Common
            $ErrorActionPreference = $case.Preference
            $summary = Invoke-MuseumSync -ConfigPath $config @common -WarningVariable warnings -WarningAction SilentlyContinue
            $ErrorActionPreference = 'Continue'

            $summary.Status | Should -Be 'Completed' -Because $case.Case
            $summary.DeadLettered | Should -Be 20
            $global:LASTEXITCODE | Should -Be 0
            Assert-BoundedWarnings $warnings
            Get-StoreState $db
        }
        foreach ($state in $states) {
            $state.Committed | Should -Be 480
            $state.DeadLettered | Should -Be 20
            $state.Cursor | Should -Be $states[0].Cursor
            $state.DeadLetters | Should -BeExactly $states[0].DeadLetters
        }
        if ($script:pipelineState) {
            $states[0].Cursor | Should -Be $script:pipelineState.Cursor
            $states[0].DeadLetters | Should -BeExactly $script:pipelineState.DeadLetters
        }
    }

    It 'the EnableException config key writes one MuseumRecordInvalid error per dead letter' {
        $db = New-Database
        $summary = Invoke-MuseumSync -ConfigPath (New-Config $db -Keys '; EnableException = $true') -ErrorAction SilentlyContinue -ErrorVariable invalid -WarningVariable warnings
        $summary.Status | Should -Be 'Completed'
        $invalid.Count | Should -Be 20
        $invalid | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'MuseumRecordInvalid,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand' }
        $warnings.Count | Should -Be 0
    }

    It 'an unwritable store is still a terminating error under $ErrorActionPreference = Stop' {
        $notADirectory = [System.IO.Path]::Combine($TestDrive, 'config-file.txt')
        Set-Content -LiteralPath $notADirectory -Value 'not a directory'
        $config = New-Config ([System.IO.Path]::Combine($notADirectory, 'museum.db'))
        $ErrorActionPreference = 'Stop'
        { Invoke-MuseumSync -ConfigPath $config } | Should -Throw -ErrorId 'SyncStoreError,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand'
        $ErrorActionPreference = 'Continue'
        $global:LASTEXITCODE | Should -Be 1
    }

    It 'a failed source is still a terminating error under $ErrorActionPreference = Stop, after the other sources ran' {
        $db = New-Database
        $port = Get-ClosedPort
        $config = [System.IO.Path]::Combine($TestDrive, 'two.psd1')
        Set-Content -LiteralPath $config -Value "@{ Store = @{ Database = '$db' }; Sources = @( @{ Name = 'down'; Uri = 'http://127.0.0.1:$port/objects'; MaxRetries = 0 }, @{ Name = 'demo'; Uri = '$($script:uri)'; PageSize = 50 } ) }"
        $global:LASTEXITCODE = 0
        $ErrorActionPreference = 'Stop'
        { Invoke-MuseumSync -ConfigPath $config -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'SyncSourceFailed,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand'
        $ErrorActionPreference = 'Continue'
        $global:LASTEXITCODE | Should -Be 1
        (Get-SyncCheckpoint -Source demo -Database $db).RecordsCommitted | Should -Be 480
    }
}
