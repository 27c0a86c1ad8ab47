using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using MuseumSync.Core.Tests.Polling;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// The request budget a source shares through its database, as admins meet it (issues #15, #17): two runs of one source
/// at the same time stay under the server's quota together, and a daily budget stops the next run cleanly, says when it
/// resets, and lets the run after the reset resume from the checkpoint.
/// </summary>
public sealed class RequestBudgetTests : TempFolderTests
{
    private static string Line(string id) =>
        $$"""{"ObjectID":"{{id}}","title":"Object {{id}}","creation_date_iso":"1889-06-15","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"}""";

    /// <summary><paramref name="pages"/> pages of two records, chained by X-Next-Cursor.</summary>
    private static async Task PageAsync(HttpContext ctx, int pages)
    {
        var page = int.TryParse(ctx.Request.Query["cursor"], out var p) ? p : 1;
        if (page < pages) ctx.Response.Headers["X-Next-Cursor"] = (page + 1).ToString(CultureInfo.InvariantCulture);
        ctx.Response.ContentType = "application/x-ndjson";
        await ctx.Response.WriteAsync(Line($"{page}a") + "\n" + Line($"{page}b") + "\n", ctx.RequestAborted);
    }

    private static void Exec(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public async Task TwoRunsOfOneSourceAtOnce_RateLimitedServer_ZeroViolations()
    {
        // The server allows 10 requests a second (a fixed window, like the bench's API); each run is told 8 a second, so
        // two runs that kept their paces apart would send 16.
        var quota = new QuotaServer(TimeProvider.System, limit: 10, window: TimeSpan.FromSeconds(1));
        await using var server = await PollTestServer.StartAsync(async ctx =>
        {
            if (await quota.AdmitAsync(ctx)) await PageAsync(ctx, 8);
        });
        using var sync = PowerShellSession.Create();
        using var look = PowerShellSession.Create();
        sync.Invoke("Initialize-SyncDatabase -Database $args[0]", Db);

        // The nightly sync, and an admin's poll of the same source at the same time: both keep the pace in museum.db.
        var nightly = Task.Run(() => sync.Invoke("""
            param($uri, $db)
            $ErrorActionPreference = 'Stop'
            Invoke-MuseumPoll -Uri $uri -Source demo -Database $db -PageSize 2 -RequestsPerSecond 8 | Sync-MuseumRecord -Source demo -Database $db
            """, server.Url("objects"), Db));
        var adHoc = Task.Run(() => look.Invoke("""
            param($uri, $db)
            $ErrorActionPreference = 'Stop'
            (Invoke-MuseumPoll -Uri $uri -Source demo -Database $db -PageSize 2 -RequestsPerSecond 8 -NoResume | Measure-Object).Count
            """, server.Url("objects"), Db));
        var nightlyOutput = await nightly;
        var adHocOutput = await adHoc;

        dynamic summary = Assert.Single(nightlyOutput).BaseObject;
        Assert.Equal("Completed", (string)summary.Status);
        Assert.Equal(16L, (long)summary.Inserted);
        Assert.Equal(16, (int)Assert.Single(adHocOutput).BaseObject);
        Assert.Empty(sync.Errors);
        Assert.Empty(look.Errors);
        Assert.Equal(16, server.Requests.Count);
        Assert.Equal(0, quota.TooMany);
        Assert.Equal(0, quota.Violations);
    }

    [Fact]
    public async Task DailyBudget_SpentByOneRun_NextRunStopsCleanly_AndTheRunAfterTheResetResumes()
    {
        await using var server = await PollTestServer.StartAsync(ctx => PageAsync(ctx, 5));
        using var ps = PowerShellSession.Create();
        const string Script = """
            param($uri, $db)
            $ErrorActionPreference = 'Stop'
            try {
                $s = Invoke-MuseumPoll -Uri $uri -Source demo -Database $db -PageSize 2 -DailyRequestBudget 3 | Sync-MuseumRecord -Source demo -Database $db
                $s.Status
            }
            catch {
                $_.FullyQualifiedErrorId
                $_.Exception.Message
                $_.CategoryInfo.Category.ToString()
            }
            """;
        ps.Invoke("Initialize-SyncDatabase -Database $args[0]", Db);

        var first = ps.Invoke(Script, server.Url("objects"), Db).Select(o => o.ToString()).ToList();

        Assert.StartsWith("MuseumPollDailyBudgetSpent", first[0], StringComparison.Ordinal);
        Assert.Contains("daily request budget of source 'demo' is spent: 3 of 3 requests", first[1], StringComparison.Ordinal);
        Assert.Contains("resumes from the checkpoint", first[1], StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(6L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        var checkpoint = Assert.Single(SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints WHERE source = 'demo'"));

        // The same day: the next run sends nothing and changes nothing.
        var second = ps.Invoke(Script, server.Url("objects"), Db).Select(o => o.ToString()).ToList();

        Assert.StartsWith("MuseumPollDailyBudgetSpent", second[0], StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal([checkpoint], SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints WHERE source = 'demo'"));
        dynamic shown = Assert.Single(ps.Invoke("Get-SyncCheckpoint -Source demo -Database $args[0]", Db));
        Assert.Equal(3L, (long)shown.RequestsToday);
        Assert.Equal(0L, (long)shown.RequestsLeftToday);
        Assert.Equal(3L, (long)shown.DailyRequestBudget);
        Assert.Equal(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1), ((DateTimeOffset)shown.BudgetResetsAt).UtcDateTime);

        // As if the next day had come (the count is yesterday's): the run resumes from the checkpoint and completes.
        Exec(Db, "UPDATE sync_request_budget SET budget_day = budget_day - 1");
        var third = ps.Invoke(Script, server.Url("objects"), Db).Select(o => o.ToString()).ToList();

        Assert.Equal(["Completed"], third);
        Assert.Equal(10L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(checkpoint, server.Requests.ElementAt(3).PathAndQuery.Split("cursor=")[1].Split('&')[0]);
    }

    [Fact]
    public async Task InvokeMuseumSync_DailyRequestBudgetKey_EndsTheSourceFailedWithTheReason()
    {
        await using var server = await PollTestServer.StartAsync(ctx => PageAsync(ctx, 5));
        var config = Path.Combine(_dir, "sync.psd1");
        File.WriteAllText(config, $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Sources = @( @{ Name = 'demo'; Uri = '{{server.Url("objects")}}'; PageSize = 2; DailyRequestBudget = 2 } )
            }
            """);
        using var ps = PowerShellSession.Create();

        dynamic summary = Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", config)).BaseObject;

        Assert.Equal("Failed", (string)summary.Status);
        Assert.Contains("daily request budget of source 'demo' is spent: 2 of 2", (string)summary.Error, StringComparison.Ordinal);
        Assert.Equal(4L, (long)summary.Inserted);
        Assert.Equal(2, server.Requests.Count);
    }
}
