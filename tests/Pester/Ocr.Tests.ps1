# Invoke-MuseumOcr, Get-MuseumRecordText and ConvertTo-IiifManifest -IncludeText in real pwsh, as a scheduled script runs
# them ($ErrorActionPreference = 'Stop'). Images with known text are rendered by OcrImages.psm1 and served from 127.0.0.1
# by TestSupport.psm1's Start-ImageServer; Tesseract with English data must be installed (.ci/run does it).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule

    Import-Module (Join-Path $PSScriptRoot 'OcrImages.psm1') -Force

    $script:Texts = @{
        'O-1' = "Poster for the summer concert in the park`nPrinted by the harbour press"
        'O-2' = 'Letters written by the keeper of the lighthouse'
    }
    $script:Images = Start-ImageServer
    $script:Images.Content['/img/1.png'] = New-TextImage $script:Texts['O-1']
    $script:Images.Content['/img/2.png'] = New-TextImage $script:Texts['O-2'] -Font 'DejaVuSerif.ttf' -Size 32
    $script:Images.Content['/img/broken.png'] = [byte[]](1..200)
    $lines = foreach ($id in 'O-1', 'O-2', 'O-3') {
        $file = @{ 'O-1' = '1.png'; 'O-2' = '2.png'; 'O-3' = 'broken.png' }[$id]
        '{{"ObjectID":"{0}","title":"Work {0}","creation_date_iso":"1889","rights_statement":"http://rightsstatements.org/vocab/NoC-US/1.0/","media_url":"{1}img/{2}","iiif_manifest_url":"https://iiif.example.org/{0}/manifest.json"}}' -f $id, $script:Images.BaseUri, $file
    }
    $script:Feed = Start-FeedServer -Line $lines
    $script:Db = Join-Path $TestDrive 'ocr.db'
    $ErrorActionPreference = 'Stop'
    $null = Invoke-MuseumPoll -Uri $script:Feed.ObjectsUri -Source ocr | Sync-MuseumRecord -Database $script:Db
}

AfterAll {
    if ($script:Feed) { $script:Feed.Dispose() }
    if ($script:Images) { $script:Images.Dispose() }
}

Describe 'Invoke-MuseumOcr' {
    It '-WhatIf lists the images and writes nothing' {
        $ErrorActionPreference = 'Stop'
        $summary = Invoke-MuseumOcr -Database $script:Db -Source ocr -WhatIf
        $summary.Status | Should -Be 'WhatIf'
        $summary.WouldOcr | Should -Be 3
        @(Get-MuseumRecordText -Database $script:Db -Source ocr).Count | Should -Be 0
    }

    It 'reads every image, dead-letters the broken one as a warning, and completes under Stop' {
        $ErrorActionPreference = 'Stop'
        $summary = Invoke-MuseumOcr -Database $script:Db -Source ocr -ThrottleLimit 2 -WarningVariable warned -WarningAction SilentlyContinue
        $summary | Should -BeOfType MuseumSync.OcrSummary
        $summary.Status | Should -Be 'Completed'
        $summary.ImagesSeen | Should -Be 3
        $summary.Ocred | Should -Be 2
        $summary.Failed | Should -Be 1
        $summary.Engine | Should -BeLike 'tesseract *'
        @($warned).Count | Should -Be 1
        "$($warned[0])" | Should -BeLike 'ocr-unreadable:*O-3*'
        $dead = Get-SyncDeadLetter -Database $script:Db -Source ocr
        $dead.ObjectId | Should -Be 'O-3'
        $dead.Reasons[0].Rule | Should -Be 'ocr-unreadable'
    }

    It 'Get-MuseumRecordText returns the layers with the text, confidence and word boxes' {
        $ErrorActionPreference = 'Stop'
        $layers = @(Get-MuseumRecordText -Database $script:Db -Source ocr)
        $layers.ObjectId | Should -Be @('O-1', 'O-2')
        foreach ($layer in $layers) {
            $layer | Should -BeOfType MuseumSync.MuseumRecordText
            Get-WordRecall $script:Texts[$layer.ObjectId] $layer.Text | Should -BeGreaterOrEqual 0.9
            $layer.MeanConfidence | Should -BeGreaterThan 50
            $layer.Hocr | Should -Match "class='ocrx_word'[^>]*title='bbox \d+ \d+ \d+ \d+; x_wconf \d+'"
        }
        (Get-MuseumRecordText -Database $script:Db -Source ocr -ObjectId O-2).Text | Should -Match 'lighthouse'
        $table = Get-MuseumRecordText -Database $script:Db -Source ocr | Format-Table | Out-String -Width 80
        $table | Should -Match 'O-1'
        ($table -split "`n" | Where-Object { $_.TrimEnd().Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'a second run reads nothing; a changed image is read again' {
        $ErrorActionPreference = 'Stop'
        $again = Invoke-MuseumOcr -Database $script:Db -Source ocr -WarningAction SilentlyContinue
        $again.Ocred | Should -Be 0
        $again.Unchanged | Should -Be 2
        $script:Texts['O-2'] = 'Notice of the winter lecture on ancient coins'
        $script:Images.Content['/img/2.png'] = New-TextImage $script:Texts['O-2']
        $changed = Invoke-MuseumOcr -Database $script:Db -Source ocr -WarningAction SilentlyContinue
        $changed.Ocred | Should -Be 1
        $changed.Unchanged | Should -Be 1
        Get-WordRecall $script:Texts['O-2'] (Get-MuseumRecordText -Database $script:Db -Source ocr -ObjectId O-2).Text | Should -BeGreaterOrEqual 0.9
    }

    It 'ConvertTo-IiifManifest -IncludeText adds supplementing annotations that Test-IiifManifest accepts' {
        $ErrorActionPreference = 'Stop'
        $text = Get-MuseumRecordText -Database $script:Db -Source ocr
        $manifest = Invoke-MuseumPoll -Uri $script:Feed.ObjectsUri -Source ocr | Where-Object ObjectId -EQ 'O-1' | ConvertTo-IiifManifest -IncludeText $text
        $json = $manifest.Json | ConvertFrom-Json
        $annotations = $json.items[0].annotations[0].items
        $annotations.Count | Should -BeGreaterOrEqual 2
        $annotations[0].motivation | Should -Be 'supplementing'
        $annotations[0].target | Should -Match '/canvas/1#xywh=\d+,\d+,\d+,\d+$'
        ($annotations.body.value -join ' ') | Should -Match 'concert'
        ($manifest | Test-IiifManifest).IsValid | Should -BeTrue
    }

    It 'a missing engine is a terminating MuseumOcrEngineNotFound error that says how to install it' {
        $ErrorActionPreference = 'Stop'
        $err = $null
        try { Invoke-MuseumOcr -Database $script:Db -Source ocr -TesseractPath (Join-Path $TestDrive 'no-tesseract-here') }
        catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'MuseumOcrEngineNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'NotInstalled'
        $err.Exception.Message | Should -Match 'winget install UB-Mannheim.TesseractOCR'
        $err.Exception.Message | Should -Match 'apt-get install tesseract-ocr tesseract-ocr-eng'
    }

    It 'no tesseract on PATH is the same error, also under -ErrorAction Stop' {
        $saved = $env:PATH
        try {
            $env:PATH = $TestDrive
            { Invoke-MuseumOcr -Database $script:Db -Source ocr -ErrorAction Stop } | Should -Throw -ErrorId 'MuseumOcrEngineNotFound,*'
        }
        finally { $env:PATH = $saved }
    }

    It 'missing language data names the language' {
        { Invoke-MuseumOcr -Database $script:Db -Source ocr -Language eng+xqz -ErrorAction Stop } | Should -Throw -ErrorId 'MuseumOcrLanguageMissing,*' -ExpectedMessage '*xqz*tesseract-ocr-xqz*'
    }
}
