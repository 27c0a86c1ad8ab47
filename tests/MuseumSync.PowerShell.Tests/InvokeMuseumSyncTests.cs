using System.Globalization;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using MuseumSync.SampleApi;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Invoke-MuseumSync -ConfigPath: the one-call path for scheduled tasks, on the same core as the two-cmdlet pipeline.</summary>
public sealed class InvokeMuseumSyncTests() : SampleApiTests(new SampleApiOptions { RecordCount = 500, DefaultPageSize = 50 })
{
    private string WriteConfig(string sources, string extra = "", string name = "sync.psd1")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Defaults = @{ PageSize = 50; BatchSize = 64 }
                {{extra}}
                Sources = @(
                    {{sources}}
                )
            }
            """);
        return path;
    }

    private string DemoSource => $"@{{ Name = 'demo'; Uri = '{_api.ObjectsUri}' }}";

    /// <summary>A loopback port nothing listens on: connections are refused at once.</summary>
    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Runs a command that must stop with one error and no output, and $LASTEXITCODE 1.</summary>
    private static ErrorRecord StoppedWith(PowerShellSession ps, string script, params object[] args)
    {
        ps.Errors.Clear();
        Assert.Empty(ps.Invoke(script, args));
        Assert.Equal(1, Convert.ToInt32(ps.Invoke("$global:LASTEXITCODE").Single().BaseObject, CultureInfo.InvariantCulture));
        return Assert.Single(ps.Errors);
    }

    private static dynamic Summary(PSObject o)
    {
        Assert.Equal("MuseumSync.SyncSummary", o.BaseObject.GetType().FullName);
        return o.BaseObject;
    }

    [Fact]
    public void OneCall_SampleApi_StoresExactlyWhatThePipelineStores()
    {
        var config = WriteConfig(DemoSource);
        using var ps = PowerShellSession.Create();
        dynamic s = Summary(Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", config)));
        var c = _api.Collection;
        Assert.Equal("Completed", (string)s.Status);
        Assert.Null((string?)s.Error);
        Assert.Equal("demo", (string)s.Source);
        Assert.Equal(c.Lines.Count, (long)s.Received);
        Assert.Equal(c.ValidIds.Count, (long)s.Inserted);
        // Each revision line is an update, or supersedes its id's earlier version in the same batch (the last version wins).
        Assert.Equal(SampleFeedBatches.FirstRun(c, batchSize: 64), ((long)s.Updated, (long)s.Superseded));
        Assert.Equal(c.DuplicateLines, (long)s.Updated + (long)s.Superseded);
        Assert.Equal(c.InvalidLines.Count, (long)s.DeadLettered);
        Assert.Equal(0, Convert.ToInt32(ps.Invoke("$global:LASTEXITCODE").Single().BaseObject, CultureInfo.InvariantCulture));
        Assert.Empty(ps.Errors); // no per-record errors on the scheduled path: the counts are in the summary

        // The two-cmdlet pipeline into another database: the same rows, titles, dead letters and checkpoint.
        var other = Path.Combine(_dir, "pipeline.db");
        ps.Invoke("Invoke-MuseumPoll -Uri $args[0] -Source demo -Database $args[1] -PageSize 50 | Sync-MuseumRecord -Source demo -Database $args[1] -BatchSize 64 -ErrorAction SilentlyContinue", _api.ObjectsUri, other);
        Assert.Equal(SqliteInspector.Titles(other, "demo"), SqliteInspector.Titles(Db, "demo"));
        const string hashes = "SELECT object_id || ':' || hex(content_hash) FROM museum_records ORDER BY object_id";
        Assert.Equal(SqliteInspector.Column(other, hashes), SqliteInspector.Column(Db, hashes));
        const string dead = "SELECT payload FROM sync_dead_letters ORDER BY payload";
        Assert.Equal(SqliteInspector.Column(other, dead), SqliteInspector.Column(Db, dead));
        const string cursor = "SELECT position FROM sync_checkpoints WHERE source = 'demo'";
        Assert.Equal(SqliteInspector.Column(other, cursor), SqliteInspector.Column(Db, cursor));
    }

    [Fact]
    public void SecondRun_ResumesAtTheLastPage_AndChangesNothing()
    {
        var config = WriteConfig(DemoSource);
        using var ps = PowerShellSession.Create();
        ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", config);
        var pages = _api.PagesServed;
        dynamic s = Summary(Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", config)));
        Assert.Equal(1, _api.PagesServed - pages);
        Assert.Equal(0L, (long)s.Inserted);
        Assert.Equal(0L, (long)s.Updated);
        Assert.Equal(0L, (long)s.DeadLettered);
        Assert.Equal(_api.Collection.ValidIds.Count, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
    }

    [Fact]
    public void FailedSource_OthersStillRun_SummarySaysWhy_ErrorAndExitCodeOne()
    {
        var port = ClosedPort();
        var config = WriteConfig($"@{{ Name = 'down'; Uri = 'http://127.0.0.1:{port}/objects'; MaxRetries = 0 }}\n{DemoSource}");
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", config);
        Assert.Equal(2, output.Count);
        dynamic down = Summary(output[0]);
        dynamic demo = Summary(output[1]);
        Assert.Equal("Failed", (string)down.Status);
        Assert.Contains($"127.0.0.1:{port}", (string)down.Error, StringComparison.Ordinal);
        Assert.Contains("resumes", (string)down.Error, StringComparison.Ordinal);
        Assert.Equal("Completed", (string)demo.Status);
        Assert.Equal(_api.Collection.ValidIds.Count, (long)demo.Inserted);
        var error = Assert.Single(ps.Errors);
        Assert.Equal("SyncSourceFailed,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand", error.FullyQualifiedErrorId);
        Assert.Contains("'down'", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(1, Convert.ToInt32(ps.Invoke("$global:LASTEXITCODE").Single().BaseObject, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void FailedSource_InPwshCommand_ExitCodeIsOne()
    {
        var port = ClosedPort();
        var config = WriteConfig($"@{{ Name = 'down'; Uri = 'http://127.0.0.1:{port}/objects'; MaxRetries = 0 }}");
        // What a scheduled task runs: pwsh -Command "Import-Module MuseumSync; Invoke-MuseumSync -ConfigPath …".
        var result = PwshProcess.Run(PwshProcess.StartCommand($"Invoke-MuseumSync -ConfigPath '{config}'"), TimeSpan.FromMinutes(3));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Source 'down' failed", result.StdErr + result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void SourceFilter_RunsOnlyTheNamedSource_AndAnUnknownNameStopsBeforeAnything()
    {
        var config = WriteConfig($"{DemoSource}\n@{{ Name = 'other'; Uri = 'http://127.0.0.1:{ClosedPort()}/objects'; MaxRetries = 0 }}");
        using var ps = PowerShellSession.Create();
        dynamic s = Summary(Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0] -Source demo", config)));
        Assert.Equal("Completed", (string)s.Status);

        var ex = StoppedWith(ps, "Invoke-MuseumSync -ConfigPath $args[0] -Source nope", config);
        Assert.Equal("SyncSourceUnknown,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand", ex.FullyQualifiedErrorId);
        Assert.Contains("demo, other", ex.Exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@{ Name = 'demo'; Uri = 'http://x/'; Colour = 'red' }", "'Colour' is not a parameter")]
    [InlineData("@{ Name = 'demo'; Uri = 'http://x/'; PageSize = 0 }", "PageSize = 0 is out of range; use 1 to 100000")]
    [InlineData("@{ Name = 'demo'; Uri = 'http://x/'; Paging = 'Sideways' }", "Paging = 'Sideways' is not one of")]
    [InlineData("@{ Name = 'demo'; Uri = 'http://x/'; ApiKey = 'abc' }", "ApiKeyVariable")]
    [InlineData("@{ Name = 'demo'; Uri = 'http://x/'; Database = 'x.db' }", "the store is set once for the file")]
    [InlineData("@{ Uri = 'http://x/' }", "has no Name")]
    [InlineData("@{ Name = 'demo' }", "say where the records come from")]
    [InlineData("@{ Name = 'demo'; Uri = 'http://x/'; BatchSize = 'many' }", "BatchSize = 'many' is not a number")]
    public void BadConfig_StopsBeforeAnythingRuns_WithFileSourceAndKey(string source, string expected)
    {
        var config = WriteConfig(source);
        using var ps = PowerShellSession.Create();
        var ex = StoppedWith(ps, "Invoke-MuseumSync -ConfigPath $args[0]", config);
        Assert.Equal("SyncConfigInvalid,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand", ex.FullyQualifiedErrorId);
        Assert.Contains("sync.psd1", ex.Exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Theory]
    [InlineData("@{ Sources = @() }", "Store is missing")]
    [InlineData("@{ Store = @{ Database = 'a.db'; ConnectionString = 'Server=x' }; Sources = @() }", "not both")]
    [InlineData("@{ Store = @{ Database = 'a.db' }; Sources = @(); Extra = 1 }", "unknown key 'Extra'")]
    [InlineData("@{ Store = @{ Database = 'a.db' }; Sources = @(Get-Date) }", "no commands or variables")]
    [InlineData("@{ Store = @{ ConnectionString = 'Server=x'; UserName = 'sync' }; Sources = @() }", "PasswordVariable")]
    public void BadConfig_TopLevel(string text, string expected)
    {
        var path = Path.Combine(_dir, "bad.psd1");
        File.WriteAllText(path, text);
        using var ps = PowerShellSession.Create();
        var ex = StoppedWith(ps, "Invoke-MuseumSync -ConfigPath $args[0]", path);
        Assert.Equal("SyncConfigInvalid,MuseumSync.PowerShell.Commands.InvokeMuseumSyncCommand", ex.FullyQualifiedErrorId);
        Assert.Contains(expected, ex.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsPath_WritesPrometheusText_CountsMatchTheRun()
    {
        var config = WriteConfig(DemoSource, "MetricsPath = 'metrics/museumsync.prom'");
        Directory.CreateDirectory(Path.Combine(_dir, "metrics"));
        using var ps = PowerShellSession.Create();
        dynamic s = Summary(Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", config)));
        var file = Path.Combine(_dir, "metrics", "museumsync.prom");
        var text = File.ReadAllText(file);
        var c = _api.Collection;
        Assert.Contains($"museumsync_records_fetched_total{{source=\"demo\"}} {c.Lines.Count}\n", text, StringComparison.Ordinal);
        Assert.Contains($"museumsync_records_committed_total{{source=\"demo\"}} {c.Lines.Count - c.InvalidLines.Count}\n", text, StringComparison.Ordinal);
        Assert.Contains($"museumsync_records_dead_lettered_total{{source=\"demo\"}} {c.InvalidLines.Count}\n", text, StringComparison.Ordinal);
        Assert.Contains($"museumsync_http_requests_total{{source=\"demo\",status=\"200\"}} {_api.PagesServed}\n", text, StringComparison.Ordinal);
        Assert.Contains($"museumsync_commit_duration_seconds_count{{source=\"demo\"}} {(long)s.Batches}\n", text, StringComparison.Ordinal);
        Assert.Contains("museumsync_queue_depth{source=\"demo\"} 0\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("museumsync_last_success_timestamp_seconds{source=\"demo\"} 0\n", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "metrics"), "*.tmp")); // written by rename, nothing left behind
    }

    [Fact]
    public void WhatIf_WritesNothing()
    {
        var config = WriteConfig(DemoSource);
        using var ps = PowerShellSession.Create();
        dynamic s = Summary(Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0] -WhatIf", config)));
        Assert.Equal("WhatIf", (string)s.Status);
        Assert.Equal(0, _api.PagesServed);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void DisabledSource_IsSkipped_AndVerboseSaysPagesAndBatches()
    {
        var config = WriteConfig($"{DemoSource}\n@{{ Name = 'off'; Uri = 'http://127.0.0.1:1/objects'; Enabled = $false }}");
        using var ps = PowerShellSession.Create();
        var output = ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0] -Verbose", config);
        Assert.Equal("demo", (string)Summary(Assert.Single(output)).Source);
        Assert.Contains(ps.Verbose, v => v.StartsWith("GET ", StringComparison.Ordinal) && v.Contains("-> 200", StringComparison.Ordinal) && v.Contains("correlation", StringComparison.Ordinal));
        Assert.Contains(ps.Verbose, v => v.StartsWith("batch=1 source=demo ", StringComparison.Ordinal) && v.Contains("commit_ms=", StringComparison.Ordinal));
    }

    [Fact]
    public void SyncMuseumRecord_MetricsPath_IncludesTheHttpSideOfThePollFeedingIt()
    {
        var file = Path.Combine(_dir, "pipeline.prom");
        using var ps = PowerShellSession.Create();
        ps.Invoke("Invoke-MuseumPoll -Uri $args[0] -Source demo -Database $args[1] -PageSize 50 | Sync-MuseumRecord -Source demo -Database $args[1] -BatchSize 64 -MetricsPath $args[2] -ErrorAction SilentlyContinue",
            _api.ObjectsUri, Db, file);
        var text = File.ReadAllText(file);
        Assert.Contains($"museumsync_http_requests_total{{source=\"demo\",status=\"200\"}} {_api.PagesServed}\n", text, StringComparison.Ordinal);
        Assert.Contains($"museumsync_records_dead_lettered_total{{source=\"demo\"}} {_api.Collection.InvalidLines.Count}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongRun_WritesThrottledProgress_WithRunningCounts()
    {
        await using var slow = await SampleMuseumApi.StartAsync(new SampleApiOptions { RecordCount = 200, DefaultPageSize = 20, PageLatency = TimeSpan.FromMilliseconds(120) });
        using var ps = PowerShellSession.Create();
        ps.Invoke("Invoke-MuseumPoll -Uri $args[0] -Source slow -Database $args[1] -PageSize 20 | Sync-MuseumRecord -Source slow -Database $args[1] -ErrorAction SilentlyContinue", slow.ObjectsUri, Db);
        var sync = ps.Progress.Where(p => p.Activity.StartsWith("Sync-MuseumRecord", StringComparison.Ordinal) && p.RecordType == ProgressRecordType.Processing).ToList();
        Assert.NotEmpty(sync);
        Assert.All(sync, p => Assert.Equal(-1, p.PercentComplete)); // the total is unknown while a feed streams
        Assert.Contains(sync, p => p.StatusDescription.Contains("records (", StringComparison.Ordinal) && p.StatusDescription.Contains("dead letters", StringComparison.Ordinal));
        // ~1.2 s of paging at four updates a second at most: throttled, not one per record.
        Assert.InRange(sync.Count, 1, 12);
        Assert.Contains(ps.Progress, p => p.Activity.StartsWith("Sync-MuseumRecord", StringComparison.Ordinal) && p.RecordType == ProgressRecordType.Completed);
        Assert.Contains(ps.Progress, p => p.Activity.StartsWith("Invoke-MuseumPoll", StringComparison.Ordinal) && p.StatusDescription.Contains("pages", StringComparison.Ordinal));
    }
}
