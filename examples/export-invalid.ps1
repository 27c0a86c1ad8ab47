#Requires -Version 7.4
<#
.SYNOPSIS
    Exports what failed validation to CSV: the dead letters in a store, and the invalid records of a live feed.

.DESCRIPTION
    Composes the MuseumSync cmdlets with Where-Object and Export-Csv:

      1. syncs the feed into the store (resuming from its checkpoint, so a rerun only fetches what is new);
      2. Get-SyncDeadLetter | Where-Object (rule/field pattern, attempts) | Export-Csv  ->  SOURCE-dead-letters.csv,
         one row per rejected payload with its rules, fields, messages, page URL and correlation id;
      3. Invoke-MuseumPoll (no store: nothing is written, no checkpoint moves) | Where-Object { -not $_.IsValid }
         | Export-Csv  ->  SOURCE-invalid-records.csv, a validation report of the feed as it is right now.

    Returns one object with the counts and both file paths. Without -Uri it starts the sample API
    (examples/SampleApi) and stops it at the end.

.EXAMPLE
    ./examples/export-invalid.ps1
    Syncs the sample API into ./museum.db and writes ./demo-dead-letters.csv and ./demo-invalid-records.csv.

.EXAMPLE
    ./examples/export-invalid.ps1 -Uri http://127.0.0.1:5000/objects -Source local -Rule iso8601-* -OutputDirectory ./reports
    Only the dead letters with a reason whose rule (or field) matches iso8601-*.
#>
[CmdletBinding()]
param(
    # The SQLite store (created on first use).
    [string] $Database = './museum.db',

    # The source name the records are stored under.
    [ValidateNotNullOrEmpty()]
    [string] $Source = 'demo',

    # The feed (cursor-paged NDJSON, as the sample API serves); when omitted the sample API is started.
    [string] $Uri,

    # Only dead letters with a reason whose rule or field matches this wildcard pattern.
    [ValidateNotNullOrEmpty()]
    [string] $Rule = '*',

    # Only dead letters rejected at least this often (a payload seen again counts again).
    [ValidateRange(1, [int]::MaxValue)]
    [int] $MinAttempts = 1,

    # Where the two CSV files go (created when missing).
    [string] $OutputDirectory = '.'
)

$ErrorActionPreference = 'Stop'
# Only Microsoft.PowerShell.Core cmdlets (Where-Object, ForEach-Object), Export-Csv and .NET: runs in pwsh and in hosted runspaces.

if (-not (Get-Module -Name MuseumSync)) {
    Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1'))
}

$api = $null
if (-not $Uri) {
    $api = & ([System.IO.Path]::Combine($PSScriptRoot, 'Start-SampleMuseumApi.ps1')) -Records 500
    $Uri = $api.ObjectsUri
}
try {
    $null = [System.IO.Directory]::CreateDirectory($OutputDirectory)

    # 1. Sync. Invalid records are dead-lettered (the first few as warnings, silenced here: step 2 lists them).
    $summary = Invoke-MuseumPoll -Uri $Uri -Source $Source -Database $Database |
        Sync-MuseumRecord -Source $Source -Database $Database -WarningAction SilentlyContinue

    # 2. The dead letters, filtered with Where-Object and flattened to one CSV row each.
    $deadLetterCsv = [System.IO.Path]::Combine($OutputDirectory, "$Source-dead-letters.csv")
    $deadLetters = @(
        Get-SyncDeadLetter -Source $Source -Database $Database |
            Where-Object { $_.AttemptCount -ge $MinAttempts } |
            Where-Object { @($_.Reasons | Where-Object { $_.Rule -like $Rule -or $_.Field -like $Rule }).Count -gt 0 } |
            ForEach-Object {
                [pscustomobject]@{
                    Source        = $_.Source
                    ObjectId      = $_.ObjectId
                    Rules         = $_.Reasons.Rule -join '; '
                    Fields        = $_.Reasons.Field -join '; '
                    Messages      = $_.Reasons.Message -join '; '
                    AttemptCount  = $_.AttemptCount
                    FirstSeen     = $_.FirstSeen.ToString('o')
                    LastSeen      = $_.LastSeen.ToString('o')
                    SourceUrl     = $_.SourceUrl
                    CorrelationId = $_.CorrelationId
                    Payload       = $_.Payload
                }
            }
    )
    $deadLetters | Export-Csv -LiteralPath $deadLetterCsv -NoTypeInformation -Encoding utf8

    # 3. A records query: the feed's invalid records right now, composed with Where-Object. No store parameter,
    #    so nothing is written and the checkpoint does not move.
    $invalidCsv = [System.IO.Path]::Combine($OutputDirectory, "$Source-invalid-records.csv")
    $invalid = @(
        Invoke-MuseumPoll -Uri $Uri -Source $Source |
            Where-Object { -not $_.IsValid } |
            ForEach-Object {
                [pscustomobject]@{
                    ObjectId  = $_.ObjectId
                    Page      = $_.PageNumber
                    Line      = $_.LineNumber
                    Rules     = $_.Issues.Rule -join '; '
                    Fields    = $_.Issues.Field -join '; '
                    Messages  = $_.Issues.Message -join '; '
                    SourceUrl = $_.SourceUrl
                }
            }
    )
    $invalid | Export-Csv -LiteralPath $invalidCsv -NoTypeInformation -Encoding utf8

    [pscustomobject]@{
        Source           = $Source
        Synced           = $summary
        DeadLetters      = $deadLetters.Count
        DeadLetterCsv    = [System.IO.Path]::GetFullPath($deadLetterCsv)
        InvalidRecords   = $invalid.Count
        InvalidRecordCsv = [System.IO.Path]::GetFullPath($invalidCsv)
    }
}
finally {
    if ($api) {
        if (-not $api.Process.HasExited) { $api.Process.Kill($true) }
        $api.Process.Dispose()
    }
}
