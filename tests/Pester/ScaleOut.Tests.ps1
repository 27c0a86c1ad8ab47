# Issue #15: several workers on several servers, on Hangfire. Submit-MuseumSync plans an ID fan-out of the harness's mock
# API (../shared/bench/server.js: a few hundred objects, some invalid, 50 requests per second) into jobs; worker
# processes (separate pwsh processes, so that one can be killed by PID) run them; the store must then hold every valid
# record once and every invalid one dead-lettered once, each object fetched about once, and the API's rate limit never
# broken. Every process started here is stopped in AfterEach/AfterAll; every wait is bounded.
#
# The rate limit: every worker is configured with the API's whole limit (RequestsPerSecond 50), as an admin would copy
# the museum's published rate into sync.psd1; the pace is kept in the store and shared by all workers, so together they
# must never exceed it (zero violations, zero 429s).

BeforeDiscovery {
    $script:ServerJs = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'bench', 'server.js'))
    $script:Node = Get-Command -Name node -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    $script:SkipReason = if (-not $script:Node) { 'node is not installed (the mock API of ../shared/bench is a Node.js script)' }
                         elseif (-not [System.IO.File]::Exists($script:ServerJs)) { "the benchmark harness is not beside the repository ($script:ServerJs)" }
    $script:NoPostgres = -not $env:MUSEUMSYNC_TEST_POSTGRES
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule
    $script:ServerJs = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'bench', 'server.js'))
    $script:Secret = 'scale-out-secret-' + [guid]::NewGuid().ToString('N')
    $env:MS_SCALE_SECRET = $script:Secret
    $script:IdsPerJob = 25

    function Start-MockApi {
        Start-MockMuseumApi -ServerJs $script:ServerJs -ArgumentList @('--records', '300', '--seed', '15', '--invalid-rate', '0.05',
            '--rate-limit', '50', '--rate-window-ms', '1000', '--quiet')
    }

    function New-ScaleConfig {
        <# A sync.psd1 of one ID fan-out source 'bench' over the mock API, with an API key read from the environment. #>
        param([string] $Store, [string] $Name, [double] $RequestsPerSecond = 50)
        $path = Join-Path $TestDrive "$Name.psd1"
        Set-Content -LiteralPath $path -Value @"
@{
    Store   = $Store
    Sources = @(
        @{ Name = 'bench'; Uri = '$($script:Api.Url)/ids'; ItemUri = '$($script:Api.Url)/assets/{id}'; ThrottleLimit = 2
           RequestsPerSecond = $RequestsPerSecond; ApiKeyVariable = 'MS_SCALE_SECRET'; ApiKeyName = 'X-Api-Key'; ApiKeyIn = 'Header' }
    )
}
"@
        $path
    }

    function Start-Worker {
        <# One worker process (its own pwsh, killable by PID) that stops when no job is left. #>
        param([string] $Config, [string] $Queue)
        $command = "`$ErrorActionPreference = 'Stop'; Import-Module `$env:MUSEUMSYNC_MODULE; " +
            "Start-MuseumSyncWorker -ConfigPath '$Config' -Queue '$Queue' -WorkerCount 1 -StopWhenIdle -PollIntervalSec 0.3 -RetryDelaySec 1 -InvisibilityTimeoutSec 8"
        $process = [System.Diagnostics.Process]::Start((Get-PwshStartInfo -ArgumentList @('-Command', $command)))
        [pscustomobject]@{ Process = $process; StdOut = $process.StandardOutput.ReadToEndAsync(); StdErr = $process.StandardError.ReadToEndAsync() }
    }

    function Wait-Workers {
        param([object[]] $Workers, [int] $TimeoutSec = 90)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        foreach ($w in $Workers) {
            $left = [int][Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
            if (-not $w.Process.WaitForExit($left)) {
                # Its output ends only with the process: stop it first, then say what it wrote.
                Stop-TestProcess $w.Process
                throw "A worker did not stop within $TimeoutSec s: $($w.StdErr.Result)"
            }
            $w.Process.WaitForExit()
            $w.Process.ExitCode | Should -Be 0 -Because $w.StdErr.GetAwaiter().GetResult()
        }
    }

    function Get-Stats { Invoke-RestMethod -Uri "$($script:Api.Url)/__stats" }

    function Assert-ExactSync {
        <# What every run must end with, read from the API's counters, the jobs and the store. #>
        param([string] $Config, [scriptblock] $Query, [int] $ExtraFetches = 0)
        $expected = $script:Api.Expected.ids
        $distinct = $expected.rows + $expected.dead_letters
        $stats = Get-Stats
        $jobs = @(Get-MuseumSyncJob -ConfigPath $Config)
        $said = "jobs: $(($jobs | ForEach-Object { "$($_.Key)=$($_.State)/$($_.Attempts) $($_.LastError)" }) -join '; '); workers: $(($script:Workers | ForEach-Object { $_.StdErr.Result }) -join ' | ')"
        $stats.violations | Should -Be 0 -Because 'the workers together stay within the API''s rate limit'
        $stats.sent_429 | Should -Be 0
        $stats.by_endpoint.assets | Should -BeGreaterOrEqual $distinct -Because $said
        $stats.by_endpoint.assets | Should -BeLessOrEqual ($distinct + $stats.sent_503 + $ExtraFetches) -Because 'each object is fetched once (a killed worker''s job once more)'

        $jobs.Count | Should -Be (1 + [Math]::Ceiling($distinct / $script:IdsPerJob))
        @($jobs | Where-Object State -ne 'Done') | Should -BeNullOrEmpty
        ($jobs | Measure-Object -Property Records -Sum).Sum | Should -Be $distinct

        (& $Query 'SELECT COUNT(*) AS n FROM {s}museum_records WHERE source = ''bench''').n | Should -Be $expected.rows
        (& $Query 'SELECT COUNT(*) AS n FROM {s}sync_dead_letters WHERE source = ''bench''').n | Should -Be $expected.dead_letters
        (& $Query 'SELECT MAX(attempt_count) AS n FROM {s}sync_dead_letters').n | Should -Be 1
        $checkpoint = Get-SyncCheckpoint -Source bench @script:StoreArgs
        $checkpoint.RecordsCommitted | Should -Be $expected.rows -Because 'every valid record is committed exactly once'
        $checkpoint.Cursor | Should -BeNullOrEmpty
    }
}

AfterAll {
    Remove-Item Env:MS_SCALE_SECRET -ErrorAction Ignore
}

Describe 'Scale-out on PostgreSQL: three worker processes share one ID fan-out' -Skip:([bool]$script:SkipReason -or $script:NoPostgres) {
    BeforeEach {
        $script:Api = Start-MockApi
        $script:Schema = 'ms_scale_' + [guid]::NewGuid().ToString('N').Substring(0, 10)
        $script:Workers = @()
        $connection = $env:MUSEUMSYNC_TEST_POSTGRES
        $script:Config = New-ScaleConfig -Name $script:Schema -Store "@{ Provider = 'PostgreSql'; ConnectionString = '$connection'; Schema = '$($script:Schema)' }"
        $script:StoreArgs = @{ ConnectionString = $connection; Provider = 'PostgreSql'; Schema = $script:Schema }
        $script:Query = { param($sql) Invoke-PostgresCommand -ConnectionString $env:MUSEUMSYNC_TEST_POSTGRES -Command ($sql -replace '\{s\}', "`"$($script:Schema)`".") }
    }

    AfterEach {
        foreach ($w in $script:Workers) { Stop-TestProcess $w.Process }
        Stop-TestProcess $script:Api.Process
        foreach ($s in @($script:Schema, "$($script:Schema)_hangfire")) {
            $null = Invoke-PostgresCommand -ConnectionString $env:MUSEUMSYNC_TEST_POSTGRES -Command "DROP SCHEMA IF EXISTS `"$s`" CASCADE"
        }
    }

    It 'ends exact with three workers (one SIGKILLed mid-job and started again: <Kill>)' -TestCases @(@{ Kill = $false }, @{ Kill = $true }) {
        param($Kill)
        $null = Submit-MuseumSync -ConfigPath $script:Config -IdsPerJob $script:IdsPerJob -Queue scale -ErrorAction Stop
        $script:Workers = @(1..3 | ForEach-Object { Start-Worker -Config $script:Config -Queue scale })
        if ($Kill) {
            # Mid-job: some chunks are committed and the victim's job is running.
            Wait-Until { @(Get-MuseumSyncJob -ConfigPath $script:Config -State Done).Count -ge 3 -and @(Get-MuseumSyncJob -ConfigPath $script:Config -State Processing).Count -ge 1 } -TimeoutSec 60 -Because 'chunk jobs run'
            $script:Workers[0].Process.Kill($true)
            $script:Workers[0].Process.WaitForExit(10000) | Should -BeTrue
            $script:Workers = @($script:Workers[1], $script:Workers[2], (Start-Worker -Config $script:Config -Queue scale))
        }
        Wait-Workers $script:Workers -TimeoutSec 120
        Assert-ExactSync -Config $script:Config -Query $script:Query -ExtraFetches ($(if ($Kill) { $script:IdsPerJob } else { 0 }))

        # Jobs carry the source, the submission and the job key only: the API key is nowhere in Hangfire's tables or MuseumSync's.
        foreach ($schema in @($script:Schema, "$($script:Schema)_hangfire")) {
            $tables = Invoke-PostgresCommand -ConnectionString $env:MUSEUMSYNC_TEST_POSTGRES -Command "SELECT table_name FROM information_schema.tables WHERE table_schema = '$schema'"
            $tables | Should -Not -BeNullOrEmpty
            foreach ($t in $tables) {
                (Invoke-PostgresCommand -ConnectionString $env:MUSEUMSYNC_TEST_POSTGRES -Command "SELECT COUNT(*) AS n FROM `"$schema`".`"$($t.table_name)`" t WHERE t::text LIKE '%$($script:Secret)%'").n | Should -Be 0 -Because "$schema.$($t.table_name) must not hold the API key"
            }
        }
    }
}

Describe 'Scale-out on one machine: the same plan with the embedded SQLite store' -Skip:([bool]$script:SkipReason) {
    BeforeEach {
        $script:Api = Start-MockApi
        $script:Workers = @()
        $db = Join-Path $TestDrive 'scale.db'
        $script:Config = New-ScaleConfig -Name 'sqlite' -Store "@{ Database = '$db' }"
        $script:StoreArgs = @{ Database = $db }
        $script:Db = $db
        $script:Query = { param($sql) Invoke-SqliteQuery -Database $script:Db -Query ($sql -replace '\{s\}', '') }
    }

    AfterEach {
        foreach ($w in $script:Workers) { Stop-TestProcess $w.Process }
        Stop-TestProcess $script:Api.Process
    }

    It 'runs the submission in a fresh worker process that resolves the job type inside the module, exactly once' {
        $submission = Submit-MuseumSync -ConfigPath $script:Config -IdsPerJob $script:IdsPerJob -Queue local -ErrorAction Stop
        $submission.Jobs | Should -Be 1
        $submission.Database | Should -Be $script:Db
        # A fresh pwsh that only imported the module: Hangfire finds MuseumSync.Jobs.SyncJob in the module's load context.
        $script:Workers = @(Start-Worker -Config $script:Config -Queue local)
        Wait-Workers $script:Workers -TimeoutSec 90
        Assert-ExactSync -Config $script:Config -Query $script:Query

        $hangfireFile = Join-Path $TestDrive 'scale.hangfire.db'
        Test-Path -LiteralPath $hangfireFile | Should -BeTrue
        foreach ($file in Get-ChildItem -LiteralPath $TestDrive -Filter 'scale*') {
            # SQLite deletes a -shm or -wal file when the last connection to its database closes, which may happen
            # between the listing and the read (the job storage's connections close in the background): gone, it holds nothing.
            $text = try { [System.IO.File]::ReadAllText($file.FullName, [System.Text.Encoding]::Latin1) } catch [System.IO.FileNotFoundException] { $null }
            if ($null -eq $text -and $file.Name -notmatch '-(shm|wal)$') { throw "$($file.FullName) vanished before it could be read." }
            "$text".Contains($script:Secret) | Should -BeFalse -Because "$($file.Name) must not hold the API key"
        }
    }
}

Describe 'Scale-out of an OAI-PMH repository in date windows: two worker processes' -Skip:([bool]$script:SkipReason) {
    BeforeAll {
        # A loopback OAI-PMH repository (its own node process, stopped in AfterAll; it also stops itself after 300 s) at
        # seconds granularity: 100 records, one a week from 2025-01-01, every 20th without a title (dead-lettered). It
        # honours from= and until= (inclusive), pages by resumptionToken (15 per page), and counts every request.
        $script:OaiJs = Join-Path $TestDrive 'oai.js'
        Set-Content -LiteralPath $script:OaiJs -Value @'
'use strict';
const http = require('http');
const start = Date.UTC(2025, 0, 1);
const records = Array.from({ length: 100 }, (_, i) => ({ id: `oai:test:${i}`, stamp: new Date(start + i * 7 * 86400000), titled: i % 20 !== 19 }));
const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const stats = { identify: 0, lists: 0, pages: 0, untilMissing: 0, served: {} };
const wrap = (verb, body) => `<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>${iso(new Date())}</responseDate><request verb="${verb}">http://127.0.0.1/oai</request>${body}</OAI-PMH>`;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const q = url.searchParams;
  if (url.pathname === '/__stats') { res.writeHead(200, { 'Content-Type': 'application/json' }); return res.end(JSON.stringify(stats)); }
  res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
  if (q.get('verb') === 'Identify') {
    stats.identify++;
    return res.end(wrap('Identify', '<Identify><repositoryName>Test</repositoryName><baseURL>http://127.0.0.1/oai</baseURL><protocolVersion>2.0</protocolVersion><adminEmail>a@example.org</adminEmail><earliestDatestamp>2025-01-01T00:00:00Z</earliestDatestamp><deletedRecord>persistent</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>'));
  }
  let from, until, offset = 0;
  const token = q.get('resumptionToken');
  if (token) { [from, until, offset] = token.split('|'); offset = Number(offset); }
  else { stats.lists++; from = q.get('from') || ''; until = q.get('until') || ''; if (!until) stats.untilMissing++; }
  stats.pages++;
  const match = records.filter(r => (!from || r.stamp >= new Date(from)) && (!until || r.stamp <= new Date(until)));
  const page = match.slice(offset, offset + 15);
  for (const r of page) stats.served[r.id] = (stats.served[r.id] || 0) + 1;
  const next = offset + 15 < match.length ? `<resumptionToken completeListSize="${match.length}">${from}|${until}|${offset + 15}</resumptionToken>` : '';
  const items = page.map(r => `<record><header><identifier>${r.id}</identifier><datestamp>${iso(r.stamp)}</datestamp></header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">${r.titled ? `<dc:title>Object ${r.id}</dc:title>` : ''}<dc:rights>http://rightsstatements.org/vocab/NoC-US/1.0/</dc:rights></oai_dc:dc></metadata></record>`).join('');
  res.end(wrap('ListRecords', page.length ? `<ListRecords>${items}${next}</ListRecords>` : '<error code="noRecordsMatch">none</error>'));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ listening: `http://127.0.0.1:${server.address().port}` }) + '\n'));
setTimeout(() => process.exit(0), 300000).unref();
'@
        $node = (Get-Command -Name node -CommandType Application | Select-Object -First 1).Source
        $startInfo = [System.Diagnostics.ProcessStartInfo]::new($node)
        $startInfo.ArgumentList.Add($script:OaiJs)
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardOutput = $true
        $script:Oai = [System.Diagnostics.Process]::Start($startInfo)
        $line = $script:Oai.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(60000) -or -not $line.Result) { Stop-TestProcess $script:Oai; throw 'The OAI-PMH test repository did not report its address within 60 s.' }
        $script:OaiUrl = ($line.Result | ConvertFrom-Json).listening
        $script:Workers = @()
        $db = Join-Path $TestDrive 'windows.db'
        $script:Db = $db
        $script:Config = Join-Path $TestDrive 'windows.psd1'
        Set-Content -LiteralPath $script:Config -Value @"
@{
    Store   = @{ Database = '$db' }
    Sources = @( @{ Name = 'oai'; Uri = '$($script:OaiUrl)/oai'; Paging = 'OaiPmh'; Overlap = '01:00:00' } )
}
"@
    }

    AfterAll {
        foreach ($w in $script:Workers) { Stop-TestProcess $w.Process }
        Stop-TestProcess $script:Oai
    }

    It 'plans windows from earliestDatestamp, keeps a plain run out meanwhile, and ends exact' {
        $ErrorActionPreference = 'Stop'
        $before = [DateTimeOffset]::UtcNow
        $submission = Submit-MuseumSync -ConfigPath $script:Config -WindowDays 60 -Queue windows
        $submission.Plan | Should -Be 'DateWindows'
        $submission.Jobs | Should -Be 1

        # While the submission is open, a plain run of its source stops (Busy) before anything is fetched.
        $plain = Invoke-MuseumSync -ConfigPath $script:Config -WarningVariable busy -WarningAction SilentlyContinue
        $plain.Status | Should -Be 'Busy'
        "$busy" | Should -Match "held by scale-out submission $($submission.Id)"
        (Invoke-RestMethod -Uri "$($script:OaiUrl)/__stats").lists | Should -Be 0

        $script:Workers = @(1..2 | ForEach-Object { Start-Worker -Config $script:Config -Queue windows })
        Wait-Workers $script:Workers -TimeoutSec 120

        $jobs = @(Get-MuseumSyncJob -ConfigPath $script:Config -Submission $submission.Id)
        $windows = @($jobs | Where-Object Kind -eq 'Window')
        $said = "jobs: $(($jobs | ForEach-Object { "$($_.Key)=$($_.State) $($_.LastError)" }) -join '; '); workers: $(($script:Workers | ForEach-Object { $_.StdErr.Result }) -join ' | ')"
        @($jobs | Where-Object State -ne 'Done') | Should -BeNullOrEmpty -Because $said
        $windows.Count | Should -BeGreaterThan 5
        $windows[0].Range | Should -Be '2025-01-01T00:00:00Z..2025-03-02T00:00:00Z' -Because 'the lower bound is Identify''s earliestDatestamp; boundaries fall on UTC midnight'
        $windows[-1].Range -match '\.\.(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$' | Should -BeTrue
        [DateTimeOffset]::Parse($Matches[1], [cultureinfo]::InvariantCulture) | Should -BeGreaterOrEqual $before.AddSeconds(-1) -Because 'the last window ends at the submission''s time'

        # Exact: each record served once (the windows do not overlap at seconds granularity), stored once or dead-lettered once.
        $stats = Invoke-RestMethod -Uri "$($script:OaiUrl)/__stats"
        $stats.lists | Should -Be $windows.Count -Because 'one ListRecords list per window'
        $stats.untilMissing | Should -Be 0 -Because 'every window sends until='
        @($stats.served.PSObject.Properties).Count | Should -Be 100
        @($stats.served.PSObject.Properties | Where-Object Value -ne 1) | Should -BeNullOrEmpty
        ($jobs | Measure-Object -Property Records -Sum).Sum | Should -Be 100
        (Invoke-SqliteQuery -Database $script:Db -Query "SELECT COUNT(*) AS n FROM museum_records WHERE source = 'oai'").n | Should -Be 95
        (Invoke-SqliteQuery -Database $script:Db -Query "SELECT COUNT(*) AS n, MAX(attempt_count) AS a FROM sync_dead_letters WHERE source = 'oai'") | ForEach-Object { $_.n | Should -Be 5; $_.a | Should -Be 1 }
        $checkpoint = Get-SyncCheckpoint -Source oai -Database $script:Db
        $checkpoint.RecordsCommitted | Should -Be 95
        $checkpoint.Watermark | Should -Be $submission.Submitted.ToUniversalTime().AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [cultureinfo]::InvariantCulture) -Because 'the last job moves the watermark to the submission''s time less the overlap'

        # Finished, the submission holds nothing: a new one may be written, and it keeps a third one out until abandoned.
        $second = Submit-MuseumSync -ConfigPath $script:Config -Queue windows
        Submit-MuseumSync -ConfigPath $script:Config -Queue windows -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'SyncSourceBusy,*'
        $refused[0].Exception.Message | Should -BeLike "*held by scale-out submission $($second.Id)*-Abandon $($second.Id)*"
        Submit-MuseumSync -ConfigPath $script:Config -Abandon $second.Id | Should -BeNullOrEmpty
        @(Get-MuseumSyncJob -ConfigPath $script:Config -Submission $second.Id).State | Should -Be 'Abandoned'
        (Get-SyncCheckpoint -Source oai -Database $script:Db).Watermark | Should -Be $checkpoint.Watermark -Because 'abandoning moves nothing'
        (Invoke-MuseumSync -ConfigPath $script:Config).Status | Should -Be 'Completed'
    }
}
