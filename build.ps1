#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the MuseumSync module folder (out/MuseumSync); optionally runs every test (xunit and Pester) or packs it.

.DESCRIPTION
    Wraps `dotnet build` and `dotnet test` and fails loudly: every native exit code is checked and the module folder is
    verified file by file (the psd1, the format file and every assembly the module needs, including the real
    Microsoft.Data.SqlClient from runtimes/*/lib/net8.0 rather than the throwing stub).

    -Test builds the whole solution, runs `dotnet test` (every xunit project; results as .trx under
    TestResults/xunit/), then the Pester suite tests/Pester in a separate pwsh process (so a test that kills pwsh
    cannot kill this run), with Pester 5.7.1 from the NuGet package folder (results as NUnit XML in
    TestResults/Pester.xml). It ends with a line per suite and one plain total,
    `tests: N passed, N failed, N skipped`, and exits with 1 if any test failed.

    Needs only the .NET SDK: on a machine without pwsh, `dotnet tool restore` brings it (.config/dotnet-tools.json) and
    `dotnet pwsh ./build.ps1` runs this script.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1
    Builds Release and leaves an importable module at ./out/MuseumSync.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Test
    Builds everything, runs every xunit and Pester test, prints the totals; exit code 1 if a test failed.

.EXAMPLE
    ./build.ps1 -Package
    Builds, then packs the module folder into ./out/package/MuseumSync.<version>.nupkg, ready for
    `Install-PSResource`/`Publish-PSResource -NupkgPath` (or publish the folder itself: `Publish-PSResource -Path ./out/MuseumSync`).
    Without pwsh: `dotnet build build/MuseumSync.Packaging -c Release -t:Package` does the same.
#>
[CmdletBinding()]
param(
    # The build configuration.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Build the whole solution and run every test: xunit (dotnet test), then Pester (tests/Pester).
    [switch] $Test,

    # Pack the module folder into out/package/MuseumSync.<version>.nupkg (a PowerShellGet/PSResourceGet module package).
    [switch] $Package
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    Write-Verbose "dotnet $($Arguments -join ' ')"
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

function Join-RepoPath {
    param([Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Parts)
    [System.IO.Path]::Combine([string[]] (@($PSScriptRoot) + $Parts))
}

# The NuGet package folder that restore wrote to: NUGET_PACKAGES, else what the SDK reports (a NuGet.Config may move it).
function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $lines = @(& dotnet nuget locals global-packages --list)
    if ($LASTEXITCODE -ne 0) { throw "dotnet nuget locals global-packages --list failed with exit code $LASTEXITCODE." }
    foreach ($line in $lines) {
        if ($line -match '^\s*global-packages:\s*(.+?)\s*$') { return $Matches[1] }
    }
    throw "Cannot tell the NuGet package folder: 'dotnet nuget locals global-packages --list' printed '$($lines -join ' ')'. Set NUGET_PACKAGES to it."
}

# Sums the outcome counters of the .trx files dotnet test wrote (one per test project).
function Get-TrxCount {
    param([Parameter(Mandatory)] [string] $Directory)
    $count = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0; Files = 0 }
    if (-not [System.IO.Directory]::Exists($Directory)) { return $count }   # dotnet test ended before any project reported
    foreach ($file in [System.IO.Directory]::GetFiles($Directory, '*.trx', [System.IO.SearchOption]::AllDirectories)) {
        [xml] $trx = [System.IO.File]::ReadAllText($file)
        $counters = $trx.TestRun.ResultSummary.Counters
        $count.Passed += [int] $counters.GetAttribute('passed')
        $count.Failed += [int] $counters.GetAttribute('failed') + [int] $counters.GetAttribute('error') + [int] $counters.GetAttribute('timeout') + [int] $counters.GetAttribute('aborted')
        # xunit's skipped tests are counted in total but not in executed (notExecuted stays 0).
        $count.Skipped += [int] $counters.GetAttribute('total') - [int] $counters.GetAttribute('executed')
        $count.Files++
    }
    $count
}

function Invoke-XunitSuite {
    param([Parameter(Mandatory)] [string] $Solution, [Parameter(Mandatory)] [string] $ResultsDirectory)
    if ([System.IO.Directory]::Exists($ResultsDirectory)) { [System.IO.Directory]::Delete($ResultsDirectory, $true) }
    $arguments = @('test', $Solution, '-c', $Configuration, '--no-build', '--nologo', '--results-directory', $ResultsDirectory, '--logger', 'trx')
    Write-Verbose "dotnet $($arguments -join ' ')"
    & dotnet @arguments | Out-Host   # to the console, not into this function's result
    $exitCode = $LASTEXITCODE
    $count = Get-TrxCount -Directory $ResultsDirectory
    if ($exitCode -ne 0 -and $count.Failed -eq 0) {
        # A test host that crashed, or a project that did not run, leaves no failed test behind: still a failure.
        Write-Warning "dotnet test exited with code $exitCode but its results ($($count.Files) .trx file(s) in $ResultsDirectory) name no failed test; counting the run as one failure."
        $count.Failed = 1
    }
    $count
}

function Invoke-PesterSuite {
    param([Parameter(Mandatory)] [string] $ResultsDirectory)
    $packages = Get-NuGetPackageRoot
    # One source for each version: the Pester PackageDownload of the PowerShell test project, the pwsh tool manifest.
    $testProject = Join-RepoPath tests MuseumSync.PowerShell.Tests MuseumSync.PowerShell.Tests.csproj
    if ([System.IO.File]::ReadAllText($testProject) -notmatch '<PackageDownload Include="Pester" Version="\[([^\]]+)\]"') {
        throw "$testProject has no <PackageDownload Include=`"Pester`" Version=`"[N.N.N]`" />, which pins the Pester version."
    }
    $pesterVersion = $Matches[1]
    $pester = [System.IO.Path]::Combine($packages, 'pester', $pesterVersion, 'tools', 'Pester.psd1')
    $pwshVersion = (Get-Content -LiteralPath (Join-RepoPath .config dotnet-tools.json) -Raw | ConvertFrom-Json).tools.powershell.version
    $platform = if ($IsWindows) { 'win' } else { 'unix' }
    $pwsh = [System.IO.Path]::Combine($packages, 'powershell', $pwshVersion, 'tools', 'net10.0', 'any', $platform, 'pwsh.dll')
    foreach ($file in $pester, $pwsh) {
        if (-not [System.IO.File]::Exists($file)) {
            throw "$file is missing. The PowerShell test project downloads Pester $pesterVersion and PowerShell $pwshVersion on restore: run 'dotnet restore $testProject'."
        }
    }

    $null = [System.IO.Directory]::CreateDirectory($ResultsDirectory)
    $xmlPath = [System.IO.Path]::Combine($ResultsDirectory, 'Pester.xml')
    $summaryPath = [System.IO.Path]::Combine($ResultsDirectory, 'Pester-summary.json')
    foreach ($old in $xmlPath, $summaryPath) { if ([System.IO.File]::Exists($old)) { [System.IO.File]::Delete($old) } }

    $quote = { param($s) "'" + $s.Replace("'", "''") + "'" }
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module -Name $(& $quote $pester) -RequiredVersion $(& $quote $pesterVersion)
`$configuration = New-PesterConfiguration
`$configuration.Run.Path = $(& $quote (Join-RepoPath tests Pester))
`$configuration.Run.PassThru = `$true
`$configuration.Output.Verbosity = 'Detailed'
`$configuration.TestResult.Enabled = `$true
`$configuration.TestResult.OutputFormat = 'NUnitXml'
`$configuration.TestResult.OutputPath = $(& $quote $xmlPath)
`$result = Invoke-Pester -Configuration `$configuration
[ordered]@{
    Passed = `$result.PassedCount
    Failed = `$result.FailedCount + `$result.FailedBlocksCount + `$result.FailedContainersCount
    Skipped = `$result.SkippedCount + `$result.NotRunCount
} | ConvertTo-Json | Set-Content -LiteralPath $(& $quote $summaryPath) -Encoding utf8
"@
    $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($script))
    Write-Verbose "dotnet $pwsh -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand <Invoke-Pester tests/Pester>"
    # -OutputFormat Text: with -EncodedCommand and redirected output, pwsh would otherwise write CLIXML.
    & dotnet $pwsh -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand $encoded | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not [System.IO.File]::Exists($summaryPath)) {
        Write-Warning "The Pester process ended (exit code $exitCode) without writing its results to $summaryPath; counting the run as one failure."
        return [ordered]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $summary = Get-Content -LiteralPath $summaryPath -Raw | ConvertFrom-Json
    $count = [ordered]@{ Passed = [int] $summary.Passed; Failed = [int] $summary.Failed; Skipped = [int] $summary.Skipped }
    if ($exitCode -ne 0 -and $count.Failed -eq 0) {
        Write-Warning "The Pester process exited with code $exitCode although no test failed; counting the run as one failure."
        $count.Failed = 1
    }
    $count
}

$solution = Join-RepoPath MuseumSync.sln
# -Test needs every project; the module alone needs only its own project (and what it references).
$target = if ($Test) { $solution } else { Join-RepoPath src MuseumSync.PowerShell MuseumSync.PowerShell.csproj }
Invoke-Dotnet -Arguments @('build', $target, '-c', $Configuration, '--nologo')

$moduleDir = Join-RepoPath out MuseumSync
$required = @(
    'MuseumSync.psd1'
    'MuseumSync.Format.ps1xml'
    'MuseumSync.dll'
    'dependencies/MuseumSync.Core.dll'
    'dependencies/Polly.Core.dll'
    'dependencies/Microsoft.Data.Sqlite.dll'
    'dependencies/runtimes/unix/lib/net8.0/Microsoft.Data.SqlClient.dll'
    'dependencies/runtimes/win/lib/net8.0/Microsoft.Data.SqlClient.dll'
    'dependencies/Npgsql.dll'
)
if ($Configuration -eq 'Release') {
    # ReadyToRun images (build/MuseumSync.ReadyToRun): PowerShell 7.4 runs .NET 8, 7.6 .NET 10; other platforms run the IL.
    foreach ($framework in 'net8.0', 'net10.0') {
        foreach ($rid in 'win-x64', 'linux-x64') {
            $required += "dependencies/readytorun/$framework/$rid/MuseumSync.Core.dll"
            $required += "dependencies/readytorun/$framework/$rid/MuseumSync.Types.dll"
        }
    }
}
$missing = @($required | Where-Object { -not [System.IO.File]::Exists([System.IO.Path]::Combine($moduleDir, $_)) })
if ($missing.Count -gt 0) {
    throw "The module folder $moduleDir is incomplete; missing: $($missing -join ', ')."
}
"Module: $moduleDir"

if ($Package) {
    # The packager reads the manifest (version, tags, URIs, release notes) and writes the .nupkg with NuGet's own writer.
    $packager = Join-RepoPath build MuseumSync.Packaging MuseumSync.Packaging.csproj
    Invoke-Dotnet -Arguments @('build', $packager, '-c', $Configuration, '--nologo', '-t:Package')
    # The package version as NuGet normalizes it: three parts (a fourth only when not 0), then -Prerelease.
    $manifest = Import-PowerShellDataFile -LiteralPath ([System.IO.Path]::Combine($moduleDir, 'MuseumSync.psd1'))
    $v = [version] $manifest.ModuleVersion
    $version = '{0}.{1}.{2}' -f $v.Major, $v.Minor, [Math]::Max($v.Build, 0)
    if ($v.Revision -gt 0) { $version += ".$($v.Revision)" }
    $prerelease = $manifest.PrivateData.PSData['Prerelease']
    if ($prerelease) { $version += "-$prerelease" }
    $nupkg = Join-RepoPath out package "MuseumSync.$version.nupkg"
    if (-not [System.IO.File]::Exists($nupkg)) {
        throw "The packager reported success but $nupkg does not exist."
    }
    "Package: $nupkg"
}

if ($Test) {
    $results = Join-RepoPath TestResults
    $xunit = Invoke-XunitSuite -Solution $solution -ResultsDirectory ([System.IO.Path]::Combine($results, 'xunit'))
    $pester = Invoke-PesterSuite -ResultsDirectory $results
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    ''
    "Results in ${results}: xunit/*.trx ($($xunit.Files) test projects), Pester.xml"
    "By suite, xunit $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    "tests: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}
