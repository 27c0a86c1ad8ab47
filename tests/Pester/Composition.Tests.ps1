# The MuseumSync cmdlets composed with the Utility cmdlets, as admins write one-liners.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    # 200 lines: 8 invalid (round(200 x 4%)), 4 re-sent revisions, the rest valid; pages of 50.
    $script:Api = Start-SampleApi -Records 200
    $script:Feed = @(Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -PageSize 50)
}

AfterAll {
    Stop-TestProcess $script:Api
}

Describe 'Invoke-MuseumPoll | Select-Object -First' {
    BeforeAll {
        # 100 pages of 2 records, with a request log.
        $script:Server = Start-FeedServer -Line (New-FeedLine 200) -PageSize 2
    }

    AfterAll {
        if ($script:Server) { $script:Server.Dispose() }
    }

    It 'stops the poll early: the server sees a few requests, not 100 pages' {
        $first = @(Invoke-MuseumPoll -Uri $script:Server.ObjectsUri -Source first | Select-Object -First 5)

        $first.Count | Should -Be 5
        $first.ObjectId | Should -Be @('F-0001', 'F-0002', 'F-0003', 'F-0004', 'F-0005')
        # Requests already on their way when the pipeline stopped may reach the log a little later: let them land.
        Start-Sleep -Milliseconds 1000
        $seen = $script:Server.Requests.Count
        $seen | Should -BeGreaterOrEqual 3
        $seen | Should -BeLessThan 20 # the 3 pages read plus at most the prefetch window, not the 100 pages
        Start-Sleep -Milliseconds 1000
        $script:Server.Requests.Count | Should -Be $seen # and nothing keeps fetching after the pipeline ended
    }
}

Describe 'Invoke-MuseumPoll with Where-Object and Group-Object' {
    It 'Where-Object finds the invalid records with their issues' {
        $invalid = @($script:Feed | Where-Object { -not $_.IsValid })
        $invalid.Count | Should -Be 8
        $invalid | ForEach-Object { $_.Issues.Count | Should -BeGreaterThan 0 }
        @($script:Feed | Where-Object IsValid).Count | Should -Be 192
    }

    It 'Group-Object counts the records per page' {
        $pages = @($script:Feed | Group-Object PageNumber | Sort-Object { [int]$_.Name })
        $pages.Name | Should -Be @('1', '2', '3', '4')
        $pages | ForEach-Object Count | Should -Be @(50, 50, 50, 50)
    }

    It 'Group-Object on the object id shows the re-sent revisions' {
        $resent = @($script:Feed | Where-Object IsValid | Group-Object ObjectId | Where-Object Count -GT 1)
        ($resent | Measure-Object -Property Count -Sum).Sum - $resent.Count | Should -Be 4
    }
}

Describe 'Export-Csv and ConvertTo-Json' {
    It 'Export-Csv writes the records, and Import-Csv reads them back unchanged' {
        $csv = Join-Path $TestDrive 'records.csv'
        $script:Feed | Where-Object IsValid | Select-Object ObjectId, Title, PageNumber, LineNumber, SourceUrl |
            Export-Csv -LiteralPath $csv -NoTypeInformation -Encoding utf8

        $back = @(Import-Csv -LiteralPath $csv)
        $valid = @($script:Feed | Where-Object IsValid)
        $back.Count | Should -Be $valid.Count
        $back.ObjectId | Should -Be $valid.ObjectId
        # quotes, commas, backslashes, CJK, Arabic and emoji survive the round trip
        $back.Title -join "`n" | Should -BeExactly ($valid.Title -join "`n")
        $back.PageNumber -join ',' | Should -Be ($valid.PageNumber -join ',')
    }

    It 'ConvertTo-Json serialises a record and a sync summary' {
        $db = Join-Path $TestDrive 'json.db'
        $summary = Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source demo -Database $db -PageSize 50 |
            Sync-MuseumRecord -Source demo -Database $db
        $json = $summary | ConvertTo-Json | ConvertFrom-Json
        $json.Source | Should -Be 'demo'
        $json.Status | Should -Be $summary.Status.ToString()
        $json.Inserted | Should -Be $summary.Inserted
        $json.DeadLettered | Should -Be 8
        $json.Received | Should -Be 200

        $record = $script:Feed[0] | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | ConvertFrom-Json
        $record.ObjectId | Should -Be $script:Feed[0].ObjectId
        $record.Title | Should -BeExactly $script:Feed[0].Title
        ($record.RawJson | ConvertFrom-Json).ObjectID | Should -Be $script:Feed[0].ObjectId
    }
}

Describe 'Invoke-MuseumPoll | Sync-MuseumRecord: records handed over a chunk at a time' {
    BeforeAll {
        # 4 pages of 50 records.
        $script:Server = Start-FeedServer -Line (New-FeedLine 200 -Prefix 'D') -PageSize 50

        function script:Measure-PipelineBinding {
            <# Runs $Pipeline under Trace-Command ParameterBinding; returns how many pipeline objects Sync-MuseumRecord's binder received. #>
            param([Parameter(Mandatory)] [scriptblock] $Pipeline)
            $trace = Join-Path $TestDrive "binding-$([guid]::NewGuid().ToString('N')).log"
            $null = Trace-Command -Name ParameterBinding -FilePath $trace -Expression $Pipeline
            @(Select-String -LiteralPath $trace -SimpleMatch -Pattern 'BIND PIPELINE object to parameters: [Sync-MuseumRecord]').Count
        }
    }

    AfterAll {
        if ($script:Server) { $script:Server.Dispose() }
    }

    It 'binds one object per chunk, not per record, and stores every record' {
        $db = Join-Path $TestDrive 'direct.db'
        $uri = $script:Server.ObjectsUri

        $binds = Measure-PipelineBinding { Invoke-MuseumPoll -Uri $uri -Source direct | Sync-MuseumRecord -Database $db }

        # A chunk ends at a page's end at the latest: 4 pages, so at most 4 objects cross (this PowerShell supports it).
        $binds | Should -BeGreaterThan 0
        $binds | Should -BeLessOrEqual 4
        $stored = @(Get-StoredRecord -Database $db -Source direct)
        $stored.Count | Should -Be 200
        $stored[0].object_id | Should -Be 'D-0001'
        $stored[-1].object_id | Should -Be 'D-0200'
    }

    It 'gives -OutVariable every record, one by one, and stores them all' {
        $db = Join-Path $TestDrive 'outvariable.db'
        $uri = $script:Server.ObjectsUri

        $binds = Measure-PipelineBinding { Invoke-MuseumPoll -Uri $uri -Source outvar -OutVariable script:polled | Sync-MuseumRecord -Database $db }

        $binds | Should -Be 200
        $script:polled.Count | Should -Be 200
        @($script:polled | ForEach-Object { $_.GetType().FullName } | Sort-Object -Unique) | Should -Be 'MuseumSync.MuseumRecord'
        @(Get-StoredRecord -Database $db -Source outvar).Count | Should -Be 200
    }

    It 'sets -PipelineVariable for every record' {
        $db = Join-Path $TestDrive 'pipelinevariable.db'
        $seen = [System.Collections.Generic.List[string]]::new()

        $summary = Invoke-MuseumPoll -Uri $script:Server.ObjectsUri -Source pipevar -PipelineVariable record |
            Sync-MuseumRecord -Database $db | ForEach-Object { $seen.Add($record.ObjectId); $_ }

        $summary.Inserted | Should -Be 200
        # The summary comes at the end, when the variable holds the last record.
        $seen | Should -Be @('D-0200')
    }

    It 'runs a filter between the two as written' {
        $db = Join-Path $TestDrive 'filtered.db'

        $summary = Invoke-MuseumPoll -Uri $script:Server.ObjectsUri -Source filtered |
            Where-Object { [int]$_.ObjectId.Substring(2) -gt 50 } | Sync-MuseumRecord -Database $db

        $summary.Inserted | Should -Be 150
        (Get-StoredRecord -Database $db -Source filtered)[0].object_id | Should -Be 'D-0051'
    }

    It 'writes records, never chunks, to any other command' {
        $types = @(Invoke-MuseumPoll -Uri $script:Server.ObjectsUri -Source other | ForEach-Object { $_.GetType().FullName } | Sort-Object -Unique)

        $types | Should -Be 'MuseumSync.MuseumRecord'
    }
}
