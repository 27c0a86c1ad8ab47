#Requires -Version 7.4
<#
.SYNOPSIS
    Syncs a museum API into SQL Server with Windows integrated security: no password anywhere.

.DESCRIPTION
    The connection string says Integrated Security=true, so SQL Server authenticates the account this script runs
    as (your Windows login, a gMSA, or on Linux a Kerberos ticket from kinit/keytab); Encrypt=true with certificate
    validation on. Initialize-SyncDatabase creates or upgrades the schema (needs db_ddladmin the first time); the
    sync itself needs only SELECT/INSERT/UPDATE/DELETE on the schema. Invoke-MuseumPoll resumes from the store's
    checkpoint, so the script can run on a schedule. Needs a SQL Server: the tests only parse it.

.EXAMPLE
    ./examples/sqlserver-integrated.ps1 -Server sql01.museum.local -DatabaseName Collections

.EXAMPLE
    ./examples/sqlserver-integrated.ps1 -Server 'sql01,1433' -Profile Met -Source met -MaxPages 5 -WhatIf
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # The SQL Server (host, host\instance or host,port).
    [ValidateNotNullOrEmpty()]
    [string] $Server = 'localhost',

    # The database (it must exist; the schema inside is created).
    [ValidateNotNullOrEmpty()]
    [string] $DatabaseName = 'MuseumSync',

    # The schema the MuseumSync tables live in.
    [ValidatePattern('^[A-Za-z_][A-Za-z0-9_]*$')]
    [string] $Schema = 'museumsync',

    # A built-in source profile (Get-Help Invoke-MuseumPoll -Parameter Profile lists them).
    [ValidateNotNullOrEmpty()]
    [string] $Profile = 'ArtInstituteOfChicago',

    # The source name the records are stored under.
    [ValidateNotNullOrEmpty()]
    [string] $Source = 'aic',

    # Stop after this many pages (0: the whole collection).
    [ValidateRange(0, [int]::MaxValue)]
    [int] $MaxPages = 0
)

$ErrorActionPreference = 'Stop'

if (-not (Get-Module -Name MuseumSync)) {
    Import-Module -Name ([System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1'))
}

# Windows authentication and an encrypted, validated connection. There is no user name or password to store or leak.
$builder = [System.Data.Common.DbConnectionStringBuilder]::new()
$builder['Server'] = $Server
$builder['Database'] = $DatabaseName
$builder['Integrated Security'] = 'true'
$builder['Encrypt'] = 'true'
$builder['TrustServerCertificate'] = 'false'
$builder['Application Name'] = 'MuseumSync'
$store = @{ ConnectionString = $builder.ConnectionString; Provider = 'SqlServer'; Schema = $Schema }

if ($PSCmdlet.ShouldProcess("$Server/$DatabaseName, schema $Schema", 'Create or upgrade the MuseumSync schema')) {
    Initialize-SyncDatabase @store | Out-Default
}

$poll = @{ Profile = $Profile; Source = $Source }
if ($MaxPages -gt 0) { $poll.MaxPages = $MaxPages }
Invoke-MuseumPoll @poll @store |
    Sync-MuseumRecord -Source $Source -Profile $Profile @store -WhatIf:$WhatIfPreference

Get-SyncCheckpoint -Source $Source @store
