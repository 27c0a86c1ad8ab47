#Requires -Version 7.4
<#
.SYNOPSIS
    Starts the sample museum API (examples/SampleApi) as a child process and returns where it listens.

.DESCRIPTION
    Used by the examples that need a feed when none is given (-Uri). Runs `dotnet run --project examples/SampleApi`
    on 127.0.0.1 (a free port by default) and waits until it reports its address. The returned object has the
    feed's URL (ObjectsUri) and the Process: stop it with `$api.Process.Kill($true)` when done. --parent-pid makes the
    API exit by itself if the calling PowerShell dies first.

.EXAMPLE
    $api = & ./examples/Start-SampleMuseumApi.ps1 -Records 1000
    try { Invoke-MuseumPoll -Uri $api.ObjectsUri -Source demo | Select-Object -First 3 } finally { $api.Process.Kill($true) }

.EXAMPLE
    $api = & ./examples/Start-SampleMuseumApi.ps1 -NoBuild -Configuration Release -Port 5080
    Starts the sample API as last built by ./build.ps1 (Release), on http://127.0.0.1:5080/.
#>
[CmdletBinding()]
[OutputType([pscustomobject])]
param(
    # How many feed lines the sample API serves (about 4% invalid, 2% re-sent revisions).
    [ValidateRange(1, 5000000)]
    [int] $Records = 500,

    # The port on 127.0.0.1; 0 picks a free one.
    [ValidateRange(0, 65535)]
    [int] $Port = 0,

    # How long to wait for the first start (which builds the sample API).
    [ValidateRange(1, 60)]
    [int] $TimeoutMinutes = 3,

    # Run the sample API as last built (dotnet run --no-build): a quicker start once it has been built.
    [switch] $NoBuild,

    # The build configuration to run (and, without -NoBuild, to build): ./build.ps1 builds Release, dotnet build Debug.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'

$startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($argument in @('run', '-c', $Configuration, $(if ($NoBuild) { '--no-build' }), '--project', ([System.IO.Path]::Combine($PSScriptRoot, 'SampleApi')), '--',
        '--port', $Port, '--records', $Records, '--parent-pid', $PID)) {
    if ($null -ne $argument) { $startInfo.ArgumentList.Add([string]$argument) }
}
$startInfo.RedirectStandardOutput = $true
$startInfo.UseShellExecute = $false
$PSCmdlet.WriteVerbose('Starting the sample museum API (the first start builds it, which takes a few seconds)...')
$process = [System.Diagnostics.Process]::Start($startInfo)
try {
    $baseUrl = $null
    $deadline = [DateTime]::UtcNow.AddMinutes($TimeoutMinutes)
    while (-not $baseUrl) {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait([TimeSpan]::FromMinutes($TimeoutMinutes)) -or $null -eq $read.Result) {
            throw "The sample API did not start (exit code: $(if ($process.HasExited) { $process.ExitCode } else { 'still running' })). Try: dotnet run --project examples/SampleApi"
        }
        if ($read.Result -match 'listening on (http://\S+)') { $baseUrl = $Matches[1] }
        elseif ([DateTime]::UtcNow -gt $deadline) { throw "The sample API did not report its address within $TimeoutMinutes minutes." }
    }
}
catch {
    if (-not $process.HasExited) { $process.Kill($true) }
    $process.Dispose()
    throw
}

[pscustomobject]@{
    BaseUri    = $baseUrl
    ObjectsUri = "$($baseUrl.TrimEnd('/'))/objects"
    Process    = $process
}
