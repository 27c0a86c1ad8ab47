# Issue #15's stretch: Hangfire's dashboard on 127.0.0.1 behind Start-MuseumSyncDashboard, checked in headless Chromium.
# A small ID fan-out of the mock API (../shared/bench/server.js) is submitted to the SQLite store and run by one worker;
# the dashboard then runs in a child pwsh (as an admin would run it) and Chromium renders its pages. Every process
# started here is stopped in AfterAll; every wait is bounded.

BeforeDiscovery {
    $script:ServerJs = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'bench', 'server.js'))
    $script:Chromium = Get-Command -Name chromium, chromium-browser, google-chrome, chrome -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    $script:SkipReason = if (-not (Get-Command -Name node -CommandType Application -ErrorAction Ignore)) { 'node is not installed (the mock API of ../shared/bench is a Node.js script)' }
                         elseif (-not [System.IO.File]::Exists($script:ServerJs)) { "the benchmark harness is not beside the repository ($script:ServerJs)" }
                         elseif (-not $script:Chromium) { 'no chromium binary (chromium, chromium-browser, google-chrome) is on PATH: apt-get install chromium (.ci/run installs it)' }
    if ($script:SkipReason) { Write-Warning "Dashboard.Tests skipped: $($script:SkipReason)" }
}

Describe 'Start-MuseumSyncDashboard in headless Chromium' -Skip:([bool]$script:SkipReason) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
        Import-MuseumSyncModule
        $script:Chromium = (Get-Command -Name chromium, chromium-browser, google-chrome, chrome -CommandType Application -ErrorAction Ignore | Select-Object -First 1).Source
        $script:Processes = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
        $script:Secret = 'dashboard-secret-' + [guid]::NewGuid().ToString('N')
        $env:MS_DASHBOARD_SECRET = $script:Secret

        function Start-Dashboard {
            <# Start-MuseumSyncDashboard in a child pwsh (killed in AfterAll), writing the Url of the object it writes; Wait-DashboardUrl reads it. #>
            param([string[]] $Arguments = @())
            $command = "`$ErrorActionPreference = 'Stop'; Import-Module `$env:MUSEUMSYNC_MODULE; " +
                "Start-MuseumSyncDashboard -ConfigPath '$($script:Config)' $($Arguments -join ' ') | ForEach-Object { 'URL=' + `$_.Url; [Console]::Out.Flush() }"
            $process = [System.Diagnostics.Process]::Start((Get-PwshStartInfo -ArgumentList @('-Command', $command)))
            $script:Processes.Add($process)
            [pscustomobject]@{ Process = $process; StdErr = $process.StandardError.ReadToEndAsync() }
        }

        function Wait-DashboardUrl($Dashboard) {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline) {
                $line = $Dashboard.Process.StandardOutput.ReadLineAsync()
                if (-not $line.Wait([Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds))) { break }
                if ($null -eq $line.Result) { break }
                if ($line.Result -match '^URL=(http://\S+)$') { return [uri]$Matches[1] }
            }
            Stop-TestProcess $Dashboard.Process
            throw "The dashboard did not say its address within 60 s: $($Dashboard.StdErr.GetAwaiter().GetResult())"
        }

        function Get-ChromiumDom {
            <# The DOM headless Chromium ends with at $Url (after its scripts ran), bounded. #>
            param([Parameter(Mandatory)] [string] $Url)
            $startInfo = [System.Diagnostics.ProcessStartInfo]::new($script:Chromium)
            foreach ($a in '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-dev-shm-usage',
                '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps', '--mute-audio',
                "--user-data-dir=$(Join-Path $TestDrive 'chromium')", '--dump-dom', $Url) { $startInfo.ArgumentList.Add($a) }
            $startInfo.UseShellExecute = $false
            $startInfo.RedirectStandardOutput = $true
            $startInfo.RedirectStandardError = $true
            $process = [System.Diagnostics.Process]::Start($startInfo)
            try {
                $stdout = $process.StandardOutput.ReadToEndAsync()
                $null = $process.StandardError.ReadToEndAsync() # D-Bus chatter of a machine without a desktop
                if (-not $process.WaitForExit(60000)) { throw "Chromium did not finish rendering $Url within 60 s." }
                $process.WaitForExit()
                $stdout.GetAwaiter().GetResult()
            }
            finally { Stop-TestProcess $process }
        }

        function Send-DashboardPost {
            <# A POST as the dashboard's own script sends it (its origin and its page's token), unless told otherwise. #>
            param([uri] $Dashboard, [string] $Path, [string] $Token, [string] $Origin = $Dashboard.GetLeftPart('Authority'))
            $headers = @{ Origin = $Origin }
            if ($Token) { $headers['X-MuseumSync-Dashboard-Token'] = $Token }
            Invoke-WebRequest -Uri ([uri]::new($Dashboard, $Path)) -Method Post -Headers $headers -Body @{ x = '1' } -SkipHttpErrorCheck -NoProxy -TimeoutSec 20
        }

        function Get-Page([uri] $Dashboard, [string] $Path) {
            <# The page as the dashboard serves it (Chromium is slow to start: it renders the pages that matter most). #>
            $response = Invoke-WebRequest -Uri ([uri]::new($Dashboard, $Path)) -SkipHttpErrorCheck -NoProxy -TimeoutSec 20
            $response.StatusCode | Should -Be 200 -Because "/$Path is a page of the dashboard"
            $response.Content
        }

        function Get-PageToken([string] $Html) {
            if ($Html -notmatch '<meta name="csrf-token" content="([^"]+)">') { throw 'The page carries no csrf-token meta tag.' }
            $Matches[1]
        }

        function Get-JobIds([string] $Html) {
            @([regex]::Matches($Html, 'href="/jobs/details/(\d+)"') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
        }

        # One small ID fan-out, run to its end by one worker.
        $script:Api = Start-MockMuseumApi -ServerJs ([System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..', '..', 'shared', 'bench', 'server.js'))) `
            -ArgumentList @('--records', '40', '--seed', '7', '--quiet')
        $db = Join-Path $TestDrive 'museum.db'
        $script:Config = Join-Path $TestDrive 'sync.psd1'
        Set-Content -LiteralPath $script:Config -Value @"
@{
    Store   = @{ Database = '$db' }
    Sources = @(
        @{ Name = 'bench'; Uri = '$($script:Api.Url)/ids'; ItemUri = '$($script:Api.Url)/assets/{id}'; ThrottleLimit = 2
           ApiKeyVariable = 'MS_DASHBOARD_SECRET'; ApiKeyName = 'X-Api-Key'; ApiKeyIn = 'Header' }
    )
}
"@
        $script:Submission = Submit-MuseumSync -ConfigPath $script:Config -IdsPerJob 20 -ErrorAction Stop
        # The dashboards start (in their own processes) while the worker runs.
        $readOnly = Start-Dashboard
        $withActions = Start-Dashboard -Arguments '-AllowActions'
        Start-MuseumSyncWorker -ConfigPath $script:Config -StopWhenIdle -PollIntervalSec 0.3 -ErrorAction Stop
        $script:Jobs = @(Get-MuseumSyncJob -ConfigPath $script:Config)
        $script:ReadOnly = Wait-DashboardUrl $readOnly
        $script:WithActions = Wait-DashboardUrl $withActions
        # What Chromium renders of the read-only dashboard (its scripts run, its stats polled).
        $script:SucceededDom = Get-ChromiumDom "$($script:ReadOnly)jobs/succeeded"
        $script:HomeDom = Get-ChromiumDom "$($script:ReadOnly)"
    }

    AfterAll {
        foreach ($p in $script:Processes) { Stop-TestProcess $p }
        if ($script:Api) { Stop-TestProcess $script:Api.Process }
        Remove-Item Env:MS_DASHBOARD_SECRET -ErrorAction Ignore
    }

    It 'ran the submission: every job is Done' {
        $script:Jobs.Count | Should -BeGreaterThan 2
        @($script:Jobs | Where-Object State -ne 'Done') | Should -BeNullOrEmpty
        $script:ReadOnly.Host | Should -Be '127.0.0.1'
        $script:ReadOnly.Port | Should -Not -Be $script:WithActions.Port
    }

    It 'shows the succeeded jobs by source, key and submission' {
        foreach ($job in $script:Jobs) {
            $script:SucceededDom | Should -Match ([regex]::Escape("MuseumSync bench: $($job.Key) of submission $($script:Submission.Id)"))
        }
        @(Get-JobIds $script:SucceededDom).Count | Should -Be $script:Jobs.Count
        # Read-only: no button that changes jobs.
        $script:SucceededDom | Should -Not -Match 'data-url="[^"]*/requeue'
        Get-Page $script:WithActions 'jobs/succeeded' | Should -Match 'data-url="[^"]*/requeue'
    }

    It 'shows the main page with the store in its title and the succeeded count, and no storage connection string' {
        $script:HomeDom | Should -Match ([regex]::Escape("MuseumSync jobs: bench ($(Join-Path $TestDrive 'museum.db'))"))
        $script:HomeDom | Should -Match 'Succeeded'
        $script:HomeDom | Should -Not -Match 'hangfire\.db'
    }

    It 'has the API key on none of its pages' {
        $script:SucceededDom | Should -Not -Match ([regex]::Escape($script:Secret))
        $script:HomeDom | Should -Not -Match ([regex]::Escape($script:Secret))
        $pages = @('', 'jobs/enqueued', 'jobs/processing', 'jobs/scheduled', 'jobs/succeeded', 'jobs/failed', 'jobs/deleted', 'jobs/awaiting',
            'retries', 'recurring', 'servers', 'jobs/enqueued/museumsync') + (Get-JobIds $script:SucceededDom | ForEach-Object { "jobs/details/$_" })
        foreach ($page in $pages) {
            Get-Page $script:ReadOnly $page | Should -Not -Match ([regex]::Escape($script:Secret)) -Because "/$page must not show the API key"
        }
        (Get-JobIds $script:SucceededDom) | Should -Not -BeNullOrEmpty
    }

    It 'refuses a POST without -AllowActions, even from its own page with its token' {
        $token = Get-PageToken $script:SucceededDom
        $id = (Get-JobIds $script:SucceededDom)[0]
        (Send-DashboardPost -Dashboard $script:ReadOnly -Path "jobs/actions/delete/$id" -Token $token).StatusCode | Should -Be 401
        Get-JobIds (Get-Page $script:ReadOnly 'jobs/succeeded') | Should -Contain $id
    }

    It 'refuses a cross-origin POST with -AllowActions: a web page of another origin in the browser cannot delete a job' {
        $victim = (Get-JobIds (Get-Page $script:WithActions 'jobs/succeeded'))[0]
        # Another web page (another origin: a local file here) posts a form to the dashboard as soon as Chromium opens it.
        $attack = Join-Path $TestDrive 'attack.html'
        Set-Content -LiteralPath $attack -Value "<!DOCTYPE html><html><body><form method=`"post`" action=`"$($script:WithActions)jobs/actions/delete/$victim`"><input type=`"hidden`" name=`"x`" value=`"1`"></form><script>document.forms[0].submit();</script></body></html>"
        Get-ChromiumDom ([uri]::new($attack).AbsoluteUri) | Should -Match 'A POST to the dashboard must come from its own pages'
        # The same request with another site's origin, and with the dashboard's origin but without the page's token.
        $token = Get-PageToken (Get-Page $script:WithActions 'jobs/succeeded')
        (Send-DashboardPost -Dashboard $script:WithActions -Path "jobs/actions/delete/$victim" -Token $token -Origin 'http://evil.example').StatusCode | Should -Be 403
        (Send-DashboardPost -Dashboard $script:WithActions -Path "jobs/actions/delete/$victim").StatusCode | Should -Be 403
        Get-JobIds (Get-Page $script:WithActions 'jobs/succeeded') | Should -Contain $victim -Because 'the job was not deleted'

        # The dashboard's own page may: the same POST with its origin and token deletes the job.
        (Send-DashboardPost -Dashboard $script:WithActions -Path "jobs/actions/delete/$victim" -Token $token).StatusCode | Should -Be 204
        Get-JobIds (Get-Page $script:WithActions 'jobs/deleted') | Should -Contain $victim
    }

    It 'refuses to start on a port that is taken, with an error that says what to do' {
        { Start-MuseumSyncDashboard -ConfigPath $script:Config -Port $script:ReadOnly.Port -ErrorAction Stop } |
            Should -Throw -ErrorId 'DashboardStartFailed,MuseumSync.PowerShell.Commands.StartMuseumSyncDashboardCommand' -ExpectedMessage "*127.0.0.1:$($script:ReadOnly.Port)*-Port*"
    }

    It 'with -PassThru returns the running dashboard at once; Stop() ends it' {
        $dashboard = Start-MuseumSyncDashboard -ConfigPath $script:Config -PassThru -ErrorAction Stop
        try {
            $dashboard | Should -BeOfType ([MuseumSync.JobDashboard])
            $dashboard.IsRunning | Should -BeTrue
            $dashboard.AllowActions | Should -BeFalse
            $dashboard.Database | Should -Be (Join-Path $TestDrive 'museum.db')
            (Invoke-WebRequest -Uri "$($dashboard.Url)jobs/succeeded" -NoProxy -TimeoutSec 20).StatusCode | Should -Be 200
        }
        finally { $dashboard.Stop() }
        $dashboard.IsRunning | Should -BeFalse
        { Invoke-WebRequest -Uri "$($dashboard.Url)jobs/succeeded" -NoProxy -TimeoutSec 5 } | Should -Throw
    }
}
