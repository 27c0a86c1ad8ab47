# Every exported cmdlet, end to end against the sample API, with assertions on the objects and on the SQLite store.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    # 12 lines: all valid, no re-sent revisions (see Start-SampleApi).
    $script:Api = Start-SampleApi -Records 12
}

AfterAll {
    Stop-TestProcess $script:Api
}

Describe 'The exported cmdlets' {
    It 'are the ones this suite covers' {
        # A new cmdlet needs its end-to-end test here: this list is the reminder.
        (Get-Command -Module MuseumSync).Name | Sort-Object | Should -Be @(
            'ConvertTo-IiifManifest', 'ConvertTo-LidoXml', 'Get-MuseumAccessTier', 'Get-MuseumComplianceRule', 'Get-MuseumRecordText',
            'Get-MuseumSyncJob', 'Get-SyncCheckpoint', 'Get-SyncDeadLetter', 'Initialize-SyncDatabase', 'Invoke-MuseumOcr', 'Invoke-MuseumPoll', 'Invoke-MuseumSync',
            'Reset-SyncCheckpoint', 'Set-SyncCheckpoint', 'Start-MuseumSyncDashboard', 'Start-MuseumSyncWorker', 'Submit-MuseumSync', 'Sync-MuseumRecord', 'Test-IiifManifest', 'Test-LidoRecord')
    }
}

Describe 'Polling and syncing into SQLite' {
    BeforeAll {
        $script:Db = Join-Path $TestDrive 'museum.db'
        $script:Records = @(Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -PageSize 5)
    }

    It 'Invoke-MuseumPoll streams every record of every page as a MuseumRecord' {
        $script:Records.Count | Should -Be 12
        $script:Records | ForEach-Object { $_.GetType().FullName | Should -Be 'MuseumSync.MuseumRecord' }
        $script:Records.IsValid | Should -Not -Contain $false
        $script:Records.Source | Select-Object -Unique | Should -Be 'demo'
        ($script:Records.ObjectId | Select-Object -Unique).Count | Should -Be 12
        $script:Records.PageNumber | Select-Object -Unique | Should -Be @(1, 2, 3)
        $script:Records[0].SourceUrl | Should -BeLike "$($script:Api.ObjectsUri)*"
        $script:Records[0].RawJson | ConvertFrom-Json | Select-Object -ExpandProperty ObjectID | Should -Be $script:Records[0].ObjectId
    }

    It 'Initialize-SyncDatabase creates the schema at its latest version' {
        $status = Initialize-SyncDatabase -Database $script:Db
        $status.Provider | Should -Be 'Sqlite'
        $status.IsCurrent | Should -BeTrue
        $status.CurrentVersion | Should -Be $status.LatestVersion
        $tables = (Invoke-SqliteQuery -Database $script:Db -Query "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").name
        $tables | Should -Contain 'museum_records'
        $tables | Should -Contain 'sync_checkpoints'
        $tables | Should -Contain 'sync_dead_letters'
        (Invoke-SqliteQuery -Database $script:Db -Query 'SELECT MAX(version) AS v FROM schema_migrations').v | Should -Be $status.LatestVersion
    }

    It 'Sync-MuseumRecord stores every polled record once and moves the checkpoint' {
        $summary = Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -PageSize 5 -Database $script:Db |
            Sync-MuseumRecord -Source demo -Database $script:Db -BatchSize 4

        $summary.GetType().FullName | Should -Be 'MuseumSync.SyncSummary'
        $summary.Status | Should -Be 'Completed'
        $summary.Received | Should -Be 12
        $summary.Inserted | Should -Be 12
        $summary.DeadLettered | Should -Be 0
        $summary.Batches | Should -BeGreaterOrEqual 3
        $stored = @(Get-StoredRecord -Database $script:Db -Source demo)
        $stored.object_id | Should -Be ($script:Records.ObjectId | Sort-Object)
        foreach ($record in $script:Records) {
            ($stored | Where-Object object_id -EQ $record.ObjectId).title | Should -BeExactly $record.Title
        }
        (Invoke-SqliteQuery -Database $script:Db -Query "SELECT position FROM sync_checkpoints WHERE source = 'demo'").position |
            Should -Be $summary.Checkpoint
    }

    It 'Sync-MuseumRecord run again resumes from the checkpoint and inserts nothing' {
        $summary = Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -PageSize 5 -Database $script:Db |
            Sync-MuseumRecord -Source demo -Database $script:Db
        $summary.Inserted | Should -Be 0
        $summary.Updated | Should -Be 0
        $summary.Received | Should -BeLessThan 12 # only the last page, from the checkpoint
        (Invoke-SqliteQuery -Database $script:Db -Query 'SELECT COUNT(*) AS n FROM museum_records').n | Should -Be 12
    }

    It 'Get-SyncCheckpoint returns the stored checkpoint' {
        $checkpoint = Get-SyncCheckpoint -Source demo -Database $script:Db
        $checkpoint.Source | Should -Be 'demo'
        # every record committed, counting the last page committed again (unchanged) by the resumed run
        $checkpoint.RecordsCommitted | Should -Be (Invoke-SqliteQuery -Database $script:Db -Query "SELECT records_committed FROM sync_checkpoints WHERE source = 'demo'").records_committed
        $checkpoint.RecordsCommitted | Should -BeGreaterOrEqual 12
        $checkpoint.Endpoint | Should -Be $script:Api.ObjectsUri
        $checkpoint.Cursor | Should -Be (Invoke-SqliteQuery -Database $script:Db -Query "SELECT position FROM sync_checkpoints WHERE source = 'demo'").position
    }

    It 'Set-SyncCheckpoint moves the cursor and Reset-SyncCheckpoint clears it' {
        $set = Set-SyncCheckpoint -Source demo -Cursor 'cursor-from-test' -Database $script:Db -PassThru -Confirm:$false
        $set.Cursor | Should -Be 'cursor-from-test'
        (Invoke-SqliteQuery -Database $script:Db -Query "SELECT position FROM sync_checkpoints WHERE source = 'demo'").position | Should -Be 'cursor-from-test'

        $reset = Reset-SyncCheckpoint -Source demo -Database $script:Db -PassThru -Confirm:$false
        $reset.Cursor | Should -BeNullOrEmpty
        (Invoke-SqliteQuery -Database $script:Db -Query "SELECT position FROM sync_checkpoints WHERE source = 'demo'").position | Should -BeNullOrEmpty
        # The stored records are not touched by a checkpoint change.
        (Invoke-SqliteQuery -Database $script:Db -Query 'SELECT COUNT(*) AS n FROM museum_records').n | Should -Be 12
    }

    It 'Get-SyncDeadLetter returns the invalid records of a feed with their reasons' {
        $dump = Join-Path $TestDrive 'dump.ndjson'
        @(New-FeedLine 2 -Prefix D) + '{"title":"no id here","rights_statement":"http://rightsstatements.org/vocab/NoC-US/1.0/"}' |
            Set-Content -LiteralPath $dump -Encoding utf8
        $summary = Invoke-MuseumPoll -Path $dump -Source dump | Sync-MuseumRecord -Source dump -Database $script:Db
        $summary.Inserted | Should -Be 2
        $summary.DeadLettered | Should -Be 1

        $dead = @(Get-SyncDeadLetter -Source dump -Database $script:Db)
        $dead.Count | Should -Be 1
        $dead[0].GetType().FullName | Should -Be 'MuseumSync.DeadLetter'
        $dead[0].Payload | Should -BeLike '*no id here*'
        $dead[0].Reasons.Count | Should -BeGreaterThan 0
        $dead[0].Reasons[0].Message | Should -Not -BeNullOrEmpty
        (Invoke-SqliteQuery -Database $script:Db -Query "SELECT payload FROM sync_dead_letters WHERE source = 'dump'").payload | Should -Be $dead[0].Payload
        @(Get-SyncDeadLetter -Source demo -Database $script:Db).Count | Should -Be 0
    }
}

Describe 'Compliance and standards cmdlets' {
    BeforeAll {
        $script:Records = @(Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo)
    }

    It 'Get-MuseumComplianceRule lists the built-in rules in order' {
        $rules = @(Get-MuseumComplianceRule)
        $rules.Count | Should -BeGreaterThan 3
        $rules[0].Id | Should -Be 'rights-in-copyright'
        $rules.Id | Should -Contain 'rights-no-copyright'
        $rules | ForEach-Object { $_.Tier | Should -BeIn @('Public', 'Research', 'Restricted') }
    }

    It 'Get-MuseumAccessTier decides each record by its rights statement' {
        $decisions = @($script:Records | Get-MuseumAccessTier)
        $decisions.Count | Should -Be $script:Records.Count
        $decisions.ObjectId | Should -Be $script:Records.ObjectId
        $decisions.IsClassified | Should -Not -Contain $false
        $decisions | ForEach-Object { $_.AssignedTier | Should -BeIn @('Public', 'Research', 'Restricted') }
        $noCopyright = @($decisions | Where-Object Rule -EQ 'rights-no-copyright')
        $noCopyright.Count | Should -BeGreaterThan 0
        $noCopyright | ForEach-Object { $_.RightsStatement | Should -BeLike 'http://rightsstatements.org/vocab/NoC*' }
        $noCopyright.AssignedTier | Select-Object -Unique | Should -Be 'Public'
    }

    It 'ConvertTo-LidoXml writes one LIDO document per record, and Test-LidoRecord validates them' {
        $xml = [xml]($script:Records[0] | ConvertTo-LidoXml)
        $ns = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
        $ns.AddNamespace('lido', 'http://www.lido-schema.org')
        $xml.SelectSingleNode('/lido:lido/lido:lidoRecID', $ns).InnerText | Should -BeLike "*$($script:Records[0].ObjectId)*"

        $file = Join-Path $TestDrive 'demo-lido.xml'
        $written = $script:Records | ConvertTo-LidoXml -OutFile $file
        $written.FullName | Should -Be $file
        ([xml](Get-Content -LiteralPath $file -Raw)).SelectNodes('//lido:lido', $ns).Count | Should -Be $script:Records.Count

        $results = @(Test-LidoRecord -LiteralPath $file -SkipSchema)
        $results.Count | Should -Be $script:Records.Count
        $results.RecordId | Should -Be ($script:Records.ObjectId | ForEach-Object { "demo/$_" })
        $results.IsValid | Should -Not -Contain $false
        # and a broken document is reported, not passed
        (Test-LidoRecord -Xml '<lido:lido xmlns:lido="http://www.lido-schema.org"/>' -SkipSchema).IsValid | Should -BeFalse
    }

    It 'ConvertTo-IiifManifest builds Presentation 3 manifests, and Test-IiifManifest validates them' {
        $manifests = @($script:Records | ConvertTo-IiifManifest -CanvasWidth 800 -CanvasHeight 600)
        $manifests.Count | Should -Be $script:Records.Count
        $json = $manifests[0].Json | ConvertFrom-Json
        $json.type | Should -Be 'Manifest'
        $json.items[0].width | Should -Be 800
        $json.items[0].height | Should -Be 600
        $manifests[0].ObjectId | Should -Be $script:Records[0].ObjectId

        $results = @($manifests | Test-IiifManifest)
        $results.Count | Should -Be $manifests.Count
        $results.IsValid | Should -Not -Contain $false
        (Test-IiifManifest -Json '{"type":"Manifest"}').IsValid | Should -BeFalse
    }
}

Describe 'Invoke-MuseumSync' {
    It 'syncs every source of a configuration file into its store' {
        $config = Join-Path $TestDrive 'sync.psd1'
        @"
@{
    Store   = @{ Database = 'multi.db' }
    Sources = @(
        @{ Name = 'one'; Uri = '$($script:Api.ObjectsUri)'; PageSize = 4 }
        @{ Name = 'two'; Uri = '$($script:Api.ObjectsUri)'; PageSize = 6 }
    )
}
"@ | Set-Content -LiteralPath $config -Encoding utf8

        $summaries = @(Invoke-MuseumSync -ConfigPath $config)

        $summaries.Source | Should -Be @('one', 'two')
        $summaries.Status | Select-Object -Unique | Should -Be 'Completed'
        $summaries.Inserted | Should -Be @(12, 12)
        $db = Join-Path $TestDrive 'multi.db' # relative to the config file
        @(Get-StoredRecord -Database $db -Source one).Count | Should -Be 12
        @(Get-StoredRecord -Database $db -Source two).Count | Should -Be 12
        (Get-SyncCheckpoint -Database $db).Source | Sort-Object | Should -Be @('one', 'two')
    }
}

Describe 'Submit-MuseumSync, Start-MuseumSyncWorker and Get-MuseumSyncJob' {
    BeforeAll {
        $script:JobConfig = Join-Path $TestDrive 'jobs.psd1'
        "@{ Store = @{ Database = 'jobs.db' }; Sources = @( @{ Name = 'feed'; Uri = '$($script:Api.ObjectsUri)'; PageSize = 5 } ) }" |
            Set-Content -LiteralPath $script:JobConfig -Encoding utf8
        $script:JobDb = Join-Path $TestDrive 'jobs.db'
    }

    It 'Submit-MuseumSync -WhatIf plans nothing and writes nothing' {
        Submit-MuseumSync -ConfigPath $script:JobConfig -WhatIf | Should -BeNullOrEmpty
        Test-Path -LiteralPath $script:JobDb | Should -BeFalse
    }

    It 'an unknown source is a terminating SyncSourceUnknown error that names the sources' {
        { Submit-MuseumSync -ConfigPath $script:JobConfig -Source nope -ErrorAction Stop } |
            Should -Throw -ErrorId 'SyncSourceUnknown,MuseumSync.PowerShell.Commands.SubmitMuseumSyncCommand' -ExpectedMessage "*'nope' is not an enabled source*feed*"
    }

    It 'a feed becomes one job that a worker in this process runs to its end, under ErrorActionPreference Stop' {
        $ErrorActionPreference = 'Stop'
        $submission = Submit-MuseumSync -ConfigPath $script:JobConfig -Queue cmdlets
        $submission.GetType().FullName | Should -Be 'MuseumSync.SyncSubmission'
        $submission.Plan | Should -Be 'Feed'
        $submission.Jobs | Should -Be 1
        @(Get-MuseumSyncJob -ConfigPath $script:JobConfig -State Enqueued).Key | Should -Be 'feed'

        Start-MuseumSyncWorker -ConfigPath $script:JobConfig -Queue cmdlets -StopWhenIdle -PollIntervalSec 0.2 | Should -BeNullOrEmpty

        $job = Get-MuseumSyncJob -ConfigPath $script:JobConfig -Submission $submission.Id
        $job.GetType().FullName | Should -Be 'MuseumSync.SyncJobInfo'
        $job.State | Should -Be 'Done' -Because "$($job.State) $($job.LastError)"
        $job.Attempts | Should -Be 1
        $job.Records | Should -Be 12
        @(Get-StoredRecord -Database $script:JobDb -Source feed).Count | Should -Be 12
        (Get-SyncCheckpoint -Database $script:JobDb -Source feed).RecordsCommitted | Should -Be 12
    }

    It 'Start-MuseumSyncDashboard -PassThru serves the job by its name on 127.0.0.1 until Stop() (Dashboard.Tests checks it in Chromium)' {
        $ErrorActionPreference = 'Stop'
        $dashboard = Start-MuseumSyncDashboard -ConfigPath $script:JobConfig -PassThru
        try {
            $dashboard.GetType().FullName | Should -Be 'MuseumSync.JobDashboard'
            $dashboard.Url.Host | Should -Be '127.0.0.1'
            $page = Invoke-WebRequest -Uri "$($dashboard.Url)jobs/succeeded" -NoProxy -TimeoutSec 20
            $page.Content | Should -Match 'MuseumSync feed: feed of submission [0-9a-f]{32}'
        }
        finally { $dashboard.Stop() }
        $dashboard.IsRunning | Should -BeFalse
    }
}

Describe 'Syncing into PostgreSQL' {
    BeforeAll {
        $script:Schema = 'pester_' + [guid]::NewGuid().ToString('N').Substring(0, 12)
        $script:Pg = @{ Provider = 'PostgreSql'; ConnectionString = $env:MUSEUMSYNC_TEST_POSTGRES; Schema = $script:Schema }
    }

    AfterAll {
        if ($env:MUSEUMSYNC_TEST_POSTGRES) {
            Invoke-PostgresCommand -ConnectionString $env:MUSEUMSYNC_TEST_POSTGRES -Command "DROP SCHEMA IF EXISTS $($script:Schema) CASCADE"
        }
    }

    It 'stores every record and resumes from the checkpoint' -Skip:(-not $env:MUSEUMSYNC_TEST_POSTGRES) {
        $first = Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -PageSize 5 @script:Pg |
            Sync-MuseumRecord -Source demo -BatchSize 4 @script:Pg
        $first.Provider | Should -Be 'PostgreSql'
        $first.Inserted | Should -Be 12

        $again = Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -PageSize 5 @script:Pg |
            Sync-MuseumRecord -Source demo @script:Pg
        $again.Inserted | Should -Be 0

        $checkpoint = Get-SyncCheckpoint -Source demo @script:Pg
        $checkpoint.RecordsCommitted | Should -Be ($first.Received + $again.Received)
        $checkpoint.Cursor | Should -Be $first.Checkpoint
        $ids = Invoke-PostgresCommand -ConnectionString $env:MUSEUMSYNC_TEST_POSTGRES -Command "SELECT object_id FROM $($script:Schema).museum_records WHERE source = 'demo' ORDER BY object_id"
        $expected = (Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo).ObjectId | Sort-Object
        $ids.object_id | Should -Be $expected
    }
}
