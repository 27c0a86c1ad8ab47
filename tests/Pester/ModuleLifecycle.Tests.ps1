# Remove-Module and Import-Module again in one session, as an admin does after an upgrade or in a long-lived host.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    $script:Api = Start-SampleApi -Records 12
}

AfterAll {
    Stop-TestProcess $script:Api
    Import-MuseumSyncModule # leave the session as the next file expects it
}

Describe 'Removing and importing the module again' {
    It 'syncs before, is gone after Remove-Module, and syncs again after Import-Module' {
        $db = Join-Path $TestDrive 'lifecycle.db'
        $before = Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source before -PageSize 5 | Sync-MuseumRecord -Source before -Database $db
        $before.Inserted | Should -Be 12

        Remove-Module -Name MuseumSync -Force
        Get-Module -Name MuseumSync | Should -BeNullOrEmpty
        Get-Command -Name Sync-MuseumRecord -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        Import-Module -Name (Get-MuseumSyncModulePath) -Global -ErrorAction Stop
        @(Get-Module -Name MuseumSync).Count | Should -Be 1
        # Every cmdlet the manifest exports is back, and nothing else: 16, the three scale-out cmdlets and the dashboard (issue #15).
        $exported = (Import-PowerShellDataFile -LiteralPath (Get-MuseumSyncModulePath)).CmdletsToExport
        $exported.Count | Should -Be 20
        (Get-Command -Module MuseumSync).Name | Sort-Object | Should -Be ($exported | Sort-Object)

        $after = Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source after -PageSize 5 | Sync-MuseumRecord -Source after -Database $db
        $after.GetType().FullName | Should -Be 'MuseumSync.SyncSummary'
        $after.Inserted | Should -Be 12
        (Get-SyncCheckpoint -Database $db).Source | Sort-Object | Should -Be @('after', 'before')
        (Get-StoredRecord -Database $db -Source after).object_id | Should -Be (Get-StoredRecord -Database $db -Source before).object_id
        # The SQLite dependency still resolves in the module's own load context, once.
        @([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'MuseumSync').Count | Should -Be 1
        @([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }).Count | Should -Be 0
    }

    It 'Import-Module -Force twice in a row keeps one working module' {
        Import-Module -Name (Get-MuseumSyncModulePath) -Global -Force -ErrorAction Stop
        Import-Module -Name (Get-MuseumSyncModulePath) -Global -Force -ErrorAction Stop
        @(Get-Module -Name MuseumSync).Count | Should -Be 1
        $db = Join-Path $TestDrive 'forced.db'
        (Invoke-MuseumPoll -Uri $script:Api.ObjectsUri -Source forced | Sync-MuseumRecord -Source forced -Database $db).Inserted | Should -Be 12
        (Get-SyncCheckpoint -Source forced -Database $db).RecordsCommitted | Should -Be 12
    }
}
