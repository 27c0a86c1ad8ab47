using System.Diagnostics;
using System.Management.Automation;
using System.Reflection;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Tab completion of -Source, -Provider and -Profile, through TabExpansion2 in a real session (what PSReadLine and the
/// editors call), on the built module.
/// </summary>
public sealed class ArgumentCompleterTests : TempFolderTests
{
    /// <summary>A store with five sources, two of them names that need quotes.</summary>
    private PowerShellSession SessionWithSources()
    {
        var ps = PowerShellSession.Create();
        ps.Invoke("""
            param($db)
            foreach ($s in 'met', 'Metropolitan East', 'aic', 'harvard', "O'Keeffe") { Set-SyncCheckpoint -Source $s -Cursor c1 -Database $db }
            """, Db);
        Assert.Empty(ps.Errors);
        return ps;
    }

    private static List<CompletionResult> Complete(PowerShellSession ps, string input) =>
        ps.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches", input)
            .Select(o => (CompletionResult)o.BaseObject).ToList();

    [Fact]
    public void Source_SqliteDatabase_TheStoresSourcesThatStartWithWhatWasTyped_AnyCase()
    {
        using var ps = SessionWithSources();

        var me = Complete(ps, $"Get-SyncCheckpoint -Database '{Db}' -Source ME");

        Assert.Equal(["met", "'Metropolitan East'"], me.Select(r => r.CompletionText));
        Assert.Equal(["met", "Metropolitan East"], me.Select(r => r.ListItemText));
        Assert.All(me, r => Assert.Equal(CompletionResultType.ParameterValue, r.ResultType));
        Assert.Contains("cursor c1", me[0].ToolTip, StringComparison.Ordinal);
        Assert.Empty(ps.Errors);
    }

    [Fact]
    public void Source_NothingTyped_EverySourceSortedAndQuotedWhereNeeded()
    {
        using var ps = SessionWithSources();

        var all = Complete(ps, $"Get-SyncDeadLetter -Database '{Db}' -Source ");

        Assert.Equal(["aic", "harvard", "met", "'Metropolitan East'", "'O''Keeffe'"], all.Select(r => r.CompletionText));
    }

    [Fact]
    public void Source_WildcardAndQuotedPrefix_Honoured()
    {
        using var ps = SessionWithSources();

        Assert.Equal(["harvard"], Complete(ps, $"Reset-SyncCheckpoint -Database '{Db}' -Source *ar").Select(r => r.CompletionText));
        Assert.Equal(["'Metropolitan East'"], Complete(ps, $"Set-SyncCheckpoint -Database '{Db}' -Source 'metro").Select(r => r.CompletionText));
        Assert.Equal(["\"Metropolitan East\""], Complete(ps, $"Set-SyncCheckpoint -Database '{Db}' -Source \"metro").Select(r => r.CompletionText));
        Assert.Equal(["'O''Keeffe'"], Complete(ps, $"Get-SyncCheckpoint -Database '{Db}' -Source 'o''k").Select(r => r.CompletionText));
        Assert.Empty(Complete(ps, $"Get-SyncCheckpoint -Database '{Db}' -Source zzz"));
    }

    [Fact]
    public void Source_ByPosition_Completes()
    {
        using var ps = SessionWithSources();

        // -Source is the first positional parameter of the checkpoint cmdlets: a bare word after the store completes as a source.
        Assert.Equal(["harvard"], Complete(ps, $"Reset-SyncCheckpoint -Database '{Db}' har").Select(r => r.CompletionText));
    }

    [Fact]
    public void Source_RelativeDatabasePath_ResolvedAgainstThePowerShellLocation()
    {
        using var ps = SessionWithSources();
        ps.Invoke("$ExecutionContext.SessionState.Path.SetLocation($args[0]) | Out-Null", _dir);

        Assert.Equal(["aic"], Complete(ps, "Get-SyncCheckpoint -Database ./museum.db -Source a").Select(r => r.CompletionText));
        Assert.Equal(["aic"], Complete(ps, "Get-SyncCheckpoint -Database museum.db -Source a").Select(r => r.CompletionText));
    }

    [Fact]
    public void Source_DatabaseInAVariable_Completes()
    {
        using var ps = SessionWithSources();
        ps.Invoke("$global:mirror = $args[0]", Db);

        Assert.Equal(["aic"], Complete(ps, "Get-SyncCheckpoint -Database $mirror -Source a").Select(r => r.CompletionText));
    }

    [Fact]
    public void Source_NoStoreMissingFileOrNotADatabase_NoCompletionsNoErrorsNothingCreated()
    {
        using var ps = PowerShellSession.Create();
        var missing = Path.Combine(_dir, "missing.db");
        var garbage = Path.Combine(_dir, "garbage.db");
        File.WriteAllText(garbage, "this is not a SQLite file");
        var empty = Path.Combine(_dir, "empty.db");
        ps.Invoke("Initialize-SyncDatabase -Database $args[0]", empty);

        Assert.Empty(Complete(ps, "Get-SyncCheckpoint -Source "));
        Assert.Empty(Complete(ps, $"Get-SyncCheckpoint -Database '{missing}' -Source "));
        Assert.Empty(Complete(ps, $"Get-SyncCheckpoint -Database '{garbage}' -Source "));
        Assert.Empty(Complete(ps, $"Get-SyncCheckpoint -Database '{empty}' -Source "));
        Assert.Empty(Complete(ps, $"Get-SyncCheckpoint -Database '{Db}' -ConnectionString 'Data Source={Db}' -Source "));
        Assert.Empty(ps.Errors);
        Assert.False(File.Exists(missing));
        Assert.Equal("this is not a SQLite file", File.ReadAllText(garbage));
    }

    [Fact]
    public void Source_SqliteConnectionString_CompletesFromThatFile()
    {
        using var ps = SessionWithSources();

        Assert.Equal(["harvard"], Complete(ps, $"Get-SyncCheckpoint -Provider Sqlite -ConnectionString 'Data Source={Db}' -Source h").Select(r => r.CompletionText));
    }

    [Fact]
    public void Source_ServerThatDoesNotAnswer_NoCompletionsWithinTheTimeout()
    {
        using var ps = PowerShellSession.Create();

        var clock = Stopwatch.StartNew();
        // Nothing listens on port 9 (refused), and 10.255.255.1 is not routed (no answer at all): neither may hang the prompt.
        Assert.Empty(Complete(ps, "Get-SyncCheckpoint -Provider PostgreSql -ConnectionString 'Host=127.0.0.1;Port=9;Username=u;Password=p' -Source "));
        Assert.Empty(Complete(ps, "Get-SyncCheckpoint -ConnectionString 'Server=10.255.255.1;Database=x;User ID=u;Password=p;Connect Timeout=60' -Source "));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"Completion took {clock.Elapsed}.");
        Assert.Empty(ps.Errors);
    }

    [Fact]
    public void Provider_TheNamesTheParameterAcceptsAndEachIsAStoreProvider()
    {
        using var ps = PowerShellSession.Create();

        var all = Complete(ps, "Get-SyncCheckpoint -ConnectionString x -Provider ").Select(r => r.CompletionText).ToList();
        var validSet = ((ValidateSetAttribute)CommandParameter(ps, "Get-SyncCheckpoint", "Provider").Attributes.Single(a => a is ValidateSetAttribute)).ValidValues;

        Assert.Equal(validSet.Order(StringComparer.OrdinalIgnoreCase), all);
        var providerEnum = CoreAssembly().GetType("MuseumSync.Storage.StoreProvider", throwOnError: true)!;
        Assert.Equal(Enum.GetNames(providerEnum).Order(StringComparer.OrdinalIgnoreCase), all);
        Assert.Equal(["PostgreSql"], Complete(ps, "Initialize-SyncDatabase -ConnectionString x -Provider post").Select(r => r.CompletionText));
        Assert.Equal(["Sqlite", "SqlServer"], Complete(ps, "Get-SyncDeadLetter -ConnectionString x -Provider sq").Select(r => r.CompletionText));
    }

    [Fact]
    public void Profile_EveryBuiltInProfile_PrefixMatchedWithItsDescription()
    {
        using var ps = PowerShellSession.Create();
        // No cmdlet on this branch has -Profile (Sync-MuseumRecord and Invoke-MuseumPoll are wired by the lead), so a function uses the completer as they will.
        ps.Invoke("function global:Test-ProfileCompletion { param([ArgumentCompleter([MuseumSync.PowerShell.Completion.ProfileCompleter])] [string] $Profile) }");
        Assert.Empty(ps.Errors);

        var all = Complete(ps, "Test-ProfileCompletion -Profile ");
        var a = Complete(ps, "Test-ProfileCompletion -Profile a");

        var profiles = (System.Collections.IEnumerable)CoreAssembly().GetType("MuseumSync.Profiles.SourceProfiles", throwOnError: true)!
            .GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var names = profiles.Cast<object>().Select(p => (string)p.GetType().GetProperty("Name")!.GetValue(p)!).ToList();
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), all.Select(r => r.CompletionText));
        Assert.Equal(["ArtInstituteOfChicago", "ArtInstituteOfChicagoSearch"], a.Select(r => r.CompletionText));
        Assert.Contains("Art Institute of Chicago", a[0].ToolTip, StringComparison.Ordinal);

        // Invoke-MuseumPoll validates -Profile with a fixed set: it must name exactly the profiles the completer offers.
        var pollSet = ((ValidateSetAttribute)CommandParameter(ps, "Invoke-MuseumPoll", "Profile").Attributes.Single(x => x is ValidateSetAttribute)).ValidValues;
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), pollSet.Order(StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void EveryCmdlet_SourceProviderAndProfileParameters_CarryTheirCompleter()
    {
        using var ps = PowerShellSession.Create();
        var expected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Source"] = "MuseumSync.PowerShell.Completion.SourceCompleter",
            ["Provider"] = "MuseumSync.PowerShell.Completion.ProviderCompleter",
            ["Profile"] = "MuseumSync.PowerShell.Completion.ProfileCompleter",
        };
        var checkedCount = 0;
        foreach (var cmdlet in ps.Invoke("Get-Command -Module MuseumSync -CommandType Cmdlet").Select(o => (CmdletInfo)o.BaseObject))
        {
            foreach (var parameter in cmdlet.Parameters.Values.Where(p => expected.ContainsKey(p.Name)))
            {
                var completer = parameter.Attributes.OfType<ArgumentCompleterAttribute>().SingleOrDefault()?.Type?.FullName;
                // The cmdlets of a config file (Invoke-MuseumSync, Submit-MuseumSync, Start-MuseumSyncWorker, Get-MuseumSyncJob) complete its source names.
                var want = cmdlet.Parameters.ContainsKey("ConfigPath") && parameter.Name == "Source" ? "MuseumSync.PowerShell.Completion.ConfigSourceCompleter" : expected[parameter.Name];
                Assert.True(want == completer, $"{cmdlet.Name} -{parameter.Name} has completer '{completer ?? "(none)"}', not {want}.");
                checkedCount++;
            }
        }
        Assert.True(checkedCount >= 16, $"Only {checkedCount} parameters checked."); // 7 -Source, 7 -Provider, 2 -Profile
    }

    private static ParameterMetadata CommandParameter(PowerShellSession ps, string command, string parameter) =>
        ((CmdletInfo)Assert.Single(ps.Invoke("Get-Command -Name $args[0] -CommandType Cmdlet", command)).BaseObject).Parameters[parameter];

    /// <summary>MuseumSync.Core as the module loaded it (into its own load context).</summary>
    internal static Assembly CoreAssembly() =>
        AppDomain.CurrentDomain.GetAssemblies().First(a => a.GetName().Name == "MuseumSync.Core" && System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(a)?.Name == "MuseumSync");

    [Fact]
    public void InvokeMuseumSyncSource_CompletesTheConfigFilesSourceNames()
    {
        var dir = TestPaths.TempDirectory();
        var config = Path.Combine(dir, "sync.psd1");
        File.WriteAllText(config, """
            @{ Store = @{ Database = 'm.db' }; Sources = @( @{ Name = 'aic'; Profile = 'ArtInstituteOfChicago' }, @{ Name = 'met'; Uri = 'https://x/' }, @{ Name = 'metro east'; Uri = 'https://y/'; Enabled = $false } ) }
            """);
        using var ps = PowerShellSession.Create();
        var input = $"Invoke-MuseumSync -ConfigPath '{config}' -Source me";
        var results = ps.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches", input)
            .Select(o => (CompletionResult)o.BaseObject).ToList();
        Assert.Equal(["met", "'metro east'"], results.Select(r => r.CompletionText));
        Assert.Contains("(disabled)", results[1].ToolTip, StringComparison.Ordinal);
    }
}
