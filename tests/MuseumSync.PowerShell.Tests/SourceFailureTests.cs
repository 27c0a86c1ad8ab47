using Microsoft.AspNetCore.Http;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// A source that fails at page N, or sends the poll in a circle: the complete pages before the failure are committed
/// with their checkpoint, in the pipeline and in Invoke-MuseumSync, and the error says how far the run got (issue 13).
/// </summary>
public sealed class SourceFailureTests : TempFolderTests
{
    /// <summary>The old poller followed a circle until the server gave up; every server here gives up well after the guard.</summary>
    private const int ServerGivesUpAfter = 60;

    private static string Line(string id) =>
        $$"""{"ObjectID":"{{id}}","title":"Object {{id}}","creation_date_iso":"1889-06-15","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"}""";

    private static async Task PageAsync(HttpContext ctx, string? next, params string[] ids)
    {
        if (next is not null) ctx.Response.Headers["X-Next-Cursor"] = next;
        ctx.Response.ContentType = "application/x-ndjson";
        await ctx.Response.WriteAsync(string.Concat(ids.Select(id => Line(id) + "\n")), ctx.RequestAborted);
    }

    /// <summary>Two pages of two records, then page 3 answers 404 every time.</summary>
    private static Task FailsAtPage3Async(HttpContext ctx) => ctx.Request.Query["cursor"].ToString() switch
    {
        "" => PageAsync(ctx, "p2", "1", "2"),
        "p2" => PageAsync(ctx, "p3", "3", "4"),
        _ => PollTestServer.WriteJsonAsync(ctx, "{\"error\":\"page 3 is gone\"}", 404),
    };

    private string WriteConfig(string uri)
    {
        var path = Path.Combine(_dir, "sync.psd1");
        File.WriteAllText(path, $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Sources = @( @{ Name = 'demo'; Uri = '{{uri}}'; PageSize = 2; MaxRetries = 0 } )
            }
            """);
        return path;
    }

    private const string PipelineScript = """
        param($uri, $db)
        $ErrorActionPreference = 'Stop'
        try {
            Invoke-MuseumPoll -Uri $uri -Source demo -Database $db -PageSize 2 -MaxRetries 0 | Sync-MuseumRecord -Source demo -Database $db
            'no error'
        }
        catch {
            $_.FullyQualifiedErrorId
            $_.Exception.Message
        }
        """;

    [Fact]
    public async Task Pipeline_SourceFailsAlwaysAtPage3_CompletePagesCommittedWithCheckpointAndErrorSaysHowFar()
    {
        await using var server = await PollTestServer.StartAsync(FailsAtPage3Async);
        using var ps = PowerShellSession.Create();
        var uri = server.Url("objects");

        var first = ps.Invoke(PipelineScript, uri, Db).Select(o => o.ToString()).ToList();

        Assert.StartsWith("MuseumPollHttpError", first[0], StringComparison.Ordinal);
        Assert.Contains("404", first[1], StringComparison.Ordinal);
        Assert.Contains("4 records", first[1], StringComparison.Ordinal);
        Assert.Contains("'p3'", first[1], StringComparison.Ordinal);
        Assert.Equal(4L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(["p3"], SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints WHERE source = 'demo'"));

        // The next run resumes at page 3: the progress stands, and nothing is read twice.
        var before = server.Requests.Count;
        var second = ps.Invoke(PipelineScript, uri, Db).Select(o => o.ToString()).ToList();
        Assert.StartsWith("MuseumPollHttpError", second[0], StringComparison.Ordinal);
        Assert.Contains("cursor=p3", server.Requests.Skip(before).First().PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(4L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
    }

    [Fact]
    public async Task InvokeMuseumSync_SourceFailsAlwaysAtPage3_CompletePagesCommittedWithCheckpointAndSummarySaysHowFar()
    {
        await using var server = await PollTestServer.StartAsync(FailsAtPage3Async);
        using var ps = PowerShellSession.Create();

        dynamic summary = Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", WriteConfig(server.Url("objects")))).BaseObject;

        Assert.Equal("Failed", (string)summary.Status);
        Assert.Equal(4L, (long)summary.Inserted);
        Assert.Equal("p3", (string)summary.Checkpoint);
        Assert.Contains("404", (string)summary.Error, StringComparison.Ordinal);
        Assert.Contains("4 records", (string)summary.Error, StringComparison.Ordinal);
        Assert.Contains("'p3'", (string)summary.Error, StringComparison.Ordinal);
        Assert.Equal(4L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(["p3"], SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints WHERE source = 'demo'"));
    }

    [Fact]
    public async Task InvokeMuseumSync_CursorCycles_StopsNamedAndTotalsCountEachRecordOnce()
    {
        // first page -> a -> b -> a -> ...
        var served = 0;
        await using var server = await PollTestServer.StartAsync(ctx =>
        {
            if (Interlocked.Increment(ref served) > ServerGivesUpAfter)
            {
                ctx.Response.StatusCode = 410;
                return Task.CompletedTask;
            }
            return ctx.Request.Query["cursor"].ToString() switch
            {
                "" => PageAsync(ctx, "a", "1", "2"),
                "a" => PageAsync(ctx, "b", "3", "4"),
                _ => PageAsync(ctx, "a", "5", "6"),
            };
        });
        using var ps = PowerShellSession.Create();

        dynamic summary = Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", WriteConfig(server.Url("objects")))).BaseObject;

        Assert.Equal("Failed", (string)summary.Status);
        Assert.Contains("in a circle", (string)summary.Error, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(6L, (long)summary.Received);
        Assert.Equal(6L, (long)summary.Inserted);
        Assert.Equal(0L, (long)summary.Unchanged);
        Assert.Equal(6L, SqliteInspector.Scalar(Db, "SELECT records_committed FROM sync_checkpoints WHERE source = 'demo'"));
        Assert.Equal(6L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
    }

    [Fact]
    public async Task Pipeline_UnreachableEndpoint_FailsAtOnceNamingTheUrl()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }
        using var ps = PowerShellSession.Create();

        var result = ps.Invoke("""
            param($uri, $db)
            $ErrorActionPreference = 'Stop'
            try { Invoke-MuseumPoll -Uri $uri -Source demo -Database $db -SummaryVariable stats | Sync-MuseumRecord -Source demo -Database $db }
            catch { $_.FullyQualifiedErrorId; $_.Exception.Message; $stats.Requests; $stats.Retries }
            """, new Uri($"http://127.0.0.1:{port}/objects"), Db).Select(o => o.ToString()).ToList();

        Assert.StartsWith("MuseumPollUnreachable", result[0], StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{port}/objects", result[1], StringComparison.Ordinal);
        Assert.Contains("refused", result[1], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["1", "0"], result.Skip(2));
    }
}
