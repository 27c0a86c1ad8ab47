# Issue 13, runs that end: in real pwsh, as a scheduled task runs them ($ErrorActionPreference = 'Stop').
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule

    # A loopback port nothing listens on: bind a listener, take its port, close it.
    function Get-ClosedPort {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start()
        $port = $probe.LocalEndpoint.Port
        $probe.Stop()
        $port
    }

    # An NDJSON cursor API on 127.0.0.1 in a runspace of its own: two pages of two records, then page 3 answers 404.
    # It serves at most 40 requests, so no test can loop on it for long.
    function Start-FailingAtPage3Api {
        $port = Get-ClosedPort
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
            param($listener)
            $line = { param($id) '{"ObjectID":"' + $id + '","title":"Object ' + $id + '","creation_date_iso":"1889-06-15","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"}' + "`n" }
            for ($n = 0; $n -lt 40; $n++) {
                try { $ctx = $listener.GetContext() } catch { return }
                $cursor = $ctx.Request.QueryString['cursor']
                $body = switch ($cursor) {
                    $null { $ctx.Response.Headers['X-Next-Cursor'] = 'p2'; (& $line 1) + (& $line 2) }
                    'p2' { $ctx.Response.Headers['X-Next-Cursor'] = 'p3'; (& $line 3) + (& $line 4) }
                    default { $ctx.Response.StatusCode = 404; '{"error":"page 3 is gone"}' }
                }
                $ctx.Response.ContentType = if ($ctx.Response.StatusCode -eq 404) { 'application/json' } else { 'application/x-ndjson' }
                $bytes = [System.Text.Encoding]::UTF8.GetBytes($body)
                $ctx.Response.OutputStream.Write($bytes, 0, $bytes.Length)
                $ctx.Response.Close()
            }
        }).AddArgument($listener)
        $handle = $ps.BeginInvoke()
        [pscustomobject]@{ Uri = "http://127.0.0.1:$port/objects"; Listener = $listener; PowerShell = $ps; Handle = $handle }
    }

    function Stop-Api($api) {
        $api.Listener.Stop()
        $api.Listener.Close()
        $null = $api.Handle.AsyncWaitHandle.WaitOne(5000)
        $api.PowerShell.Dispose()
    }
}

Describe 'A source that always fails at page 3' {
    BeforeAll { $api = Start-FailingAtPage3Api }
    AfterAll { Stop-Api $api }

    It 'commits the complete pages before the failure with their checkpoint, and says how far the run got' {
        $db = Join-Path $TestDrive 'museum.db'
        $ErrorActionPreference = 'Stop'
        $failure = $null
        try {
            Invoke-MuseumPoll -Uri $api.Uri -Source demo -Database $db -PageSize 2 -MaxRetries 0 | Sync-MuseumRecord -Source demo -Database $db
        }
        catch { $failure = $_ }

        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'MuseumPollHttpError*'
        $failure.Exception.Message | Should -BeLike '*404*4 records*'
        $failure.Exception.Message | Should -BeLike "*'p3'*"
        $checkpoint = Get-SyncCheckpoint -Source demo -Database $db
        $checkpoint.Cursor | Should -Be 'p3'
        $checkpoint.RecordsCommitted | Should -Be 4
    }
}

Describe 'An endpoint nothing listens on' {
    It 'fails at once, naming the URL and the cause' {
        $uri = "http://127.0.0.1:$(Get-ClosedPort)/objects"
        $ErrorActionPreference = 'Stop'
        $failure = $null
        try { Invoke-MuseumPoll -Uri $uri -Source demo -SummaryVariable stats | Out-Null }
        catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -BeLike 'MuseumPollUnreachable*'
        $failure.Exception.Message | Should -BeLike "*$uri*refused*"
        $stats.Requests | Should -Be 1
        $stats.Retries | Should -Be 0
    }
}
