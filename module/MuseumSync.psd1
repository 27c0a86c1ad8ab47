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
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('museum', 'collections', 'sync', 'etl', 'LIDO', 'IIIF', 'SQLite', 'SqlServer', 'PostgreSQL', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First release: cursor-paged NDJSON polling, validation at the boundary, crash-safe SQLite sync.'
        }
    }
}
