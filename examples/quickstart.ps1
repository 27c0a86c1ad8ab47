#Requires -Version 7.4
<#
.SYNOPSIS
    MuseumSync in one minute: start the sample museum API, sync it into ./museum.db, show what happened.

.DESCRIPTION
    Builds the module first when out/MuseumSync is missing or older than its sources (build.ps1, which runs
    dotnet build), then starts the sample collection API from examples/SampleApi on 127.0.0.1 (a free port), streams
    its cursor-paged NDJSON feed through Invoke-MuseumPoll into Sync-MuseumRecord, and prints the run summary, the
    stored checkpoint and the dead letters (the records that failed validation). The API is stopped at the end,
    whatever happens. Run it again: the sync resumes from the checkpoint and changes nothing.
    When a MuseumSync module is already imported in the session, that one is used and nothing is built.

.EXAMPLE
    dotnet tool restore && dotnet pwsh examples/quickstart.ps1

    On a machine with only the .NET SDK: the local tool pwsh runs the script.

.EXAMPLE
    pwsh -File examples/quickstart.ps1 -Database ./demo.db -Records 5000
#>
[CmdletBinding()]
param(
    # The SQLite database to sync into (created on first use).
    [string] $Database = './museum.db',

    # How many feed lines the sample API serves.
    [ValidateRange(1, 5000000)]
    [int] $Records = 500,

    # The sample API's port; 0 picks a free one.
    [ValidateRange(0, 65535)]
    [int] $Port = 0
)

$ErrorActionPreference = 'Stop'

# Why out/MuseumSync must be (re)built, or $null when it is newer than every file it is built from.
function Get-ModuleBuildReason {
    param([string] $RepoRoot)
    $moduleDir = [System.IO.Path]::Combine($RepoRoot, 'out', 'MuseumSync')
    $stamp = [System.IO.Path]::Combine($RepoRoot, 'out', 'quickstart.built')
    if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($moduleDir, 'MuseumSync.dll'))) { return "$moduleDir is not built yet" }
    # A build that changed nothing rewrites nothing: the stamp this script leaves after each build counts too.
    $built = @([System.IO.Directory]::EnumerateFiles($moduleDir, '*', [System.IO.SearchOption]::AllDirectories)) + @($stamp) |
        Where-Object { [System.IO.File]::Exists($_) } |
        ForEach-Object { [System.IO.File]::GetLastWriteTimeUtc($_) } | Sort-Object -Descending | Select-Object -First 1
    $sources = @(
        foreach ($folder in 'src', 'module', 'docs', 'tools') {
            [System.IO.Directory]::EnumerateFiles([System.IO.Path]::Combine($RepoRoot, $folder), '*', [System.IO.SearchOption]::AllDirectories) |
                Where-Object { $_ -notmatch '[\\/](bin|obj)[\\/]' }
        }
        foreach ($file in 'build/Module.targets', 'Directory.Build.props', 'Directory.Packages.props', 'global.json') { [System.IO.Path]::Combine($RepoRoot, $file) }
    )
    $newer = $sources | Where-Object { [System.IO.File]::GetLastWriteTimeUtc($_) -gt $built } | Select-Object -First 1
    if ($newer) { "$newer changed since the last build" }
}

if (-not (Get-Module -Name MuseumSync)) {
    $repoRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..'))
    $why = Get-ModuleBuildReason -RepoRoot $repoRoot
    if ($why) {
        "Building the module ($why) with build.ps1; the first build takes a few minutes ..."
        & ([System.IO.Path]::Combine($repoRoot, 'build.ps1'))
        [System.IO.File]::WriteAllText([System.IO.Path]::Combine($repoRoot, 'out', 'quickstart.built'), [DateTime]::UtcNow.ToString('o'))
    }
    Import-Module -Name ([System.IO.Path]::Combine($repoRoot, 'out', 'MuseumSync', 'MuseumSync.psd1'))
}

# Build the sample API first (quick when it is up to date), so that starting it below only starts it.
$sampleApi = [System.IO.Path]::Combine($PSScriptRoot, 'SampleApi')
'Building the sample museum API (examples/SampleApi) ...'
& dotnet build $sampleApi -c Release --nologo -v q | Out-Host
if ($LASTEXITCODE -ne 0) { throw "dotnet build $sampleApi failed with exit code $LASTEXITCODE (see above)." }

# Start the sample API as a child process. --parent-pid makes it exit if this script dies without cleaning up.
$startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($argument in @('run', '--no-build', '-c', 'Release', '--project', $sampleApi, '--',
        '--port', $Port, '--records', $Records, '--parent-pid', $PID)) {
    $startInfo.ArgumentList.Add([string]$argument)
}
$startInfo.RedirectStandardOutput = $true
$startInfo.UseShellExecute = $false
Write-Verbose 'Starting the sample museum API ...'
$api = [System.Diagnostics.Process]::Start($startInfo)
try {
    $baseUrl = $null
    $deadline = [DateTime]::UtcNow.AddMinutes(3)
    while (-not $baseUrl) {
        $read = $api.StandardOutput.ReadLineAsync()
        if (-not $read.Wait([TimeSpan]::FromMinutes(3)) -or $null -eq $read.Result) {
            throw "The sample API did not start (exit code: $(if ($api.HasExited) { $api.ExitCode } else { 'still running' })). Try: dotnet run -c Release --project examples/SampleApi"
        }
        if ($read.Result -match 'listening on (http://\S+)') { $baseUrl = $Matches[1] }
        elseif ([DateTime]::UtcNow -gt $deadline) { throw 'The sample API did not report its address within 3 minutes.' }
    }
    $objects = "$($baseUrl.TrimEnd('/'))/objects"
    "Syncing $objects into $Database ..."

    # The real path: stream every page, validate at the boundary, commit batch + checkpoint in one transaction.
    # Invalid records are dead-lettered (the first few reported as warnings, silenced here); they are listed below instead.
    $summary = Invoke-MuseumPoll -Uri $objects -Source demo -Database $Database -PageSize 100 |
        Sync-MuseumRecord -Source demo -Database $Database -WarningAction SilentlyContinue
    $summary | Out-Default

    'Checkpoint:'
    Get-SyncCheckpoint -Source demo -Database $Database | Out-Default

    $deadLetters = @(Get-SyncDeadLetter -Source demo -Database $Database)
    "Dead letters ($($deadLetters.Count)):"
    $deadLetters | Out-Default
}
finally {
    if (-not $api.HasExited) { $api.Kill($true) }
    $api.Dispose()
}
