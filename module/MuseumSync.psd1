@{
    RootModule             = 'MuseumSync.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '5b0f7a53-3c1e-4f57-9d0e-6f3d2f5a9c41'
    Author                 = 'MuseumSync contributors'
    CompanyName            = 'MuseumSync'
    Copyright              = '(c) MuseumSync contributors. MIT License.'
    Description            = 'Mirrors museum collection records from web APIs into SQLite, SQL Server or PostgreSQL: streaming, validated at the boundary, crash-safe (each batch and its checkpoint commit in one transaction).'
    PowerShellVersion      = '7.4'
    CompatiblePSEditions   = @('Core')
    FormatsToProcess       = @('MuseumSync.Format.ps1xml')
    CmdletsToExport        = @(
        'Invoke-MuseumPoll'
        'Sync-MuseumRecord'
        'Get-SyncCheckpoint'
        'Get-SyncDeadLetter'
        'Test-LidoRecord'
        'Test-IiifManifest'
        'ConvertTo-IiifManifest'
        'ConvertTo-LidoXml'
        'Get-MuseumAccessTier'
        'Get-MuseumComplianceRule'
        'Initialize-SyncDatabase'
        'Set-SyncCheckpoint'
        'Reset-SyncCheckpoint'
        'Invoke-MuseumSync'
        'Invoke-MuseumOcr'
        'Get-MuseumRecordText'
        'Submit-MuseumSync'
        'Start-MuseumSyncWorker'
        'Get-MuseumSyncJob'
        'Start-MuseumSyncDashboard'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('museum', 'collections', 'sync', 'etl', 'LIDO', 'IIIF', 'SQLite', 'SqlServer', 'PostgreSQL', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/museumsync/MuseumSync/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/museumsync/MuseumSync'
            ReleaseNotes = @'
0.1.0 - first release.
- Invoke-MuseumPoll: streams records from museum APIs in any paging style (header/body cursors, Link rel=next, page number, offset, OAI-PMH, ID fan-out) or from a local dump, with retries, rate-limit pacing, a circuit breaker and resumption from a store's checkpoint.
- Sync-MuseumRecord: validates at the boundary, applies the compliance (rights and access tier) rules, and commits each batch with its checkpoint in one transaction into SQLite, SQL Server or PostgreSQL; invalid records are dead-lettered and can be replayed (Get-SyncDeadLetter | Sync-MuseumRecord).
- Checkpoint cmdlets (Get/Set/Reset-SyncCheckpoint), Initialize-SyncDatabase (versioned migrations), leases for several workers.
- Museum standards: Test-LidoRecord, ConvertTo-LidoXml, Test-IiifManifest, ConvertTo-IiifManifest, Get-MuseumAccessTier, Get-MuseumComplianceRule.
'@
        }
    }
}
