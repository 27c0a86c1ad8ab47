# ReadyToRun images in the built module (issue #18): a Release build carries precompiled images of the assemblies the
# default pipeline runs, per .NET version and RID, and a fresh pwsh takes the ones for its runtime, OS and architecture.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-MuseumSyncModule

    $script:ModuleDir = [System.IO.Path]::GetDirectoryName((Get-MuseumSyncModulePath))
    $debuggable = (Get-Module -Name MuseumSync).ImplementingAssembly.GetCustomAttributes([System.Diagnostics.DebuggableAttribute], $false)
    $script:IsRelease = -not ($debuggable | Where-Object IsJITOptimizerDisabled)
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $script:Rid = "$os-$([System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant())"
    $script:Framework = "net$([Environment]::Version.Major).0"
    $script:Images = 'MuseumSync.Types', 'MuseumSync.Core', 'MuseumSync.Jobs', 'Polly.Core', 'Microsoft.Data.Sqlite',
        'SQLitePCLRaw.core', 'SQLitePCLRaw.provider.e_sqlite3', 'SQLitePCLRaw.batteries_v2', 'System.IO.Hashing'

    function Get-PeInfo([string] $Path) {
        $stream = [System.IO.File]::OpenRead($Path)
        try {
            $headers = [System.Reflection.PortableExecutable.PEReader]::new($stream).PEHeaders
            [pscustomobject]@{ ReadyToRun = $headers.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0; Machine = [int] $headers.CoffHeader.Machine }
        }
        finally { $stream.Dispose() }
    }
}

Describe 'ReadyToRun images of a Release build' {
    It 'are there for PowerShell 7.4 (.NET 8) and 7.6 (.NET 10) on win-x64 and linux-x64, each precompiled for its OS' {
        if (-not $script:IsRelease) { Set-ItResult -Skipped -Because 'the module under test is a Debug build (images are made in Release: ./build.ps1)' ; return }
        # The PE machine of a ReadyToRun image is the architecture's, XOR an OS value on Linux (0x7B79): 0x8664 is win-x64.
        $machine = @{ 'win-x64' = 0x8664; 'linux-x64' = 0x8664 -bxor 0x7B79 }
        foreach ($framework in 'net8.0', 'net10.0') {
            foreach ($rid in 'win-x64', 'linux-x64') {
                foreach ($name in $script:Images) {
                    $path = [System.IO.Path]::Combine($script:ModuleDir, 'dependencies', 'readytorun', $framework, $rid, "$name.dll")
                    $path | Should -Exist
                    $info = Get-PeInfo $path
                    $info.ReadyToRun | Should -BeTrue -Because "$path is a ReadyToRun image"
                    $info.Machine | Should -Be $machine[$rid] -Because "$path holds $rid code"
                }
            }
        }
    }

    It 'are what a fresh pwsh loads and runs: the pipeline syncs, JIT-compiling a few dozen of the core''s methods instead of a thousand' {
        if (-not $script:IsRelease) { Set-ItResult -Skipped -Because 'the module under test is a Debug build (images are made in Release: ./build.ps1)' ; return }
        if (-not (Test-Path ([System.IO.Path]::Combine($script:ModuleDir, 'dependencies', 'readytorun', $script:Framework, $script:Rid)))) {
            Set-ItResult -Skipped -Because "the build makes no images for $script:Framework $script:Rid (it runs the IL copies)"; return
        }
        $api = Start-SampleApi -Records 200
        try {
            $db = Join-Path $TestDrive 'r2r.db'
            $perfDir = Join-Path $TestDrive 'perfmap'
            $null = New-Item -ItemType Directory -Path $perfDir
            $script = Join-Path $TestDrive 'r2r.ps1'
            Set-Content -LiteralPath $script -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module `$env:MUSEUMSYNC_MODULE
`$s = Invoke-MuseumPoll -Uri '$($api.ObjectsUri)' -Source r2r -Database '$db' | Sync-MuseumRecord -Source r2r -Database '$db' -WarningAction SilentlyContinue
"inserted=`$(`$s.Inserted)"
foreach (`$c in [System.Runtime.Loader.AssemblyLoadContext]::All) { foreach (`$a in `$c.Assemblies) { if (`$a.GetName().Name -in 'MuseumSync.Core', 'MuseumSync.Types', 'Microsoft.Data.Sqlite') { "`$(`$a.GetName().Name)=`$(`$a.Location)" } } }
"pid=`$PID"
"@
            $startInfo = Get-PwshStartInfo -ArgumentList '-File', $script
            # The runtime's perf map lists every method it JIT-compiles, with its tier; precompiled code is not listed.
            $startInfo.Environment['DOTNET_PerfMapEnabled'] = '3'
            $startInfo.Environment['DOTNET_PerfMapShowOptimizationTiers'] = '1'
            $startInfo.Environment['DOTNET_PerfMapJitDumpPath'] = $perfDir
            $process = [System.Diagnostics.Process]::Start($startInfo)
            try {
                $stdout = $process.StandardOutput.ReadToEndAsync()
                $stderr = $process.StandardError.ReadToEndAsync()
                $process.WaitForExit(120000) | Should -BeTrue -Because 'the child pwsh ends within 2 minutes'
                $process.WaitForExit()
                $out = $stdout.GetAwaiter().GetResult()
                $process.ExitCode | Should -Be 0 -Because "$out $($stderr.GetAwaiter().GetResult())"
            }
            finally { Stop-TestProcess $process }

            $out | Should -Match 'inserted=[1-9]'
            foreach ($name in 'MuseumSync.Core', 'MuseumSync.Types', 'Microsoft.Data.Sqlite') {
                $expected = [System.IO.Path]::Combine($script:ModuleDir, 'dependencies', 'readytorun', $script:Framework, $script:Rid, "$name.dll")
                $out | Should -Match ([regex]::Escape("$name=$expected"))
            }
            $map = Get-ChildItem -LiteralPath $perfDir -Filter 'perf-*.map' | Sort-Object Length -Descending | Select-Object -First 1
            $map | Should -Not -BeNullOrEmpty -Because 'the runtime wrote its perf map'
            # A line names the method's own assembly in brackets before its type ('[MuseumSync.Core] MuseumSync.…').
            # Without images such a run compiles about a thousand of the core's methods at tier 0; with them, a few dozen
            # (generic instantiations over other assemblies' types, which an image cannot hold).
            $quick = @(Select-String -LiteralPath $map.FullName -Pattern '\[MuseumSync\.Core\] MuseumSync\..*\[QuickJitted\]').Count
            $quick | Should -BeLessThan 150
        }
        finally { Stop-TestProcess $api }
    }
}

Describe 'What a SQLite run loads' {
    It 'loads neither the other stores'' drivers (Npgsql, SqlClient) nor Hangfire' {
        $api = Start-SampleApi -Records 50
        try {
            $db = Join-Path $TestDrive 'drivers.db'
            $script = Join-Path $TestDrive 'drivers.ps1'
            Set-Content -LiteralPath $script -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module `$env:MUSEUMSYNC_MODULE
`$s = Invoke-MuseumPoll -Uri '$($api.ObjectsUri)' -Source drivers -Database '$db' | Sync-MuseumRecord -Source drivers -Database '$db' -WarningAction SilentlyContinue
"inserted=`$(`$s.Inserted)"
[System.AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { "loaded=`$(`$_.GetName().Name)" }
"@
            $run = Invoke-Pwsh -ArgumentList '-File', $script
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $run.StdOut | Should -Match 'inserted=[1-9]'
            $run.StdOut | Should -Match '(?m)^loaded=Microsoft\.Data\.Sqlite\s*$'
            foreach ($driver in 'Npgsql', 'Microsoft.Data.SqlClient', 'Hangfire.Core') {
                $run.StdOut | Should -Not -Match "(?m)^loaded=$([regex]::Escape($driver))\s*`$" -Because "a SQLite run has no use for $driver"
            }
        }
        finally { Stop-TestProcess $api }
    }
}
