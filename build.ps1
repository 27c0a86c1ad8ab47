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
#>
[CmdletBinding()]
param(
    # The build configuration.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Run the tests after the build.
    [switch] $Test
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

if ($Test) {
    Invoke-Dotnet -Arguments @('test', $solution, '-c', $Configuration, '--no-build', '--nologo')
}
