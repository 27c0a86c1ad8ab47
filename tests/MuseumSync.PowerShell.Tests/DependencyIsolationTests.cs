using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Other modules (dbatools, SqlServer) bring their own versions of MuseumSync's dependencies. A session that loaded
/// older Polly.Core and Microsoft.Data.Sqlite first must still import MuseumSync and sync, each side using its own copy.
/// </summary>
public sealed class DependencyIsolationTests
{
    [Fact]
    public async Task ImportModule_AfterOtherVersionsOfItsDependenciesLoaded_SyncStillWorks()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 200, DefaultPageSize = 50 });
        var packages = PwshProcess.Metadata("NuGetPackageRoot");
        var oldPolly = Path.Combine(packages, "polly.core", "8.5.2", "lib", "net8.0", "Polly.Core.dll");
        var oldSqlite = Path.Combine(packages, "microsoft.data.sqlite.core", "8.0.30", "lib", "net8.0", "Microsoft.Data.Sqlite.dll");
        Assert.True(File.Exists(oldPolly), oldPolly);
        Assert.True(File.Exists(oldSqlite), oldSqlite);
        var db = Path.Combine(TestPaths.TempDirectory(), "iso.db");

        // A fresh pwsh with nothing imported: load the other versions into the default context, import the module, sync.
        var script = $$"""
            $ErrorActionPreference = 'Stop'
            $null = [System.Reflection.Assembly]::LoadFrom('{{oldPolly}}')
            $null = [System.Reflection.Assembly]::LoadFrom('{{oldSqlite}}')
            Import-Module '{{TestPaths.ModuleManifest}}'
            $s = Invoke-MuseumPoll -Uri '{{api.ObjectsUri}}' -Source demo -Database '{{db}}' | Sync-MuseumRecord -Source demo -Database '{{db}}' -ErrorAction SilentlyContinue
            "inserted=$($s.Inserted)"
            foreach ($name in 'Polly.Core', 'Microsoft.Data.Sqlite') {
                [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name } | ForEach-Object {
                    "loaded $name in $([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name) from $($_.Location)"
                }
            }
            """;
        var (code, stdout, stderr) = PwshProcess.Run(PwshProcess.StartCommand(script, module: string.Empty), TimeSpan.FromMinutes(3));
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains($"inserted={api.Collection.ValidIds.Count}", stdout, StringComparison.Ordinal);
        // Both versions are loaded side by side: the old ones in the default context, MuseumSync's in its own.
        Assert.Contains($"loaded Polly.Core in Default from {oldPolly}", stdout, StringComparison.Ordinal);
        Assert.Contains($"loaded Polly.Core in MuseumSync from {TestPaths.ModuleAssembly(TestPaths.ModuleDirectory, "Polly.Core")}", stdout, StringComparison.Ordinal);
        Assert.Contains($"loaded Microsoft.Data.Sqlite in Default from {oldSqlite}", stdout, StringComparison.Ordinal);
        Assert.Contains($"loaded Microsoft.Data.Sqlite in MuseumSync from {TestPaths.ModuleAssembly(TestPaths.ModuleDirectory, "Microsoft.Data.Sqlite")}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportModule_CoreAssembly_LoadsInTheModulesOwnContext()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke("Get-SyncCheckpoint -Database nonexistent.db -ErrorAction SilentlyContinue"); // touches MuseumSync.Core
        var names = ps.Invoke("""
            [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MuseumSync.Core' } |
                ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
            """);
        Assert.Equal("MuseumSync", Assert.Single(names).BaseObject);
    }

    [Fact]
    public async Task Sync_InPwsh_BindsRowsThroughTheSqliteLibraryTheModuleLoaded_AndLoadsOneCopyOfIt()
    {
        await using var api = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 120, DefaultPageSize = 50 });
        var db = Path.Combine(TestPaths.TempDirectory(), "native.db");

        // The store binds the batch rows through function pointers into e_sqlite3 only when they are the very library
        // SQLitePCLRaw calls in the module's load context; and the process must hold one copy of SQLite, not two.
        var script = $$"""
            $ErrorActionPreference = 'Stop'
            Import-Module '{{TestPaths.ModuleManifest}}'
            $s = Invoke-MuseumPoll -Uri '{{api.ObjectsUri}}' -Source demo -Database '{{db}}' | Sync-MuseumRecord -Source demo -Database '{{db}}' -ErrorAction SilentlyContinue
            "inserted=$($s.Inserted)"
            $core = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MuseumSync.Core' }
            $native = $core.GetType('MuseumSync.Storage.Sqlite.SqliteNative', $true)
            $shared = $native.GetProperty('Shared').GetValue($null)
            "direct=$($null -ne $shared -and $native.GetMethod('IsSameLibrary').Invoke($shared, @()))"
            if (Test-Path /proc/self/maps) {
                $copies = @(Get-Content "/proc/$PID/maps" | Where-Object { $_ -match '/libe_sqlite3[.]so' } | ForEach-Object { ($_ -split '\s+')[-1] } | Sort-Object -Unique)
                "copies=$($copies.Count) $($copies -join ';')"
            }
            """;
        var (code, stdout, stderr) = PwshProcess.Run(PwshProcess.StartCommand(script, module: string.Empty), TimeSpan.FromMinutes(3));
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains($"inserted={api.Collection.ValidIds.Count}", stdout, StringComparison.Ordinal);
        Assert.Contains("direct=True", stdout, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux()) Assert.Contains($"copies=1 {TestPaths.ModuleDirectory}", stdout, StringComparison.Ordinal);
    }
}
