<#
.SYNOPSIS
    Images per second of Invoke-MuseumOcr at each -ThrottleLimit: fetch over HTTP, Tesseract, commit, end to end.

.DESCRIPTION
    Renders -Images images of three lines of known text (1400 px wide, PNG), serves them from 127.0.0.1, syncs one
    record per image into a SQLite file in the temp folder, then times Invoke-MuseumOcr -Force once per throttle limit
    (after one warm-up run that also checks the text was read). Needs ./build.ps1 (or dotnet build) first, for the module
    and the NuGet cache with SkiaSharp, and Tesseract with English data. Figures for this machine: docs/guide/ocr.md.

.EXAMPLE
    dotnet pwsh -NoProfile -File bench/ocr.ps1 -Images 24 -ThrottleLimit 1, 2
#>
param(
    [int] $Images = 24,
    [int[]] $ThrottleLimit = @(1, 2)
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module -Name MuseumSync)) { Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1')) }
Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'tests', 'Pester', 'TestSupport.psm1')) -Force
Import-Module ([System.IO.Path]::Combine($PSScriptRoot, '..', 'tests', 'Pester', 'OcrImages.psm1')) -Force

$words = 'museum', 'label', 'harbour', 'poster', 'letter', 'keeper', 'concert', 'silver', 'painting', 'winter', 'lecture', 'ancient', 'coins', 'printed', 'catalogue', 'garden'
$server = Start-ImageServer
$db = Join-Path ([System.IO.Path]::GetTempPath()) "museumsync-ocr-bench-$PID.db"
$feed = $null
try {
    $lines = foreach ($i in 1..$Images) {
        $text = (0..2 | ForEach-Object { $row = $_; (0..6 | ForEach-Object { $words[($i * 7 + $row * 3 + $_ * 5) % $words.Count] }) -join ' ' }) -join "`n"
        $server.Content["/img/$i.png"] = New-TextImage $text
        '{{"ObjectID":"B-{0:D4}","title":"Bench {0}","creation_date_iso":"1889","rights_statement":"http://rightsstatements.org/vocab/NoC-US/1.0/","media_url":"{1}img/{0}.png"}}' -f $i, $server.BaseUri
    }
    $feed = Start-FeedServer -Line $lines -PageSize 1000
    $null = Invoke-MuseumPoll -Uri $feed.ObjectsUri -Source bench | Sync-MuseumRecord -Database $db
    $warm = Invoke-MuseumOcr -Database $db -Source bench -ThrottleLimit 2
    if ($warm.Ocred -ne $Images) { throw "The warm-up read $($warm.Ocred) of $Images images." }
    '| -ThrottleLimit | images | seconds | images/s |'
    '| ---: | ---: | ---: | ---: |'
    foreach ($limit in $ThrottleLimit) {
        $run = Invoke-MuseumOcr -Database $db -Source bench -ThrottleLimit $limit -Force
        '| {0} | {1} | {2:N1} | {3:N2} |' -f $limit, $run.Ocred, $run.Duration.TotalSeconds, ($run.Ocred / $run.Duration.TotalSeconds)
    }
}
finally {
    if ($feed) { $feed.Dispose() }
    $server.Dispose()
    Remove-Item -LiteralPath $db, "$db-wal", "$db-shm" -ErrorAction SilentlyContinue
}
