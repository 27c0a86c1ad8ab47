BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
}

Describe 'The built module' {
    It 'imports in pwsh and exports its cmdlets' {
        $module = Get-Module -Name MuseumSync
        $module | Should -Not -BeNullOrEmpty
        (Get-Command -Module MuseumSync -Name Invoke-MuseumPoll).CommandType | Should -Be 'Cmdlet'
    }
}
