# MuseumSync.Format.ps1xml at 80 columns (redirected output, transcripts, scheduled-task logs) and at 120: every output
# type, made by real cmdlet runs, rendered through Out-String. No line is wider than the output, every header is whole
# on its line, values that fit are shown whole, and shortened text never ends in half a character.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule

    # Display cells as a terminal shows them, counted here independently of the module: a surrogate pair (emoji) or an
    # East Asian wide character takes two, a combining mark or a zero-width joiner none, anything else one.
    function Get-DisplayWidth([string] $Line) {
        $width = 0
        for ($i = 0; $i -lt $Line.Length; $i++) {
            $c = $Line[$i]
            if ([char]::IsHighSurrogate($c)) { $width += 2; $i++; continue }
            $category = [char]::GetUnicodeCategory($c)
            if ($category -in 'NonSpacingMark', 'EnclosingMark', 'Format') { continue }
            $code = [int] $c
            $wide = ($code -ge 0x1100 -and $code -le 0x115F) -or ($code -ge 0x2E80 -and $code -le 0xA4CF) -or ($code -ge 0xAC00 -and $code -le 0xD7A3) -or
                ($code -ge 0xF900 -and $code -le 0xFAFF) -or ($code -ge 0xFF00 -and $code -le 0xFF60) -or ($code -ge 0xFFE0 -and $code -le 0xFFE6)
            $width += if ($wide) { 2 } else { 1 }
        }
        $width
    }

    function Test-LoneSurrogate([string] $Line) {
        for ($i = 0; $i -lt $Line.Length; $i++) {
            if ([char]::IsHighSurrogate($Line[$i])) {
                if ($i + 1 -ge $Line.Length -or -not [char]::IsLowSurrogate($Line[$i + 1])) { return $true }
                $i++
            }
            elseif ([char]::IsLowSurrogate($Line[$i])) { return $true }
        }
        $false
    }

    function ConvertTo-Lines([object[]] $InputObject, [int] $Width, [switch] $List) {
        $text = if ($List) { $InputObject | Format-List | Out-String -Width $Width } else { $InputObject | Out-String -Width $Width }
        @($text -split "`n" | ForEach-Object { $_.TrimEnd("`r") })
    }

    # The labels of the type's default (first) table view, as the session loaded them.
    function Get-TableLabel([string] $TypeName) {
        $view = (Get-FormatData -TypeName $TypeName).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] } | Select-Object -First 1
        @($view.Control.Headers.Label)
    }

    # Checks one rendering and returns its lines: width, lone surrogates, and for a table the header and its rule line.
    function Assert-Rendering([object[]] $InputObject, [string] $TypeName, [int] $Width, [switch] $List) {
        $lines = ConvertTo-Lines $InputObject $Width -List:$List
        foreach ($line in $lines) {
            Get-DisplayWidth $line | Should -BeLessOrEqual $Width -Because "$TypeName at $Width columns: '$line'"
            Test-LoneSurrogate $line | Should -BeFalse -Because "$TypeName at $Width columns cuts a character in half: '$line'"
        }
        if (-not $List) {
            $labels = Get-TableLabel $TypeName
            $labels | Should -Not -BeNullOrEmpty -Because "$TypeName has a table view"
            $header = @($lines | Where-Object { $_.Trim() })[0]
            @($header.Trim() -split '\s+') | Should -Be $labels -Because "every header of $TypeName is whole, on one line: '$header'"
            $rule = @($lines | Where-Object { $_.Trim() })[1]
            @($rule.Trim() -split '\s+' | ForEach-Object { $_.Length }) | Should -Be @($labels | ForEach-Object { $_.Length }) -Because "no $TypeName column is dropped"
        }
        $lines
    }

    $script:Fixtures = [IO.Path]::Combine((Get-RepoRoot), '..', 'shared', 'fixtures')
    $script:Widths = 80, 120

    function New-Outputs([string] $Name, [string[]] $Dump, [string] $Source) {
        $dumpPath = Join-Path $TestDrive "$Name.ndjson"
        Set-Content -LiteralPath $dumpPath -Encoding utf8 -Value $Dump
        $db = Join-Path $TestDrive "$Name.db"
        $records = @(Invoke-MuseumPoll -Path $dumpPath -Source $Source)
        $summary = $records | Sync-MuseumRecord -Source $Source -Database $db -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $freshDb = Join-Path $TestDrive "$Name-fresh.db"
        $schema = Initialize-SyncDatabase -Database $freshDb
        [ordered]@{
            'MuseumSync.MuseumRecord'                  = $records
            'MuseumSync.ValidationIssue'               = @($records | ForEach-Object Issues)
            'MuseumSync.SyncSummary'                   = @($summary)
            'MuseumSync.SyncCheckpoint'                = @(Get-SyncCheckpoint -Database $db)
            'MuseumSync.DeadLetter'                    = @(Get-SyncDeadLetter -Database $db)
            'MuseumSync.SchemaStatus'                  = @($schema)
            'MuseumSync.SchemaMigration'               = @($schema.Applied)
            'MuseumSync.Compliance.ComplianceDecision' = @($records | Where-Object IsValid | Get-MuseumAccessTier -ErrorAction SilentlyContinue)
            'MuseumSync.Iiif.IiifManifestDocument'     = @($records | Where-Object MediaUrl | ConvertTo-IiifManifest -BaseUri 'https://iiif.example.org/manifests/' -ErrorAction SilentlyContinue)
        }
    }
}

Describe 'Views of values that fit' {
    BeforeAll {
        $outputs = New-Outputs 'plain' -Source 'demo' -Dump @(
            '{"ObjectID":"1001","title":"Portrait of a Lady","creation_date_iso":"1885-03-01","rights_statement":"http://creativecommons.org/publicdomain/zero/1.0/","media_url":"https://images.example.org/iiif/2/1001/full/max/0/default.jpg"}'
            '{"ObjectID":"1002","title":"Sunflowers","creation_date_iso":"1888","rights_statement":"http://rightsstatements.org/vocab/InC/1.0/","access_tier":"research"}'
            '{"ObjectID":"1003","title":"Broken date","creation_date_iso":"spring 1890","rights_statement":"http://rightsstatements.org/vocab/InC/1.0/"}'
        )
        $outputs['MuseumSync.Compliance.RightsRule'] = @(Get-MuseumComplianceRule | Where-Object Id -eq 'rights-in-copyright')
        $lido = Test-LidoRecord -Path ([IO.Path]::Combine($script:Fixtures, 'lido', 'valid', 'lido-examples', 'minimaldatensatz.xml')) -SchemaPath ([IO.Path]::Combine($script:Fixtures, 'lido', 'schema', 'lido-v1.1.xsd'))
        $outputs['MuseumSync.Lido.LidoValidationResult'] = @($lido)
        $outputs['MuseumSync.Iiif.IiifValidationResult'] = @(Test-IiifManifest -Json '{"@context":"http://iiif.io/api/presentation/3/context.json","id":"https://iiif.example.org/m/1","type":"Manifest","label":{"en":["One"]},"items":[]}')
        $script:Plain = $outputs
    }

    It 'renders <_> within the width, headers whole, at 80 and at 120 columns' -ForEach @(
        'MuseumSync.MuseumRecord', 'MuseumSync.ValidationIssue', 'MuseumSync.SyncSummary', 'MuseumSync.SyncCheckpoint', 'MuseumSync.DeadLetter',
        'MuseumSync.SchemaStatus', 'MuseumSync.SchemaMigration', 'MuseumSync.Compliance.ComplianceDecision', 'MuseumSync.Iiif.IiifManifestDocument',
        'MuseumSync.Compliance.RightsRule', 'MuseumSync.Lido.LidoValidationResult', 'MuseumSync.Iiif.IiifValidationResult'
    ) {
        $objects = $script:Plain[$_]
        $objects | Should -Not -BeNullOrEmpty -Because "a real run writes $_"
        foreach ($width in $script:Widths) {
            $null = Assert-Rendering $objects $_ $width
            $null = Assert-Rendering $objects $_ $width -List
        }
    }

    It 'shows the values that fit their columns whole, at <_> columns' -ForEach 80, 120 {
        $width = $_
        function Get-Rendered([string] $TypeName) { (ConvertTo-Lines $script:Plain[$TypeName] $width) -join "`n" }
        $records = Get-Rendered 'MuseumSync.MuseumRecord'
        $records | Should -Match '1001 +True +Public +Portrait of a Lady'
        $records | Should -Match '1003 +False +Public +creation_date_iso \[iso8601-date\]'
        $summary = Get-Rendered 'MuseumSync.SyncSummary'
        $summary | Should -Match 'demo +Completed +3 +2 +0 +0 +1 +00:00:\d\d'
        $checkpoint = Get-Rendered 'MuseumSync.SyncCheckpoint'
        $checkpoint | Should -Match 'demo +\(start\) +\d{4}-\d\d-\d\d \d\d:\d\dZ +2 +1 +1\b'
        $deadLetter = Get-Rendered 'MuseumSync.DeadLetter'
        $deadLetter | Should -Match 'demo +1003 +1 +\d{4}-\d\d-\d\d +creation_date_iso \[iso8601-date\]'
        $decision = Get-Rendered 'MuseumSync.Compliance.ComplianceDecision'
        $decision | Should -Match 'demo +1002 +Research +Research +rights-in-copyright'
        Get-Rendered 'MuseumSync.SchemaStatus' | Should -Match 'Sqlite +…\S+/plain-fresh\.db +(\d+) +\1 +1, 2, 3'
        Get-Rendered 'MuseumSync.SchemaMigration' | Should -Match '(?m)^ +1 \S'
        Get-Rendered 'MuseumSync.Compliance.RightsRule' | Should -Match 'rights-in-copyright +Research +http://rightsstatements\.org/vocab/InC\*'
        Get-Rendered 'MuseumSync.Lido.LidoValidationResult' | Should -Match '1 DE-MUS-059918/dc00018494 +True +0 +0 1\.\d +minimaldatensatz\.xml'
        Get-Rendered 'MuseumSync.Iiif.IiifManifestDocument' | Should -Match 'demo +1001 +1 True +…\S*/demo/1001/manifest\.json'
        Get-Rendered 'MuseumSync.Iiif.IiifValidationResult' | Should -Match 'https://iiif\.example\.org/m/1'
        Get-Rendered 'MuseumSync.ValidationIssue' | Should -Match "creation_date_iso +iso8601-date +'spring 1890'"
    }
}

Describe 'Views of hostile values' {
    BeforeAll {
        $flower = [char]::ConvertFromUtf32(0x1F33B)
        $family = [char]::ConvertFromUtf32(0x1F469) + [char]0x200D + [char]::ConvertFromUtf32(0x1F469) + [char]0x200D + [char]::ConvertFromUtf32(0x1F467)
        $accent = 'e' + [char]0x0301
        # Emoji at odd and even offsets, so that a cut counting chars lands inside a pair whatever the column width.
        $title = "x$flower" + ("a$flower$family$accent$flower" * 12) + ' 東京国立博物館 ' + ("$flower b" * 10)
        # Runs of emoji after an even and after an odd number of chars: a cut counting chars splits one of them.
        $dense = $flower * 40
        $id = "x$dense"
        $source = "src$flower-" + ('s' * 20)
        $dump = @(
            (@{ ObjectID = $id; title = $title; creation_date_iso = '1885'; rights_statement = 'http://creativecommons.org/publicdomain/zero/1.0/'; media_url = "https://images.example.org/iiif/2/$flower/full/max/0/default.jpg" } | ConvertTo-Json -Compress)
            (@{ ObjectID = $dense; title = "line one`nline two`ttab `e[31mred`e[0m $title"; creation_date_iso = '1890'; rights_statement = 'http://rightsstatements.org/vocab/InC/1.0/' } | ConvertTo-Json -Compress)
            (@{ ObjectID = "yz$dense"; title = $title; creation_date_iso = "the $flower spring of eighteen-ninety, probably $title"; rights_statement = 'http://rightsstatements.org/vocab/InC/1.0/' } | ConvertTo-Json -Compress)
        )
        $outputs = New-Outputs 'hostile' -Source $source -Dump $dump
        $rulesFile = Join-Path $TestDrive 'rules.psd1'
        $ruleId = "x$dense"
        $match = "http://rightsstatements.org/vocab/x$dense*"
        Set-Content -LiteralPath $rulesFile -Encoding utf8 -Value "@{ Rules = @( @{ Id = '$ruleId'; Match = '$match'; Tier = 'Research'; Description = '$($title.Replace("'", "''"))' } ) }"
        $outputs['MuseumSync.Compliance.RightsRule'] = @(Get-MuseumComplianceRule -RuleFile $rulesFile)
        $iiif = Test-IiifManifest -Json (@{ '@context' = 'http://iiif.io/api/presentation/3/context.json'; id = "https://iiif.example.org/$dense"; type = 'Manifest'; label = @{ en = @($title) }; items = @(@{ type = 'Canvas'; id = "https://iiif.example.org/x$dense" }) } | ConvertTo-Json -Depth 8 -Compress)
        $outputs['MuseumSync.Iiif.IiifValidationResult'] = @($iiif)
        $outputs['MuseumSync.Iiif.IiifIssue'] = @($iiif.Errors)
        $lidoXml = @"
<lido:lidoWrap xmlns:lido="http://www.lido-schema.org"><lido:lido><lido:lidoRecID lido:type="local">x$dense</lido:lidoRecID><lido:descriptiveMetadata xml:lang="en"><lido:objectIdentificationWrap><lido:titleWrap><lido:titleSet><lido:appellationValue>$title</lido:appellationValue></lido:titleSet></lido:titleWrap></lido:objectIdentificationWrap></lido:descriptiveMetadata></lido:lido></lido:lidoWrap>
"@
        $lido = Test-LidoRecord -Xml $lidoXml -SchemaPath ([IO.Path]::Combine($script:Fixtures, 'lido', 'schema', 'lido-v1.1.xsd'))
        $outputs['MuseumSync.Lido.LidoValidationResult'] = @($lido)
        $outputs['MuseumSync.Lido.LidoIssue'] = @($lido.Errors)
        $script:Hostile = $outputs
    }

    It 'renders <_> within the width, headers whole, no character cut in half, at 80 and at 120 columns' -ForEach @(
        'MuseumSync.MuseumRecord', 'MuseumSync.ValidationIssue', 'MuseumSync.SyncSummary', 'MuseumSync.SyncCheckpoint', 'MuseumSync.DeadLetter',
        'MuseumSync.SchemaStatus', 'MuseumSync.SchemaMigration', 'MuseumSync.Compliance.ComplianceDecision', 'MuseumSync.Iiif.IiifManifestDocument',
        'MuseumSync.Compliance.RightsRule', 'MuseumSync.Lido.LidoValidationResult', 'MuseumSync.Lido.LidoIssue',
        'MuseumSync.Iiif.IiifValidationResult', 'MuseumSync.Iiif.IiifIssue'
    ) {
        $objects = $script:Hostile[$_]
        $objects | Should -Not -BeNullOrEmpty -Because "a real run writes $_"
        foreach ($width in $script:Widths) {
            $null = Assert-Rendering $objects $_ $width
            $null = Assert-Rendering $objects $_ $width -List
        }
    }

    It 'shortens a long title with an ellipsis, keeps each record on one row, and passes no escape sequence through' {
        $lines = ConvertTo-Lines $script:Hostile['MuseumSync.MuseumRecord'] 80 | Where-Object { $_.Trim() }
        $lines.Count | Should -Be 5 # header, rule, one row per record
        $lines[2] | Should -Match '…$'
        $lines[3] | Should -Match ' True +Public +line one line two tab  \[31mred \[0m x'
        $lines[3] | Should -Match '…$'
        $lines[4] | Should -Match ' False +Public +creation_date_iso \[iso8601-date\]$'
        $lines -join "`n" | Should -Not -Match "`e"
    }
}
