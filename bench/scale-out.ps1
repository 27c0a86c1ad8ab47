<#
.SYNOPSIS
    Wall time of one scale-out submission with 1, 2, 3 … worker processes against the mock API under a rate limit (issue #15).

.DESCRIPTION
    For each worker count: starts ../shared/bench/server.js (an ID fan-out of -Records objects, 50 requests per second in
    windows of 1 s), writes a sync.psd1 whose source is configured at the API's whole rate (RequestsPerSecond 50, as an
    admin copies the museum's published rate), submits it with Submit-MuseumSync, starts that many worker processes
    (`dotnet pwsh.dll … Start-MuseumSyncWorker -StopWhenIdle`, one Hangfire worker each) and waits for all of them.
    Prints, per worker count: the wall time from the submission to the last worker's exit, the requests the API served
    and their rate over that time, the API's rate-limit violations and 429s, and whether the store ended exact (every
    valid record once, every invalid one dead-lettered once). Every process it starts is stopped before it returns;
    every wait is bounded by -TimeoutSec.

    The store is PostgreSQL when MUSEUMSYNC_TEST_POSTGRES (a connection string) is set, in a schema of its own that is
    dropped afterwards; else a SQLite file in a temporary folder.

.EXAMPLE
    $env:MUSEUMSYNC_TEST_POSTGRES = 'Host=127.0.0.1;Port=54330;Username=postgres;Database=postgres'
    dotnet pwsh -NoProfile -Command './bench/scale-out.ps1 -Workers 1,2,3 -Records 3000'
#>
param(
    # At most 16 worker processes a measurement. Under -File, '-Workers 1,2,3' reaches the script as ONE string that
    # [int] reads as 123 (commas as thousands separators): run it with -Command, as the example above does.
    [ValidateRange(1, 16)] [int[]] $Workers = @(1, 2, 3),
    [ValidateRange(1, 100000)] [int] $Records = 3000,
    [ValidateRange(1, 10000)] [int] $IdsPerJob = 100,
    [int] $RateLimit = 50,
    [int] $TimeoutSec = 900,
    [string] $Module = [System.IO.Path]::Combine($PSScriptRoot, '..', 'out', 'MuseumSync', 'MuseumSync.psd1'),
    [string] $ServerJs = [System.IO.Path]::Combine($PSScriptRoot, '..', '..', 'shared', 'bench', 'server.js')
)
$ErrorActionPreference = 'Stop'
$Module = [System.IO.Path]::GetFullPath($Module)
$ServerJs = [System.IO.Path]::GetFullPath($ServerJs)
if (-not (Test-Path -LiteralPath $ServerJs)) { throw "The mock API is not at $ServerJs; pass -ServerJs." }
Import-Module $Module

function Start-Api {
    $node = (Get-Command -Name node -CommandType Application | Select-Object -First 1).Source
    $info = [System.Diagnostics.ProcessStartInfo]::new($node)
    foreach ($a in @($ServerJs, '--port', '0', '--records', "$Records", '--seed', '15', '--invalid-rate', '0.02',
            '--rate-limit', "$RateLimit", '--rate-window-ms', '1000', '--quiet')) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(60000) -or -not $line.Result) { $process.Kill($true); throw 'server.js did not report its address within 60 s.' }
    $said = $line.Result | ConvertFrom-Json
    [pscustomobject]@{ Process = $process; Url = $said.listening; Expected = $said.expected.ids }
}

function Start-Worker([string] $Config) {
    # This very pwsh (pwsh.dll under dotnet, or the apphost), so the worker's PID is pwsh's own.
    $processPath = [System.Environment]::ProcessPath
    $info = [System.Diagnostics.ProcessStartInfo]::new($processPath)
    $dll = [System.IO.Path]::Combine($PSHOME, 'pwsh.dll')
    if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet' -and [System.IO.File]::Exists($dll)) { $info.ArgumentList.Add($dll) }
    $command = "`$ErrorActionPreference = 'Stop'; Import-Module '$Module'; " +
        "Start-MuseumSyncWorker -ConfigPath '$Config' -Queue bench -WorkerCount 1 -StopWhenIdle -PollIntervalSec 0.3"
    foreach ($a in @('-NoProfile', '-NonInteractive', '-Command', $command)) { $info.ArgumentList.Add($a) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    [pscustomobject]@{ Process = $process; StdOut = $process.StandardOutput.ReadToEndAsync(); StdErr = $process.StandardError.ReadToEndAsync() }
}

$postgres = $env:MUSEUMSYNC_TEST_POSTGRES
$results = foreach ($n in $Workers) {
    $api = Start-Api
    $started = @()
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) ('ms-scale-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $folder
    $schema = 'ms_bench_' + [guid]::NewGuid().ToString('N').Substring(0, 10)
    $store = if ($postgres) { "@{ Provider = 'PostgreSql'; ConnectionString = '$postgres'; Schema = '$schema' }" } else { "@{ Database = '$(Join-Path $folder 'bench.db')' }" }
    $config = Join-Path $folder 'sync.psd1'
    Set-Content -LiteralPath $config -Value @"
@{
    Store   = $store
    Sources = @(
        @{ Name = 'bench'; Uri = '$($api.Url)/ids'; ItemUri = '$($api.Url)/assets/{id}'; ThrottleLimit = 4; RequestsPerSecond = $RateLimit }
    )
}
"@
    try {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $submission = Submit-MuseumSync -ConfigPath $config -IdsPerJob $IdsPerJob -Queue bench
        $started = @(1..$n | ForEach-Object { Start-Worker $config })
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        foreach ($w in $started) {
            $left = [int][Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
            if (-not $w.Process.WaitForExit($left)) { throw "A worker did not finish within $TimeoutSec s." }
            $w.Process.WaitForExit()
            if ($w.Process.ExitCode -ne 0) { throw "A worker failed (exit $($w.Process.ExitCode)): $($w.StdErr.Result)" }
        }
        $clock.Stop()
        $stats = Invoke-RestMethod -Uri "$($api.Url)/__stats"
        $jobs = @(Get-MuseumSyncJob -ConfigPath $config -Submission $submission.Id)
        $checkpoint = if ($postgres) { Get-SyncCheckpoint -Source bench -Provider PostgreSql -ConnectionString $postgres -Schema $schema } else { Get-SyncCheckpoint -Source bench -Database (Join-Path $folder 'bench.db') }
        $dead = if ($postgres) { @(Get-SyncDeadLetter -Source bench -Provider PostgreSql -ConnectionString $postgres -Schema $schema) } else { @(Get-SyncDeadLetter -Source bench -Database (Join-Path $folder 'bench.db')) }
        $exact = $checkpoint.RecordsCommitted -eq $api.Expected.rows -and $dead.Count -eq $api.Expected.dead_letters -and -not ($jobs | Where-Object State -ne 'Done')
        [pscustomobject]@{
            Workers       = $n
            Store         = if ($postgres) { 'PostgreSQL' } else { 'SQLite' }
            Objects       = $api.Expected.rows + $api.Expected.dead_letters
            Jobs          = $jobs.Count
            WallSeconds   = [Math]::Round($clock.Elapsed.TotalSeconds, 1)
            Requests      = $stats.requests
            RequestsPerSec = [Math]::Round($stats.requests / $clock.Elapsed.TotalSeconds, 1)
            Violations    = $stats.violations
            Sent429       = $stats.sent_429
            Exact         = $exact
        }
    }
    finally {
        foreach ($w in $started) { if (-not $w.Process.HasExited) { $w.Process.Kill($true); $null = $w.Process.WaitForExit(10000) } }
        if (-not $api.Process.HasExited) { $api.Process.Kill($true); $null = $api.Process.WaitForExit(10000) }
        if ($postgres) {
            # The schemas go with a fresh connection of the module's own provider: no psql needed.
            $drop = "DROP SCHEMA IF EXISTS `"$schema`" CASCADE; DROP SCHEMA IF EXISTS `"$($schema)_hangfire`" CASCADE;"
            $npgsql = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Npgsql' } | Select-Object -First 1
            if ($npgsql) {
                $connection = [Activator]::CreateInstance($npgsql.GetType('Npgsql.NpgsqlConnection'), @($postgres))
                try { $connection.Open(); $cmd = $connection.CreateCommand(); $cmd.CommandText = $drop; $null = $cmd.ExecuteNonQuery() } finally { $connection.Dispose() }
            }
            else { Write-Warning "Drop the schemas $schema and $($schema)_hangfire by hand: $drop" }
        }
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction Ignore
    }
}
$results | Format-Table -AutoSize | Out-String -Width 200
