# Scripts name MuseumSync's types: [MuseumSync.SyncSummary] parameters, `-is [MuseumSync.MuseumRecord]`,
# [MuseumSync.AccessTier]::Research, `catch [MuseumSync.SyncSourceBusyException]`. Those types live in MuseumSync.Types,
# which loads in the default load context where PowerShell resolves type literals; MuseumSync.Core and its packages
# load in the module's own context.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule

    # Runs a script in a new pwsh process (the same PowerShell as this one) and returns its output lines.
    function Invoke-FreshPwsh {
        param([Parameter(Mandatory)] [string] $Script)
        $exe = [Environment]::ProcessPath
        $arguments = @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script)))
        # Under `dotnet pwsh` (a .NET tool) the process is dotnet, which runs pwsh.dll.
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -ne 'pwsh') { $arguments = @([IO.Path]::Combine($PSHOME, 'pwsh.dll')) + $arguments }
        $output = & $exe @arguments 2>&1 | ForEach-Object { "$_" }
        if ($LASTEXITCODE -ne 0) { throw "pwsh exited with code ${LASTEXITCODE}:$([Environment]::NewLine)$($output -join [Environment]::NewLine)" }
        $output
    }

    function ConvertTo-SingleQuoted([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }

    # The types users see: what the cmdlets write and take, what those hold, and the exceptions in their error records.
    $script:UserTypes = @(
        'MuseumSync.MuseumRecord', 'MuseumSync.ValidationIssue', 'MuseumSync.AccessTier', 'MuseumSync.SyncSummary',
        'MuseumSync.SyncCheckpoint', 'MuseumSync.DeadLetter', 'MuseumSync.SchemaStatus', 'MuseumSync.SchemaMigration',
        'MuseumSync.Lido.LidoValidationResult', 'MuseumSync.Lido.LidoIssue', 'MuseumSync.Lido.LidoSeverity', 'MuseumSync.Lido.LidoVersion',
        'MuseumSync.Iiif.IiifValidationResult', 'MuseumSync.Iiif.IiifIssue', 'MuseumSync.Iiif.IiifManifestDocument',
        'MuseumSync.Compliance.ComplianceDecision', 'MuseumSync.Compliance.RightsRule',
        'MuseumSync.MuseumSyncException', 'MuseumSync.MuseumPollException', 'MuseumSync.SyncStoreException',
        'MuseumSync.SyncSourceBusyException', 'MuseumSync.SyncLeaseLostException', 'MuseumSync.SyncLeaseHolder',
        'MuseumSync.Compliance.ComplianceRulesException', 'MuseumSync.Lido.LidoSchemaUnavailableException',
        'MuseumSync.OcrSummary', 'MuseumSync.MuseumRecordText', 'MuseumSync.OcrEngineException',
        'MuseumSync.SyncSubmission', 'MuseumSync.SyncJobInfo', 'MuseumSync.JobDashboard'
    )
    $script:Fixtures = [IO.Path]::Combine((Get-RepoRoot), '..', 'shared', 'fixtures')
}

Describe 'MuseumSync type names in a fresh pwsh session' {
    BeforeAll {
        # One new process (they are slow to start) imports the module and reports what the three tests below check.
        $dump = Join-Path $TestDrive 'alc.ndjson'
        Set-Content -LiteralPath $dump -Encoding utf8 -Value '{"ObjectID":"a1","title":"One","creation_date_iso":"1900","rights_statement":"http://creativecommons.org/publicdomain/zero/1.0/"}'
        $db = Join-Path $TestDrive 'alc.db'
        # Before any cmdlet ran: a script may name a type first. A name that does not resolve is reported, not fatal.
        $literals = foreach ($name in $script:UserTypes) { "try { 'literal $name ' + [$name].Assembly.GetName().Name } catch { 'literal $name ' + `$_ }" }
        $script:Fresh = Invoke-FreshPwsh (@(
                '$ErrorActionPreference = ''Stop'''
                "Import-Module $(ConvertTo-SingleQuoted (Get-MuseumSyncModulePath))"
                $literals
                @'
$seen = [System.Collections.Generic.HashSet[type]]::new()
$pending = [System.Collections.Generic.Queue[type]]::new()
foreach ($command in Get-Command -Module MuseumSync -CommandType Cmdlet) {
    foreach ($t in $command.OutputType.Type) { $pending.Enqueue($t) }
    foreach ($p in $command.Parameters.Values) { $pending.Enqueue($p.ParameterType) }
}
while ($pending.Count -gt 0) {
    $t = $pending.Dequeue()
    if ($t.IsArray) { $t = $t.GetElementType() }
    if ($t.IsGenericType) { foreach ($a in $t.GetGenericArguments()) { $pending.Enqueue($a) }; continue }
    if ($t.Namespace -notlike 'MuseumSync*' -or -not $seen.Add($t)) { continue }
    foreach ($p in $t.GetProperties()) { $pending.Enqueue($p.PropertyType) }
}
foreach ($t in $seen) { 'declared ' + $t.FullName + ' ' + [bool]($t.FullName -as [type]) }
'@
                "`$summary = Invoke-MuseumPoll -Path $(ConvertTo-SingleQuoted $dump) -Source alc | Sync-MuseumRecord -Source alc -Database $(ConvertTo-SingleQuoted $db)"
                '"inserted=$($summary.Inserted)"'
                @'
# A SQLite sync needs no SqlClient or Npgsql: have the module's context load them as a SQL Server or PostgreSQL run would.
$module = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MuseumSync'
foreach ($name in 'Polly.Core', 'Microsoft.Data.SqlClient', 'Npgsql') { $null = $module.LoadFromAssemblyName([System.Reflection.AssemblyName]::new($name)) }
foreach ($a in [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies) { 'default ' + $a.GetName().Name }
foreach ($a in $module.Assemblies) { 'module ' + $a.GetName().Name }
'@
            ) -join [Environment]::NewLine)
    }

    It 'resolves every type users see as a type literal right after Import-Module, before any cmdlet ran' {
        foreach ($name in $script:UserTypes) { $script:Fresh | Should -Contain "literal $name MuseumSync.Types" }
    }

    It 'covers every MuseumSync type a cmdlet declares as output or parameter, and every type those hold' {
        # Derived from the cmdlets themselves, so that a new output type cannot be left out of the list above.
        $declared = @($script:Fresh | Where-Object { $_ -like 'declared *' })
        $declared.Count | Should -BeGreaterThan 10
        foreach ($line in $declared) {
            $name, $resolves = $line.Substring('declared '.Length).Split(' ')
            $resolves | Should -Be 'True' -Because "[$name] must resolve in scripts"
            $script:UserTypes | Should -Contain $name -Because "$name is written or taken by a cmdlet"
        }
    }

    It 'keeps Polly, SqlClient, Sqlite, Npgsql and MuseumSync.Core out of the default load context, and the shared types in it' {
        $script:Fresh | Should -Contain 'inserted=1'
        $script:Fresh | Should -Contain 'default MuseumSync'
        $script:Fresh | Should -Contain 'default MuseumSync.Types'
        $script:Fresh | Should -Not -Contain 'module MuseumSync.Types'
        foreach ($name in 'MuseumSync.Core', 'Polly.Core', 'Microsoft.Data.SqlClient', 'Microsoft.Data.Sqlite', 'Npgsql', 'System.IO.Hashing') {
            $script:Fresh | Should -Not -Contain "default $name"
            $script:Fresh | Should -Contain "module $name"
        }
    }
}

Describe 'MuseumSync type names on real cmdlet output' {
    BeforeAll {
        $dump = Join-Path $TestDrive 'types.ndjson'
        Set-Content -LiteralPath $dump -Encoding utf8 -Value @(
            '{"ObjectID":"t1","title":"Portrait of a Lady","creation_date_iso":"1885-03-01","rights_statement":"http://creativecommons.org/publicdomain/zero/1.0/","media_url":"https://images.example.org/iiif/2/t1/full/max/0/default.jpg"}'
            '{"ObjectID":"t2","title":"Sunflowers","creation_date_iso":"1888","rights_statement":"http://rightsstatements.org/vocab/InC/1.0/","access_tier":"research"}'
            '{"ObjectID":"t3","title":"Broken date","creation_date_iso":"spring 1890"}'
        )
        $script:Db = Join-Path $TestDrive 'types.db'
        $script:Records = @(Invoke-MuseumPoll -Path $dump -Source types)
        $script:Summary = $script:Records | Sync-MuseumRecord -Source types -Database $script:Db -ErrorAction SilentlyContinue
    }

    It 'matches -is for every kind of object the cmdlets write' {
        $script:Records[0] | Should -BeOfType ([MuseumSync.MuseumRecord])
        $script:Records[0] -is [MuseumSync.MuseumRecord] | Should -BeTrue
        $script:Records[2].Issues[0] -is [MuseumSync.ValidationIssue] | Should -BeTrue
        $script:Summary -is [MuseumSync.SyncSummary] | Should -BeTrue
        Get-SyncCheckpoint -Database $script:Db -Source types | Should -BeOfType ([MuseumSync.SyncCheckpoint])
        Get-SyncDeadLetter -Database $script:Db | Should -BeOfType ([MuseumSync.DeadLetter])
        $status = Initialize-SyncDatabase -Database $script:Db
        $status | Should -BeOfType ([MuseumSync.SchemaStatus])
        $script:Records[0] | Get-MuseumAccessTier | Should -BeOfType ([MuseumSync.Compliance.ComplianceDecision])
        Get-MuseumComplianceRule | Should -BeOfType ([MuseumSync.Compliance.RightsRule])
        $script:Records[0] | ConvertTo-IiifManifest -BaseUri 'https://iiif.example.org/manifests/' | Should -BeOfType ([MuseumSync.Iiif.IiifManifestDocument])
        $iiif = Test-IiifManifest -Path ([IO.Path]::Combine($script:Fixtures, 'iiif', 'invalid', 'presentation-validator', 'broken_simple_image.json'))
        $iiif | Should -BeOfType ([MuseumSync.Iiif.IiifValidationResult])
        $iiif.Errors[0] -is [MuseumSync.Iiif.IiifIssue] | Should -BeTrue
        $lido = Test-LidoRecord -Path ([IO.Path]::Combine($script:Fixtures, 'lido', 'invalid', 'lido-examples', 'AQinDa_manipulated_records', 'DDB_LIDO_record_1.xml')) -SchemaPath ([IO.Path]::Combine($script:Fixtures, 'lido', 'schema', 'lido-v1.1.xsd'))
        $lido | Should -BeOfType ([MuseumSync.Lido.LidoValidationResult])
        $lido.Errors[0] -is [MuseumSync.Lido.LidoIssue] | Should -BeTrue
    }

    It 'compares and filters by enum values' {
        [MuseumSync.AccessTier]::Research | Should -Be 1
        [enum]::GetNames([MuseumSync.AccessTier]) | Should -Be @('Public', 'Research', 'Restricted')
        @($script:Records | Where-Object AccessTier -eq ([MuseumSync.AccessTier]::Research)).ObjectId | Should -Be @('t2')
        $script:Records[0].AccessTier -eq [MuseumSync.AccessTier]::Public | Should -BeTrue
        [MuseumSync.Lido.LidoSeverity]::Error | Should -Be 2
        [MuseumSync.Lido.LidoVersion]::Lido11 | Should -Be 11
    }

    It 'binds a real summary and real records to typed function parameters' {
        function Get-InsertedCount {
            param([Parameter(Mandatory, ValueFromPipeline)] [MuseumSync.SyncSummary] $Summary)
            process { $Summary.Inserted }
        }
        function Select-Summary {
            param([Parameter(Mandatory)] [MuseumSync.SyncSummary] $Summary)
            $Summary
        }
        function Get-ValidId {
            param([Parameter(Mandatory)] [MuseumSync.MuseumRecord[]] $Record, [MuseumSync.AccessTier] $Tier = 'Public')
            ($Record | Where-Object { $_.IsValid -and $_.AccessTier -eq $Tier }).ObjectId
        }

        $script:Summary | Get-InsertedCount | Should -Be 2
        Get-ValidId -Record $script:Records | Should -Be 't1'
        Get-ValidId -Record $script:Records -Tier Research | Should -Be 't2'
        # The parameter holds the cmdlet's own object, not a copy PowerShell converted from a look-alike type.
        [object]::ReferenceEquals((Select-Summary -Summary $script:Summary), $script:Summary) | Should -BeTrue
    }

    It 'catches the module''s exceptions by type under -ErrorAction Stop' {
        $badRules = Join-Path $TestDrive 'rules.json'
        Set-Content -LiteralPath $badRules -Value '{ not json'
        $caught = $null
        try { Get-MuseumComplianceRule -RuleFile $badRules -ErrorAction Stop }
        catch [MuseumSync.Compliance.ComplianceRulesException] { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.Exception -is [MuseumSync.MuseumSyncException] | Should -BeTrue
        [MuseumSync.SyncSourceBusyException]::new('busy') -is [MuseumSync.MuseumSyncException] | Should -BeTrue
    }
}
