using System.Management.Automation;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MuseumSync.PowerShell.Tests;

/// <summary>The resource bounds as a user meets them through the built module: parameters, sync.psd1 keys, error ids, dead letters.</summary>
public sealed class BoundedResourceTests : TempFolderTests
{
    private static string Line(string id) => $$"""{"ObjectID":"{{id}}","title":"Object {{id}}","creation_date_iso":"1889-06-15","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"}""";

    private static async Task WriteNdjsonAsync(HttpContext ctx, byte[] body)
    {
        ctx.Response.ContentType = "application/x-ndjson";
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    [Fact]
    public async Task InvokeMuseumPoll_PageOverMaxPageBytes_StopsWithMuseumPollPageTooLarge()
    {
        var envelope = "{\"data\":[" + string.Join(",", Enumerable.Range(1, 5000).Select(i => Line("o" + i))) + "],\"next_cursor\":null}";
        await using var server = await PollTestServer.StartAsync(ctx => PollTestServer.WriteJsonAsync(ctx, envelope));
        using var ps = PowerShellSession.Create();

        var output = ps.Invoke("""
            param($uri)
            $ErrorActionPreference = 'Stop'
            try { Invoke-MuseumPoll -Uri $uri -Source big -MaxPageBytes 65536 | Out-Null; 'no error' } catch { $_ }
            """, server.Url("objects"));

        var error = Assert.IsType<ErrorRecord>(Assert.Single(output).BaseObject);
        Assert.StartsWith("MuseumPollPageTooLarge", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Contains(server.Url("objects"), error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-MaxPageBytes", error.Exception.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests); // not retried
    }

    [Fact]
    public async Task InvokeMuseumSync_MaxRecordBytesAndMaxBatchBytesFromTheConfigFile_DeadLetterTheHugeRecordAndCommitEarly()
    {
        var huge = Line("huge")[..^1] + ",\"notes\":\"" + new string('n', 300 * 1024) + "\"}";
        var body = Encoding.UTF8.GetBytes(string.Join("\n", Line("a"), huge, Line("b"), Line("c")) + "\n");
        await using var server = await PollTestServer.StartAsync(ctx => WriteNdjsonAsync(ctx, body));
        var config = Path.Combine(_dir, "sync.psd1");
        File.WriteAllText(config, $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Sources = @( @{ Name = 'big'; Uri = '{{server.Url("objects")}}'; MaxRecordBytes = 102400; MaxBatchBytes = 4096 } )
            }
            """);
        using var ps = PowerShellSession.Create();

        dynamic s = Assert.Single(ps.Invoke("$ErrorActionPreference = 'Stop'; Invoke-MuseumSync -ConfigPath $args[0]", config)).BaseObject;

        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal(3L, (long)s.Inserted);
        Assert.Equal(1L, (long)s.DeadLettered);
        Assert.Equal(2L, (long)s.Batches); // the 64 KiB dead letter filled the 4 KiB budget: committed before the rest
        var payload = Assert.Single(SqliteInspector.Column(Db, "SELECT payload FROM sync_dead_letters WHERE object_id = 'huge'"));
        Assert.Contains("record too large", payload, StringComparison.Ordinal);
        Assert.True(payload.Length < 100 * 1024, "the dead letter holds the start of the record, not all of it");
    }

    [Fact]
    public async Task GetSyncDeadLetter_InvalidUtf8Line_ExposesTheOriginalBytesAndReplayKeepsThem()
    {
        var bad = Encoding.UTF8.GetBytes("{\"ObjectID\":\"u1\",\"title\":\"Caf").Append((byte)0xE9).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var body = Encoding.UTF8.GetBytes(Line("a") + "\n").Concat(bad).Concat("\n"u8.ToArray()).ToArray();
        await using var server = await PollTestServer.StartAsync(ctx => WriteNdjsonAsync(ctx, body));
        using var ps = PowerShellSession.Create();
        ps.Invoke("param($uri, $db) Invoke-MuseumPoll -Uri $uri -Source u | Sync-MuseumRecord -Database $db -WarningAction SilentlyContinue -ErrorAction SilentlyContinue", server.Url("objects"), Db);

        var letter = Assert.Single(ps.Invoke("Get-SyncDeadLetter -Database $args[0]", Db)).BaseObject;
        Assert.Equal(bad, (byte[])((dynamic)letter).PayloadBytes);

        ps.Invoke("param($db) Get-SyncDeadLetter -Database $db | Sync-MuseumRecord -Database $db -WarningAction SilentlyContinue -ErrorAction SilentlyContinue", Db);
        dynamic again = Assert.Single(ps.Invoke("Get-SyncDeadLetter -Database $args[0]", Db)).BaseObject;
        Assert.Equal(2, (int)again.AttemptCount); // the replay read the same bytes, so it is the same dead letter
        Assert.Equal(bad, (byte[])again.PayloadBytes);
    }
}
