using System.Text;
using Microsoft.AspNetCore.Http;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Issue #17 through Invoke-MuseumSync, as a scheduled task runs it: a truncated feed is Incomplete (dlt-hub/dlt#4428),
/// and the Met's department list (../shared/fixtures/api/met-collection-api/department3.json, a real answer) given
/// without the fan-out is one clear failure, not thousands of dead letters.
/// </summary>
public sealed class FeedOutcomeTests : TempFolderTests
{
    private string WriteConfig(string source)
    {
        var path = Path.Combine(_dir, "sync.psd1");
        File.WriteAllText(path, $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Sources = @( {{source}} )
            }
            """);
        return path;
    }

    private static Task WriteJsonAsync(HttpContext ctx, string json)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(json)).AsTask();
    }

    [Fact]
    public async Task TruncatedCursorFeed_SummaryIsIncomplete_WithAWarning()
    {
        await using var server = await PollTestServer.StartAsync(ctx => WriteJsonAsync(ctx, ctx.Request.Query["cursor"].Count == 0
            ? """{"total":9,"next_cursor":"c2","data":[{"ObjectID":"1","title":"A","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"},{"ObjectID":"2","title":"B","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"}]}"""
            : """{"total":9,"next_cursor":null,"data":[{"ObjectID":"3","title":"C","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"}]}"""));
        var config = WriteConfig($"@{{ Name = 'feed'; Uri = '{server.Url("objects")}'; Paging = 'BodyCursor'; NextPath = 'next_cursor'; ItemsPath = 'data' }}");
        using var ps = PowerShellSession.Create();

        var output = ps.Invoke("$ErrorActionPreference = 'Stop'; Invoke-MuseumSync -ConfigPath $args[0]", config);

        dynamic s = Assert.Single(output).BaseObject;
        Assert.Equal("Incomplete", (string)s.Status);
        Assert.Equal(3L, (long)s.Inserted);
        Assert.Contains("9 records", (string)s.Error, StringComparison.Ordinal);
        Assert.Contains(ps.Warnings, w => w.Contains("9 records", StringComparison.Ordinal));
        Assert.Empty(ps.Errors);
    }

    [Fact]
    public async Task MetDepartmentList_WithoutTheFanOut_FailsOnceAndDeadLettersNothing()
    {
        var body = await File.ReadAllTextAsync(Path.Combine(TestPaths.SharedDirectory, "fixtures", "api", "met-collection-api", "department3.json"));
        await using var server = await PollTestServer.StartAsync(ctx => WriteJsonAsync(ctx, body));
        var config = WriteConfig($"@{{ Name = 'met'; Profile = 'Met'; Uri = '{server.Url("public/collection/v1/objects?departmentIds=3")}' }}");
        using var ps = PowerShellSession.Create();

        var output = ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", config);

        dynamic s = Assert.Single(output).BaseObject;
        Assert.Equal("Failed", (string)s.Status);
        Assert.Contains("ID list", (string)s.Error, StringComparison.Ordinal);
        Assert.Contains("-ItemUri", (string)s.Error, StringComparison.Ordinal);
        Assert.Equal(0L, (long)s.DeadLettered);
        Assert.Single(server.Requests);
    }
}
