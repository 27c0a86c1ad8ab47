using Microsoft.AspNetCore.Http;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Issue 13 through the built module: credentials stay with their origin. Two Kestrel servers on two 127.0.0.1 ports;
/// the foreign one counts every request and every credential (header, query, bearer) that reaches it.
/// </summary>
public sealed class CredentialOriginTests : TempFolderTests
{
    private const string Token = "bearer-TOKEN-5e4d3c2b1a";
    private const string TokenVariable = "MUSEUMSYNC_TEST_ORIGIN_TOKEN";

    public CredentialOriginTests() => Environment.SetEnvironmentVariable(TokenVariable, Token);

    protected override void Dispose(bool disposing)
    {
        Environment.SetEnvironmentVariable(TokenVariable, null);
        base.Dispose(disposing);
    }

    private static string Record(string id) =>
        $$"""{"ObjectID":"{{id}}","title":"Object {{id}}","creation_date_iso":"1889-06-15","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"}""";

    private static bool HasToken(HttpContext ctx) => ctx.Request.Headers.Authorization == "Bearer " + Token;

    /// <summary>Every credential that reached <paramref name="server"/>, in any form.</summary>
    private static List<string> CredentialsSeenBy(PollTestServer server) =>
        server.Requests.Where(r => r.Headers.ContainsKey("Authorization") || r.Headers.ContainsKey("X-Api-Key") || r.PathAndQuery.Contains(Token, StringComparison.Ordinal))
            .Select(r => r.PathAndQuery).ToList();

    private static Task<PollTestServer> ForeignAsync() => PollTestServer.StartAsync(ctx => PollTestServer.WriteJsonAsync(ctx, $$"""{"data":[{{Record("foreign-1")}}],"next":null}"""));

    /// <summary>Page 1 links to <paramref name="next"/>; any other page is the last.</summary>
    private static Task<PollTestServer> HomeAsync(Func<string> next) => PollTestServer.StartAsync(async ctx =>
    {
        if (!HasToken(ctx))
        {
            ctx.Response.StatusCode = 401;
            return;
        }
        var first = ctx.Request.Query["page"].Count == 0;
        await PollTestServer.WriteJsonAsync(ctx, $$"""{"data":[{{Record(first ? "home-1" : "home-2")}}],"next":{{(first ? $"\"{next()}\"" : "null")}}}""");
    });

    private string Everything() => string.Join("\n",
        SqliteInspector.Column(Db, "SELECT coalesce(source_url,'') || coalesce(position,'') || raw_json FROM museum_records")
            .Concat(SqliteInspector.Column(Db, "SELECT coalesce(position,'') || coalesce(endpoint,'') FROM sync_checkpoints")));

    [Fact]
    public async Task Pipeline_NextLinkToAnotherOrigin_StopsWithForeignOriginUnderStopAndNothingReachesOrComesFromThere()
    {
        await using var foreign = await ForeignAsync();
        await using var home = await HomeAsync(() => foreign.Url("objects?page=2"));
        using var ps = PowerShellSession.Create();

        var caught = ps.Invoke("""
            param($uri, $db)
            $ErrorActionPreference = 'Stop'
            try {
                Invoke-MuseumPoll -Uri $uri -Source museum -Database $db -BearerTokenVariable MUSEUMSYNC_TEST_ORIGIN_TOKEN -Verbose |
                    Sync-MuseumRecord -Source museum -Database $db
                'no error'
            } catch {
                $_.FullyQualifiedErrorId
                $_.CategoryInfo.Category.ToString()
                $_.Exception.Message
            }
            """, home.Url("objects"), Db).Select(o => o.ToString()).ToList();

        Assert.Equal(3, caught.Count);
        Assert.StartsWith("MuseumPollForeignOrigin,", caught[0], StringComparison.Ordinal);
        Assert.Equal("SecurityError", caught[1]);
        Assert.Contains($"http://127.0.0.1:{foreign.BaseUri.Port}", caught[2], StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{home.BaseUri.Port}", caught[2], StringComparison.Ordinal);
        Assert.Contains("-AllowedOrigin", caught[2], StringComparison.Ordinal);
        Assert.Empty(foreign.Requests);
        if (File.Exists(Db))
        {
            var stored = Everything();
            Assert.DoesNotContain($":{foreign.BaseUri.Port}", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("foreign-1", stored, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(ps.Verbose, v => v.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pipeline_RedirectToAnotherOrigin_RefusedAndNoCredentialForwarded()
    {
        await using var foreign = await ForeignAsync();
        await using var home = await PollTestServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = foreign.Url("objects");
            return Task.CompletedTask;
        });
        Environment.SetEnvironmentVariable("MUSEUMSYNC_TEST_ORIGIN_KEY", "api-KEY-0a1b2c3d4e");
        try
        {
            using var ps = PowerShellSession.Create();

            ps.Invoke("param($uri) Invoke-MuseumPoll -Uri $uri -Source museum -ApiKeyVariable MUSEUMSYNC_TEST_ORIGIN_KEY", home.Url("objects"));

            var e = Assert.Single(ps.Errors);
            Assert.Equal("MuseumPollForeignOrigin,MuseumSync.PowerShell.Commands.InvokeMuseumPollCommand", e.FullyQualifiedErrorId);
            Assert.Empty(foreign.Requests);
            Assert.Empty(CredentialsSeenBy(foreign));
            Assert.DoesNotContain("api-KEY-0a1b2c3d4e", e.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MUSEUMSYNC_TEST_ORIGIN_KEY", null);
        }
    }

    [Fact]
    public async Task Pipeline_ServerEchoesTheTokenIntoItsNextLink_NoCheckpointPositionVerboseLineOrSummaryHoldsItAndARerunChangesNothing()
    {
        PollTestServer? self = null;
        await using var home = await HomeAsync(() => self!.Url($"objects?page=2&access_token={Token}"));
        self = home;
        using var ps = PowerShellSession.Create();
        const string script = """
            param($uri, $db)
            $ErrorActionPreference = 'Stop'
            Invoke-MuseumPoll -Uri $uri -Source museum -Database $db -BearerTokenVariable MUSEUMSYNC_TEST_ORIGIN_TOKEN -Verbose |
                Sync-MuseumRecord -Source museum -Database $db -Verbose
            """;

        var first = ps.Invoke(script, home.Url("objects"), Db);
        var second = ps.Invoke(script, home.Url("objects"), Db);

        Assert.Empty(ps.Errors);
        Assert.Equal(2L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        var summaries = first.Concat(second).Where(o => o.BaseObject.GetType().FullName == "MuseumSync.SyncSummary").ToList();
        Assert.Equal(2, summaries.Count);
        Assert.All(summaries, s => Assert.Equal(home.Url("objects?page=2"), (string)s.Properties["Checkpoint"].Value));
        Assert.Equal(home.Url("objects?page=2"), SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints").Single());
        Assert.DoesNotContain(Token, Everything(), StringComparison.Ordinal);
        Assert.DoesNotContain(ps.Verbose, v => v.Contains(Token, StringComparison.Ordinal));
        // The rerun resumed from the stripped link with the token sent as configured (a header), never in the URL.
        Assert.Equal(["/objects?limit=500", "/objects?page=2&access_token=" + Token, "/objects?page=2"], home.Requests.Select(r => r.PathAndQuery));
        Assert.All(home.Requests, r => Assert.Equal("Bearer " + Token, r.Headers.Authorization.ToString()));
    }

    [Fact]
    public async Task Pipeline_StoredCheckpointOnAnotherOriginWithAToken_RefusedOnResumeAndMaskedInVerbose()
    {
        await using var foreign = await ForeignAsync();
        await using var home = await HomeAsync(() => "unused");
        const string old = "old-access-token-7f6e5d";
        using var ps = PowerShellSession.Create();
        ps.Invoke("param($db, $c) Set-SyncCheckpoint -Source museum -Database $db -Cursor $c -Confirm:$false", Db, foreign.Url($"objects?page=9&access_token={old}"));
        Assert.Empty(ps.Errors);

        ps.Invoke("param($uri, $db) Invoke-MuseumPoll -Uri $uri -Source museum -Database $db -BearerTokenVariable MUSEUMSYNC_TEST_ORIGIN_TOKEN -Verbose", home.Url("objects"), Db);

        var e = Assert.Single(ps.Errors);
        Assert.Equal("MuseumPollForeignOrigin,MuseumSync.PowerShell.Commands.InvokeMuseumPollCommand", e.FullyQualifiedErrorId);
        Assert.Contains("stored checkpoint", e.ToString(), StringComparison.Ordinal);
        Assert.Empty(foreign.Requests);
        Assert.Empty(home.Requests);
        Assert.Contains(ps.Verbose, v => v.Contains("Resuming 'museum'", StringComparison.Ordinal));
        Assert.DoesNotContain(ps.Verbose, v => v.Contains(old, StringComparison.Ordinal));
        Assert.DoesNotContain(old, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeMuseumSync_AllowedOriginKey_FollowsThereAndWithoutItTheSourceFails()
    {
        await using var foreign = await ForeignAsync();
        await using var home = await HomeAsync(() => foreign.Url("objects?page=2"));
        var config = Path.Combine(_dir, "sync.psd1");
        File.WriteAllText(config, $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Sources = @(
                    @{ Name = 'refused'; Uri = '{{home.Url("objects")}}'; BearerTokenVariable = '{{TokenVariable}}' }
                    @{ Name = 'allowed'; Uri = '{{home.Url("objects")}}'; BearerTokenVariable = '{{TokenVariable}}'; AllowedOrigin = @('http://127.0.0.1:{{foreign.BaseUri.Port}}') }
                )
            }
            """);
        using var ps = PowerShellSession.Create();

        var summaries = ps.Invoke("param($c) Invoke-MuseumSync -ConfigPath $c", config)
            .ToDictionary(o => (string)o.Properties["Source"].Value, o => (Status: (string)o.Properties["Status"].Value, Error: o.Properties["Error"].Value as string));

        Assert.Equal("Failed", summaries["refused"].Status);
        Assert.Contains($"http://127.0.0.1:{foreign.BaseUri.Port}", summaries["refused"].Error, StringComparison.Ordinal);
        Assert.Contains("AllowedOrigin", summaries["refused"].Error, StringComparison.Ordinal);
        Assert.Equal("Completed", summaries["allowed"].Status);
        Assert.Equal(["foreign-1", "home-1"], SqliteInspector.Column(Db, "SELECT object_id FROM museum_records WHERE source = 'allowed' ORDER BY object_id"));
        Assert.Equal(0L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records WHERE source = 'refused'"));
        Assert.Single(CredentialsSeenBy(foreign)); // the allowed source's one request; none from the refused one
    }
}
