using System.Globalization;
using System.Management.Automation;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Invalid records are outcomes the sync handled, not failures of the cmdlet: the feed syncs completely under every error
/// preference, the dead letters are said (as a bounded list of warnings, or with -EnableException as errors) only once
/// committed, and -WhatIf says what would happen.
/// </summary>
public sealed class InvalidRecordOutcomeTests() : SampleApiTests(new SampleApiOptions { RecordCount = 500, DefaultPageSize = 50 })
{
    private const string Pipeline = "Invoke-MuseumPoll -Uri $args[0] -Source demo -Database $args[1] -PageSize 50 | Sync-MuseumRecord -Source demo -Database $args[1] -BatchSize 64";

    private string WriteConfig(string sourceKeys = "")
    {
        var path = Path.Combine(_dir, "sync.psd1");
        File.WriteAllText(path, $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Defaults = @{ PageSize = 50; BatchSize = 64 }
                Sources = @( @{ Name = 'demo'; Uri = '{{_api.ObjectsUri}}'{{sourceKeys}} } )
            }
            """);
        return path;
    }

    /// <summary>The whole sample feed is in the store: every valid record, every invalid line dead-lettered, the checkpoint at the last page.</summary>
    private void AssertSyncedCompletely(PowerShellSession ps, dynamic summary)
    {
        var c = _api.Collection;
        Assert.Equal("Completed", (string)summary.Status);
        Assert.Equal(c.Lines.Count, (long)summary.Received);
        Assert.Equal(c.InvalidLines.Count, (long)summary.DeadLettered);
        Assert.Equal(c.ValidIds.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(c.InvalidLines.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM sync_dead_letters"));
        // The checkpoint is at the end: a second run reads the last page again and nothing else.
        var pages = _api.PagesServed;
        dynamic again = Assert.Single(ps.Invoke(Pipeline + " -WarningAction SilentlyContinue", _api.ObjectsUri, Db)).BaseObject;
        Assert.Equal(1, _api.PagesServed - pages);
        Assert.Equal(0L, (long)again.Inserted);
    }

    /// <summary>The first ten dead letters one by one, each committed, then one line for the rest.</summary>
    private void AssertBoundedWarnings(PowerShellSession ps)
    {
        var invalid = _api.Collection.InvalidLines.Count;
        Assert.True(invalid > 10, "the sample feed must have more invalid lines than the warning limit");
        var perRecord = ps.Warnings.Where(w => w.StartsWith("Record '", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, perRecord.Count);
        Assert.All(perRecord, w => Assert.Contains("is invalid and was dead-lettered: ", w, StringComparison.Ordinal));
        var dead = SqliteInspector.Column(Db, "SELECT object_id FROM sync_dead_letters WHERE object_id IS NOT NULL");
        Assert.All(perRecord.Select(w => w.Split('\'')[1]).Where(id => id != "(no id)"), id => Assert.Contains(id, dead));
        var rest = Assert.Single(ps.Warnings, w => w.StartsWith("... and ", StringComparison.Ordinal));
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"... and {invalid - 10} more invalid records of source 'demo' were dead-lettered"), rest, StringComparison.Ordinal);
        Assert.Contains("Get-SyncDeadLetter -Source demo", rest, StringComparison.Ordinal);
        Assert.Equal(11, ps.Warnings.Count);
    }

    [Theory]
    [InlineData("$ErrorActionPreference = 'Stop'; ", "")]
    [InlineData("", " -ErrorAction Stop")]
    [InlineData("", "")]
    public void SyncMuseumRecord_AnyErrorPreference_SyncsTheWholeFeed_WithBoundedWarnings(string preference, string parameter)
    {
        using var ps = PowerShellSession.Create();
        dynamic s = Assert.Single(ps.Invoke(preference + Pipeline + parameter, _api.ObjectsUri, Db)).BaseObject;
        Assert.Empty(ps.Errors);
        AssertBoundedWarnings(ps);
        AssertSyncedCompletely(ps, s);
    }

    [Theory]
    [InlineData("$ErrorActionPreference = 'Stop'; ", "")]
    [InlineData("", " -ErrorAction Stop")]
    [InlineData("", "")]
    public void InvokeMuseumSync_AnyErrorPreference_SyncsTheWholeFeed_WithBoundedWarnings(string preference, string parameter)
    {
        var config = WriteConfig();
        using var ps = PowerShellSession.Create();
        dynamic s = Assert.Single(ps.Invoke(preference + "Invoke-MuseumSync -ConfigPath $args[0]" + parameter, config)).BaseObject;
        Assert.Empty(ps.Errors);
        Assert.Equal(0, Convert.ToInt32(ps.Invoke("$global:LASTEXITCODE").Single().BaseObject, CultureInfo.InvariantCulture));
        AssertBoundedWarnings(ps);
        AssertSyncedCompletely(ps, s);
    }

    [Fact]
    public void SyncMuseumRecord_MaxInvalidWarningsZero_OnlyTheClosingLine()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke(Pipeline + " -MaxInvalidWarnings 0", _api.ObjectsUri, Db);
        var only = Assert.Single(ps.Warnings);
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"... and {_api.Collection.InvalidLines.Count} more invalid records of source 'demo' were dead-lettered"), only, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncMuseumRecord_EnableExceptionUnderStop_StopsAtTheFirstDeadLetter_WhichIsCommitted()
    {
        using var ps = PowerShellSession.Create();
        var stop = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke("$ErrorActionPreference = 'Stop'; " + Pipeline + " -EnableException", _api.ObjectsUri, Db));
        var error = stop.ErrorRecord;
        Assert.Equal("MuseumRecordInvalid,MuseumSync.PowerShell.Commands.SyncMuseumRecordCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains("was dead-lettered", error.Exception.Message, StringComparison.Ordinal);
        dynamic record = ((PSObject)PSObject.AsPSObject(error.TargetObject)).BaseObject;
        // What the error says is true: the record's batch is committed, dead letter and all.
        var payloads = SqliteInspector.Column(Db, "SELECT payload FROM sync_dead_letters");
        Assert.Contains((string)record.RawJson, payloads);
        Assert.True(SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records") < _api.Collection.ValidIds.Count); // it stopped there

        // The next run (default preference) resumes and completes.
        ps.Invoke(Pipeline, _api.ObjectsUri, Db);
        Assert.Equal(_api.Collection.ValidIds.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(_api.Collection.InvalidLines.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM sync_dead_letters"));
    }

    [Fact]
    public void InvokeMuseumSync_EnableException_OneNonTerminatingErrorPerDeadLetter_FromTheSwitchOrTheConfigKey()
    {
        using var ps = PowerShellSession.Create();
        dynamic s = Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0] -EnableException", WriteConfig())).BaseObject;
        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal(_api.Collection.InvalidLines.Count, ps.Errors.Count);
        Assert.All(ps.Errors, e => Assert.Equal("MuseumRecordInvalid,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand", e.FullyQualifiedErrorId));
        Assert.Empty(ps.Warnings);

        File.Delete(Db);
        ps.Errors.Clear();
        ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", WriteConfig("; EnableException = $true"));
        Assert.Equal(_api.Collection.InvalidLines.Count, ps.Errors.Count);
    }

    [Fact]
    public void InvokeMuseumSync_EnableExceptionUnderStop_StopsAtTheFirstDeadLetter_ExitCodeOne_NextRunCompletes()
    {
        var config = WriteConfig();
        using var ps = PowerShellSession.Create();
        var stop = Assert.ThrowsAny<RuntimeException>(() => ps.Invoke("$ErrorActionPreference = 'Stop'; Invoke-MuseumSync -ConfigPath $args[0] -EnableException", config));
        Assert.Equal("MuseumRecordInvalid,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand", stop.ErrorRecord.FullyQualifiedErrorId);
        dynamic record = ((PSObject)PSObject.AsPSObject(stop.ErrorRecord.TargetObject)).BaseObject;
        Assert.Contains((string)record.RawJson, SqliteInspector.Column(Db, "SELECT payload FROM sync_dead_letters"));
        Assert.Equal(1, Convert.ToInt32(ps.Invoke("$global:LASTEXITCODE").Single().BaseObject, CultureInfo.InvariantCulture));

        // The store is consistent and the lease given back: the next run takes the source at once and completes it.
        dynamic s = Assert.Single(ps.Invoke("$ErrorActionPreference = 'Continue'; Invoke-MuseumSync -ConfigPath $args[0] -WarningAction SilentlyContinue", config)).BaseObject;
        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal(_api.Collection.ValidIds.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(_api.Collection.InvalidLines.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM sync_dead_letters"));
    }

    [Fact]
    public void SyncMuseumRecord_WhatIf_SaysWhatWouldBeDeadLettered_WritesNothing()
    {
        const string WhatIf = "$ErrorActionPreference = 'Stop'; Invoke-MuseumPoll -Uri $args[0] -Source demo -PageSize 50 | Sync-MuseumRecord -Source demo -Database $args[1] -WhatIf";
        using var ps = PowerShellSession.Create();
        dynamic s = Assert.Single(ps.Invoke(WhatIf, _api.ObjectsUri, Db)).BaseObject;
        Assert.Equal("WhatIf", (string)s.Status);
        Assert.False(File.Exists(Db));
        Assert.Empty(ps.Errors);
        Assert.DoesNotContain(ps.Warnings, w => w.Contains("was dead-lettered", StringComparison.Ordinal) || w.Contains("were dead-lettered", StringComparison.Ordinal));
        Assert.Equal(10, ps.Warnings.Count(w => w.StartsWith("Record '", StringComparison.Ordinal) && w.Contains("It would be dead-lettered; its batch was not committed", StringComparison.Ordinal)));
        Assert.Single(ps.Warnings, w => w.StartsWith("... and ", StringComparison.Ordinal) && w.Contains("would be dead-lettered", StringComparison.Ordinal));

        // -EnableException asks for every invalid record; nothing was committed, so they stay conditional warnings.
        ps.Warnings.Clear();
        Assert.Single(ps.Invoke(WhatIf + " -EnableException", _api.ObjectsUri, Db));
        Assert.False(File.Exists(Db));
        Assert.Empty(ps.Errors);
        Assert.Equal(_api.Collection.InvalidLines.Count, ps.Warnings.Count);
        Assert.All(ps.Warnings, w => Assert.Contains("It would be dead-lettered; its batch was not committed", w, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SyncMuseumRecord_MetricsPath_SameSourceNameInAParallelRunspace_ReportsOnlyItsOwnPoll()
    {
        // Two pipelines sync a source named 'demo' at the same time in two runspaces of one process (parallel scheduled
        // jobs, or parallel test classes). The second one's poll starts while the first sync is running; the first
        // sync's metrics file must still report the HTTP side of its own poll.
        await using var other = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 60, DefaultPageSize = 20 });
        var fileA = Path.Combine(_dir, "a.prom");
        var fileB = Path.Combine(_dir, "b.prom");
        using var started = new ManualResetEventSlim();
        using var go = new ManualResetEventSlim();
        using var a = PowerShellSession.Create();
        using var b = PowerShellSession.Create();
        var runA = Task.Run(() => a.Invoke("""
            param($uri, $db, $file, $started, $go)
            $first = $true
            Invoke-MuseumPoll -Uri $uri -Source demo -Database $db -PageSize 50 |
                ForEach-Object {
                    if ($first) {
                        $first = $false
                        $started.Set()
                        if (-not $go.Wait([TimeSpan]::FromSeconds(60))) { throw 'the other runspace never finished' }
                    }
                    $_
                } |
                Sync-MuseumRecord -Source demo -Database $db -MetricsPath $file -MetricsIntervalSec 0
            """, _api.ObjectsUri, Db, fileA, started, go));
        try
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(60)), "the first pipeline never started");
            b.Invoke("Invoke-MuseumPoll -Uri $args[0] -Source demo -PageSize 20 | Sync-MuseumRecord -Source demo -Database $args[1] -MetricsPath $args[2] -MetricsIntervalSec 0",
                other.ObjectsUri, Path.Combine(_dir, "other.db"), fileB);
        }
        finally
        {
            go.Set();
        }
        await runA.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.NotEqual(_api.PagesServed, other.PagesServed);
        Assert.Contains($"museumsync_http_requests_total{{source=\"demo\",status=\"200\"}} {_api.PagesServed}\n", File.ReadAllText(fileA), StringComparison.Ordinal);
        Assert.Contains($"museumsync_http_requests_total{{source=\"demo\",status=\"200\"}} {other.PagesServed}\n", File.ReadAllText(fileB), StringComparison.Ordinal);
    }
}
