# Shared by the Pester suite (tests/Pester/*.Tests.ps1). Each test file starts with:
#   BeforeAll { Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force; Import-MuseumSyncModule }
# The module under test is the BUILT folder (out/MuseumSync), as a user imports it; MUSEUMSYNC_MODULE overrides it.
# Every server started here binds 127.0.0.1, every wait is bounded, and the caller stops what it started (AfterAll).

$script:RepoRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))

function Get-RepoRoot { $script:RepoRoot }

function Get-MuseumSyncModulePath {
    if ($env:MUSEUMSYNC_MODULE) { return $env:MUSEUMSYNC_MODULE }
    [System.IO.Path]::Combine($script:RepoRoot, 'out', 'MuseumSync', 'MuseumSync.psd1')
}

function Import-MuseumSyncModule {
    $path = Get-MuseumSyncModulePath
    if (-not (Test-Path -LiteralPath $path)) {
        throw "The built module is missing at $path. Build it first: dotnet build -c Release (or ./build.ps1)."
    }
    Import-Module -Name $path -Global -ErrorAction Stop
}

# ---------------------------------------------------------------------------------------------------------------
# Child processes: the sample API and pwsh itself.

function Get-SampleApiPath {
    <# The built examples/SampleApi (dotnet build of the solution builds it); the newest build when there are several. #>
    $bin = [System.IO.Path]::Combine($script:RepoRoot, 'examples', 'SampleApi', 'bin')
    $built = @(if ([System.IO.Directory]::Exists($bin)) {
            [System.IO.Directory]::GetFiles($bin, 'MuseumSync.SampleApi.dll', [System.IO.SearchOption]::AllDirectories) |
                Where-Object { [System.IO.File]::Exists([System.IO.Path]::ChangeExtension($_, '.runtimeconfig.json')) } |
                Sort-Object { [System.IO.File]::GetLastWriteTimeUtc($_) } -Descending
        })
    if ($built.Count -eq 0) {
        throw "The sample API is not built under $bin. Build it first: dotnet build examples/SampleApi -c Debug (or dotnet build of the solution)."
    }
    $built[0]
}

function Start-SampleApi {
    <#
    .SYNOPSIS
        Starts the built sample API (examples/SampleApi) on 127.0.0.1, a free port; returns BaseUri, ObjectsUri, Process.
        Stop it with Stop-TestProcess. --parent-pid makes it exit by itself if this pwsh dies first.
        About 4% of a feed's lines are invalid and 2% re-send a record, rounded: -Records 12 or fewer is all valid.
    #>
    param(
        [int] $Records = 12,
        [int] $PageLatencyMs = 0,
        [int] $Seed = 42,
        [int] $TimeoutSec = 60
    )
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @((Get-SampleApiPath), '--port', 0, '--records', $Records, '--seed', $Seed,
            '--page-latency-ms', $PageLatencyMs, '--parent-pid', $PID)) {
        $startInfo.ArgumentList.Add([string]$argument)
    }
    $startInfo.RedirectStandardOutput = $true # the address line; stderr (its warnings, if any) goes to the test output
    $startInfo.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait([TimeSpan]::FromSeconds($TimeoutSec)) -or $read.Result -notmatch 'listening on (http://\S+)') {
            throw "The sample API did not report its address within $TimeoutSec s (exit code: $(if ($process.HasExited) { $process.ExitCode } else { 'still running' }); output: $($read.Result))."
        }
        $base = $Matches[1].TrimEnd('/')
    }
    catch {
        Stop-TestProcess $process
        throw
    }
    [pscustomobject]@{ BaseUri = "$base/"; ObjectsUri = "$base/objects"; Process = $process }
}

function Stop-TestProcess {
    <# Kills a process this suite started (and its children), waits for it (bounded) and disposes it. #>
    param([Parameter(Position = 0)] $Process)
    if ($Process -and $Process.PSObject.Properties['Process']) { $Process = $Process.Process }
    if (-not $Process) { return }
    try {
        if (-not $Process.HasExited) {
            $Process.Kill($true)
            $null = $Process.WaitForExit(10000)
        }
    }
    catch [System.InvalidOperationException] { }
    finally { $Process.Dispose() }
}

function Get-PwshStartInfo {
    <#
    .SYNOPSIS
        A ProcessStartInfo that runs this very pwsh (pwsh.dll under dotnet, or the pwsh apphost) with -NoProfile and
        the given arguments, so that the started process's PID is pwsh's own (not a tool shim's): signals reach it.
    #>
    param([string[]] $ArgumentList)
    $dll = [System.IO.Path]::Combine($PSHOME, 'pwsh.dll')
    $processPath = [System.Environment]::ProcessPath # dotnet (running pwsh.dll, as `dotnet pwsh` does) or the pwsh apphost
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($processPath)
    if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet' -and [System.IO.File]::Exists($dll)) {
        $startInfo.ArgumentList.Add($dll)
    }
    $startInfo.ArgumentList.Add('-NoProfile')
    $startInfo.ArgumentList.Add('-NonInteractive')
    foreach ($argument in $ArgumentList) { $startInfo.ArgumentList.Add($argument) }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.Environment['MUSEUMSYNC_MODULE'] = Get-MuseumSyncModulePath
    $startInfo
}

function Invoke-Pwsh {
    <# Runs a script file in a child pwsh to its end (bounded); returns ExitCode, StdOut, StdErr. #>
    param(
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        [int] $TimeoutSec = 120
    )
    $process = [System.Diagnostics.Process]::Start((Get-PwshStartInfo -ArgumentList $ArgumentList))
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            throw "pwsh $($ArgumentList -join ' ') did not finish within $TimeoutSec s."
        }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.GetAwaiter().GetResult(); StdErr = $stderr.GetAwaiter().GetResult() }
    }
    finally { Stop-TestProcess $process }
}

function Wait-Until {
    <# Polls a condition every 100 ms until it is true; throws after -TimeoutSec with -Because. #>
    param(
        [Parameter(Mandatory, Position = 0)] [scriptblock] $Condition,
        [int] $TimeoutSec = 60,
        [string] $Because = 'the condition'
    )
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting for $Because." }
        Start-Sleep -Milliseconds 100
    }
}

# ---------------------------------------------------------------------------------------------------------------
# Small HttpListener servers on 127.0.0.1: an NDJSON feed with a request log (what the sample API does not expose over
# HTTP) and the OCR tests' images (OcrImages.psm1 renders them). One compiled assembly holds both.

$script:LoopbackServerSource = @'
using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MuseumSyncPester
{
    /// <summary>An HttpListener on 127.0.0.1 at a free port; each request is answered by HandleAsync on the thread pool.</summary>
    public abstract class LoopbackServer : IDisposable
    {
        private readonly HttpListener _listener = new HttpListener();
        private Task _loop = Task.CompletedTask;

        public string BaseUri { get; private set; }

        /// <summary>Binds a free port (another process may take the probed one first: then the next) and starts serving.</summary>
        protected void Start()
        {
            for (var attempt = 0; ; attempt++)
            {
                var probe = new TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                var port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add("http://127.0.0.1:" + port + "/");
                try { _listener.Start(); BaseUri = "http://127.0.0.1:" + port + "/"; break; }
                catch (Exception) when (attempt < 20) { }
            }
            _loop = Task.Run(LoopAsync);
        }

        /// <summary>Writes the response; the base class closes it, or aborts it when this throws.</summary>
        protected abstract Task HandleAsync(HttpListenerContext context);

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
                catch (Exception) { return; }
                _ = Task.Run(() => RespondAsync(context));
            }
        }

        private async Task RespondAsync(HttpListenerContext context)
        {
            var response = context.Response;
            try
            {
                await HandleAsync(context).ConfigureAwait(false);
                response.Close();
            }
            catch (Exception)
            {
                try { response.Abort(); } catch (Exception) { }
            }
        }

        public void Dispose()
        {
            try { _listener.Stop(); _listener.Close(); } catch (ObjectDisposedException) { }
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>Serves fixed NDJSON lines in pages (?page=N, Link rel=next) and logs every request.</summary>
    public sealed class FeedServer : LoopbackServer
    {
        private readonly string[] _lines;
        private readonly int _pageSize;

        public FeedServer(string[] lines, int pageSize)
        {
            _lines = lines;
            _pageSize = pageSize;
            Start();
        }

        public string ObjectsUri { get { return BaseUri + "objects"; } }
        public int Pages { get { return (_lines.Length + _pageSize - 1) / _pageSize; } }

        /// <summary>One entry per request: the path and query, then each header as "Name: value", tab-separated.</summary>
        public ConcurrentQueue<string> Requests { get; } = new ConcurrentQueue<string>();

        /// <summary>Delay before each page is written (milliseconds).</summary>
        public int DelayMs { get; set; }

        protected override async Task HandleAsync(HttpListenerContext context)
        {
            var request = context.Request;
            var response = context.Response;
            Requests.Enqueue(request.Url.PathAndQuery + "\t" +
                string.Join("\t", request.Headers.AllKeys.Select(k => k + ": " + request.Headers[k])));
            int page;
            if (!int.TryParse(request.QueryString["page"] ?? "1", out page) || page < 1) page = 1;
            if (DelayMs > 0) await Task.Delay(DelayMs).ConfigureAwait(false);
            var body = string.Concat(_lines.Skip((page - 1) * _pageSize).Take(_pageSize).Select(l => l + "\n"));
            if (page < Pages) response.AddHeader("Link", "<" + ObjectsUri + "?page=" + (page + 1) + ">; rel=\"next\"");
            response.ContentType = "application/x-ndjson; charset=utf-8";
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
        }
    }

    /// <summary>Serves Content[path] as a PNG (404 for other paths); a test can replace the bytes between runs.</summary>
    public sealed class ImageServer : LoopbackServer
    {
        public readonly ConcurrentDictionary<string, byte[]> Content = new ConcurrentDictionary<string, byte[]>();

        public ImageServer() { Start(); }

        protected override async Task HandleAsync(HttpListenerContext context)
        {
            byte[] body;
            var response = context.Response;
            if (Content.TryGetValue(context.Request.Url.AbsolutePath, out body))
            {
                response.ContentType = "image/png";
                response.ContentLength64 = body.Length;
                await response.OutputStream.WriteAsync(body, 0, body.Length).ConfigureAwait(false);
            }
            else response.StatusCode = 404;
        }
    }
}
'@

function Import-LoopbackServerType {
    if ('MuseumSyncPester.LoopbackServer' -as [type]) { return }
    # Compiling takes seconds on a busy machine: keep the assembly in the temp folder, named by the source's hash.
    $hash = [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData(
            [System.Text.Encoding]::UTF8.GetBytes($script:LoopbackServerSource + $PSVersionTable.PSVersion))).Substring(0, 16)
    $assembly = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "MuseumSyncPester.LoopbackServer-$hash.dll")
    if (-not [System.IO.File]::Exists($assembly)) {
        $partial = "$assembly.$PID.tmp"
        Add-Type -TypeDefinition $script:LoopbackServerSource -OutputAssembly $partial -OutputType Library
        [System.IO.File]::Move($partial, $assembly, $true)
    }
    Add-Type -LiteralPath $assembly
}

function New-FeedLine {
    <# NDJSON lines of valid records (F-0001, F-0002, ...) that the built-in compliance rules classify. #>
    param([int] $Count, [string] $Prefix = 'F', [int] $Start = 1)
    foreach ($i in $Start..($Start + $Count - 1)) {
        '{{"ObjectID":"{0}-{1:D4}","title":"Work {1}","creation_date_iso":"1889","rights_statement":"http://rightsstatements.org/vocab/NoC-US/1.0/"}}' -f $Prefix, $i
    }
}

function Start-FeedServer {
    <# Starts a FeedServer (see above) serving -Line in pages of -PageSize; stop it with $server.Dispose(). #>
    param([Parameter(Mandatory)] [string[]] $Line, [int] $PageSize = 10)
    Import-LoopbackServerType
    [MuseumSyncPester.FeedServer]::new($Line, $PageSize)
}

function Start-ImageServer {
    <# Serves $server.Content[path] = bytes on 127.0.0.1 (404 otherwise); stop it with $server.Dispose(). #>
    Import-LoopbackServerType
    [MuseumSyncPester.ImageServer]::new()
}

# ---------------------------------------------------------------------------------------------------------------
# Reading a store: Microsoft.Data.Sqlite and Npgsql as the module itself loads them (its own AssemblyLoadContext).

function Get-ModuleDependencyType {
    param([Parameter(Mandatory)] [string] $AssemblyName, [Parameter(Mandatory)] [string] $TypeName)
    $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'MuseumSync' | Select-Object -First 1
    if (-not $context) {
        # The module makes its load context on first use of the core: any cmdlet that reads something does.
        $null = Get-MuseumComplianceRule -ErrorAction Stop
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'MuseumSync' | Select-Object -First 1
        if (-not $context) { throw "The MuseumSync module is not loaded (its load context carries $AssemblyName)." }
    }
    $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new($AssemblyName)).GetType($TypeName, $true)
}

function Invoke-DbQuery {
    param([Parameter(Mandatory)] $Connection, [Parameter(Mandatory)] [string] $Query)
    try {
        $Connection.Open()
        $command = $Connection.CreateCommand()
        $command.CommandText = $Query
        $reader = $command.ExecuteReader()
        try {
            while ($reader.Read()) {
                $row = [ordered]@{}
                for ($i = 0; $i -lt $reader.FieldCount; $i++) {
                    $row[$reader.GetName($i)] = if ($reader.IsDBNull($i)) { $null } else { $reader.GetValue($i) }
                }
                [pscustomobject]$row
            }
        }
        finally { $reader.Dispose(); $command.Dispose() }
    }
    finally { $Connection.Dispose() }
}

function Invoke-SqliteQuery {
    <# Runs one read-only query against a SQLite store; returns one pscustomobject per row. #>
    param([Parameter(Mandatory)] [string] $Database, [Parameter(Mandatory)] [string] $Query)
    $type = Get-ModuleDependencyType -AssemblyName Microsoft.Data.Sqlite -TypeName Microsoft.Data.Sqlite.SqliteConnection
    Invoke-DbQuery -Connection ([System.Activator]::CreateInstance($type, [object[]]@("Data Source=$Database;Mode=ReadOnly;Pooling=False"))) -Query $Query
}

function Invoke-PostgresCommand {
    <# Runs one statement against PostgreSQL (MUSEUMSYNC_TEST_POSTGRES); returns one pscustomobject per row. #>
    param([Parameter(Mandatory)] [string] $ConnectionString, [Parameter(Mandatory)] [string] $Command)
    $type = Get-ModuleDependencyType -AssemblyName Npgsql -TypeName Npgsql.NpgsqlConnection
    Invoke-DbQuery -Connection ([System.Activator]::CreateInstance($type, [object[]]@("$ConnectionString;Pooling=false"))) -Query $Command
}

function Get-StoredRecord {
    <# The stored records of a source (object_id, title), ordered by object_id. #>
    param([Parameter(Mandatory)] [string] $Database, [Parameter(Mandatory)] [string] $Source)
    Invoke-SqliteQuery -Database $Database -Query "SELECT object_id, title FROM museum_records WHERE source = '$($Source -replace "'", "''")' ORDER BY object_id"
}

function Start-MockMuseumApi {
    <# Starts ../shared/bench/server.js (the benchmark harness's mock museum API) on a free loopback port with the given options; returns the process, its base URL and what it says it serves. #>
    param([Parameter(Mandatory)] [string] $ServerJs, [string[]] $ArgumentList = @())
    $node = (Get-Command -Name node -CommandType Application | Select-Object -First 1).Source
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($node)
    foreach ($a in @($ServerJs, '--port', '0') + $ArgumentList) { $startInfo.ArgumentList.Add($a) }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(60000) -or -not $line.Result) {
        Stop-TestProcess $process
        throw 'The mock API (server.js) did not report its address within 60 s.'
    }
    $info = $line.Result | ConvertFrom-Json
    [pscustomobject]@{ Process = $process; Url = $info.listening; Expected = $info.expected }
}

Export-ModuleMember -Function Start-MockMuseumApi, Get-RepoRoot, Get-MuseumSyncModulePath, Import-MuseumSyncModule, Get-SampleApiPath, Start-SampleApi,
    Stop-TestProcess, Get-PwshStartInfo, Invoke-Pwsh, Wait-Until, New-FeedLine, Start-FeedServer, Start-ImageServer, Invoke-SqliteQuery, Invoke-PostgresCommand, Get-StoredRecord
