#Requires -Version 7.4
<#
.SYNOPSIS
    Registers a Windows scheduled task that runs run-sync.ps1 with pwsh every night (or every few hours).

.DESCRIPTION
    Creates (or with -Force replaces) the task TaskPath\TaskName: pwsh.exe -NoProfile -NonInteractive -File
    run-sync.ps1 -ConfigPath CONFIG -LogDirectory LOGS, as SYSTEM or as a (group) managed service account, without
    an interactive logon. The task retries a failed run (-RestartCount times, -RestartInterval apart), is stopped after
    -ExecutionTimeLimit, never runs twice at once, and starts as soon as possible after a missed start.

    API keys: set the environment variables the config names (e.g. COOPERHEWITT_ACCESS_TOKEN) for the account the
    task runs as, machine-wide ([Environment]::SetEnvironmentVariable(name, value, 'Machine')) or in that account's
    profile; they are not part of the task. Windows only (ScheduledTasks module): on Linux use museumsync.timer or
    crontab.txt beside this script.

.EXAMPLE
    ./Register-MuseumSyncTask.ps1 -ConfigPath D:\MuseumSync\sync.psd1 -At 02:30
    Nightly at 02:30 as SYSTEM.

.EXAMPLE
    ./Register-MuseumSyncTask.ps1 -ConfigPath D:\MuseumSync\sync.psd1 -UserId 'MUSEUM\svc-museumsync$' -RepeatEvery 04:00:00 -Force
    Every 4 hours as a gMSA (no password stored: Windows fetches it from Active Directory).
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    # The sync configuration the task runs (an absolute path: the task does not start in this folder).
    [Parameter(Mandatory)]
    [string] $ConfigPath,

    # The task's name and folder in Task Scheduler.
    [string] $TaskName = 'MuseumSync',
    [string] $TaskPath = '\MuseumSync\',

    # Where run-sync.ps1 writes its transcripts.
    [string] $LogDirectory = ([System.IO.Path]::Combine($env:ProgramData ?? 'C:\ProgramData', 'MuseumSync', 'logs')),

    # The daily start time.
    [DateTime] $At = '02:00',

    # Also repeat every this often after the daily start (e.g. 04:00:00); not set: once a day.
    [TimeSpan] $RepeatEvery = [TimeSpan]::Zero,

    # The account: SYSTEM (the default), or a group managed service account ending in '$'.
    [string] $UserId = 'NT AUTHORITY\SYSTEM',

    # Stop a run that takes longer than this.
    [TimeSpan] $ExecutionTimeLimit = '04:00:00',

    # Retries after a failed run (exit code not 0), and the wait between them.
    [ValidateRange(0, 999)]
    [int] $RestartCount = 3,
    [TimeSpan] $RestartInterval = '00:15:00',

    # The PowerShell 7 that runs the task: by default the pwsh.exe of the PowerShell running this script.
    [string] $PwshPath,

    # Replace a task of the same name.
    [switch] $Force
)

$ErrorActionPreference = 'Stop'

# The ScheduledTasks module (Windows 8 / Server 2012 and later) is what this script needs, so that is what it checks.
if (-not (Get-Command -Name Register-ScheduledTask -ErrorAction Ignore)) {
    throw [System.PlatformNotSupportedException]::new(
        'Register-MuseumSyncTask.ps1 registers a Windows Task Scheduler task and runs on Windows only. ' +
        'On Linux, install examples/scheduled/museumsync.service and museumsync.timer (systemd) or use crontab.txt.')
}

$ConfigPath = [System.IO.Path]::GetFullPath($ConfigPath)
if (-not [System.IO.File]::Exists($ConfigPath)) { throw "The config $ConfigPath does not exist." }
$runSync = [System.IO.Path]::Combine($PSScriptRoot, 'run-sync.ps1')
$pwsh = $PwshPath
if (-not $pwsh) {
    $pwsh = [System.IO.Path]::Combine($PSHOME, 'pwsh.exe')
    if (-not [System.IO.File]::Exists($pwsh)) { $pwsh = (Get-Command -Name pwsh.exe -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source }
}
if (-not $pwsh -or -not [System.IO.File]::Exists($pwsh)) {
    throw "pwsh.exe was not found (in $PSHOME or on PATH). Pass the PowerShell 7 that should run the task: -PwshPath 'C:\Program Files\PowerShell\7\pwsh.exe'."
}
$pwsh = [System.IO.Path]::GetFullPath($pwsh)

$arguments = "-NoProfile -NonInteractive -ExecutionPolicy RemoteSigned -File `"$runSync`" -ConfigPath `"$ConfigPath`" -LogDirectory `"$LogDirectory`""
$action = New-ScheduledTaskAction -Execute $pwsh -Argument $arguments -WorkingDirectory ([System.IO.Path]::GetDirectoryName($ConfigPath))

$trigger = New-ScheduledTaskTrigger -Daily -At $At
if ($RepeatEvery -gt [TimeSpan]::Zero) {
    # A daily trigger repeats through the day via its Repetition pattern (copied from a -Once trigger).
    $repeat = New-ScheduledTaskTrigger -Once -At $At -RepetitionInterval $RepeatEvery -RepetitionDuration ([TimeSpan]::FromDays(1))
    $trigger.Repetition = $repeat.Repetition
}

$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit $ExecutionTimeLimit -RestartCount $RestartCount `
    -RestartInterval $RestartInterval -MultipleInstances IgnoreNew -StartWhenAvailable -DontStopOnIdleEnd `
    -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries

if ($UserId -in @('SYSTEM', 'NT AUTHORITY\SYSTEM')) {
    $principal = New-ScheduledTaskPrincipal -UserId 'NT AUTHORITY\SYSTEM' -LogonType ServiceAccount -RunLevel Highest
}
elseif ($UserId.EndsWith('$')) {
    # A gMSA: LogonType Password means "fetch the managed password", nothing is stored. Limited: it needs no admin rights.
    $principal = New-ScheduledTaskPrincipal -UserId $UserId -LogonType Password -RunLevel Limited
}
else {
    throw "Use SYSTEM or a group managed service account (DOMAIN\name$); a user account would need its password stored in the task."
}

$task = New-ScheduledTask -Action $action -Trigger $trigger -Settings $settings -Principal $principal `
    -Description "MuseumSync: Invoke-MuseumSync -ConfigPath $ConfigPath (logs in $LogDirectory)"
if ($PSCmdlet.ShouldProcess("$TaskPath$TaskName", "Register a scheduled task running $runSync as $UserId")) {
    Register-ScheduledTask -TaskName $TaskName -TaskPath $TaskPath -InputObject $task -Force:$Force
}
