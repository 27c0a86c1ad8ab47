# Shared by the Pester suite (tests/Pester/*.Tests.ps1). Each test file starts with:
#   BeforeAll { Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force; Import-MuseumSyncModule }
# The module under test is the BUILT folder (out/MuseumSync), as a user imports it; MUSEUMSYNC_MODULE overrides it.

$script:RepoRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))

function Get-RepoRoot { $script:RepoRoot }

function Get-MuseumSyncModulePath {
    if ($env:MUSEUMSYNC_MODULE) { return $env:MUSEUMSYNC_MODULE }
    [System.IO.Path]::Combine($script:RepoRoot, 'out', 'MuseumSync', 'MuseumSync.psd1')
}

function Import-MuseumSyncModule {
    $path = Get-MuseumSyncModulePath
    if (-not (Test-Path -LiteralPath $path)) {
        throw "The built module is missing at $path. Build it first: dotnet build -c Release (or ./build.ps1)."
    }
    Import-Module -Name $path -Global -ErrorAction Stop
}

Export-ModuleMember -Function Get-RepoRoot, Get-MuseumSyncModulePath, Import-MuseumSyncModule
