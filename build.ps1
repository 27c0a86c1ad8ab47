#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the MuseumSync module folder (out/MuseumSync), and optionally runs the tests.

.DESCRIPTION
    Wraps `dotnet build` and `dotnet test` for pwsh users and fails loudly: every native exit code is checked and the
    module folder is verified file by file (the psd1, the format file and every assembly the module needs, including
    the real Microsoft.Data.SqlClient from runtimes/*/lib/net8.0 rather than the throwing stub).

.EXAMPLE
    ./build.ps1
    Builds Release and leaves an importable module at ./out/MuseumSync.

.EXAMPLE
    ./build.ps1 -Test
    Builds, then runs every test project.

.EXAMPLE
    ./build.ps1 -Package
    Builds, then packs the module folder into ./out/package/MuseumSync.<version>.nupkg, ready for
    `Publish-PSResource -NupkgPath` (or publish the folder itself: `Publish-PSResource -Path ./out/MuseumSync`).
    Without pwsh: `dotnet build build/MuseumSync.Packaging -c Release -t:Package` does the same.
#>
[CmdletBinding()]
param(
    # The build configuration.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Run the tests after the build.
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

$root = $PSScriptRoot
$solution = [System.IO.Path]::Combine($root, 'MuseumSync.sln')
Invoke-Dotnet -Arguments @('build', $solution, '-c', $Configuration, '--nologo')

$moduleDir = [System.IO.Path]::Combine($root, 'out', 'MuseumSync')
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
$missing = @($required | Where-Object { -not [System.IO.File]::Exists([System.IO.Path]::Combine($moduleDir, $_)) })
if ($missing.Count -gt 0) {
    throw "The module folder $moduleDir is incomplete; missing: $($missing -join ', ')."
}
"Module: $moduleDir"

if ($Package) {
    # The packager reads the manifest (version, tags, URIs, release notes) and writes the .nupkg with NuGet's own writer.
    $packager = [System.IO.Path]::Combine($root, 'build', 'MuseumSync.Packaging', 'MuseumSync.Packaging.csproj')
    Invoke-Dotnet -Arguments @('build', $packager, '-c', $Configuration, '--nologo', '-t:Package')
    # The package version as NuGet normalizes it: three parts (a fourth only when not 0), then -Prerelease.
    $manifest = Import-PowerShellDataFile -LiteralPath ([System.IO.Path]::Combine($moduleDir, 'MuseumSync.psd1'))
    $v = [version] $manifest.ModuleVersion
    $version = '{0}.{1}.{2}' -f $v.Major, $v.Minor, [Math]::Max($v.Build, 0)
    if ($v.Revision -gt 0) { $version += ".$($v.Revision)" }
    $prerelease = $manifest.PrivateData.PSData['Prerelease']
    if ($prerelease) { $version += "-$prerelease" }
    $nupkg = [System.IO.Path]::Combine($root, 'out', 'package', "MuseumSync.$version.nupkg")
    if (-not [System.IO.File]::Exists($nupkg)) {
        throw "The packager reported success but $nupkg does not exist."
    }
    "Package: $nupkg"
}

if ($Test) {
    Invoke-Dotnet -Arguments @('test', $solution, '-c', $Configuration, '--no-build', '--nologo')
}
