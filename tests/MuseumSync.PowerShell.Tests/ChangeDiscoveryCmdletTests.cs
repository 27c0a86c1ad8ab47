using Microsoft.AspNetCore.Http;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Issue #17: a IIIF Change Discovery 1.0 stream (https://iiif.io/api/discovery/1.0/) mirrored through the cmdlets as a
/// scheduled task runs them (<c>$ErrorActionPreference = 'Stop'</c>): <c>Invoke-MuseumSync</c> with the
/// <c>IiifChangeDiscovery</c> profile, and <c>Invoke-MuseumPoll -Paging ChangeDiscovery | Sync-MuseumRecord</c>. The
/// manifests are the real IIIF cookbook fixtures in ../shared/fixtures/iiif.
/// </summary>
public sealed class ChangeDiscoveryCmdletTests : TempFolderTests
{
    private static string Recipe(string name) =>
        File.ReadAllText(Path.Combine(TestPaths.SharedDirectory, "fixtures", "iiif", "valid", "cookbook-recipes", name, "manifest.json"));

    /// <summary>One page: a Create of the cookbook's rights recipe (CC BY-SA), a Create and a later Delete of another manifest.</summary>
    private static Task<PollTestServer> StreamAsync() => StreamServer.StartAsync();

    private static class StreamServer
    {
        public static async Task<PollTestServer> StartAsync()
        {
            PollTestServer? server = null;
            server = await PollTestServer.StartAsync(ctx => HandleAsync(ctx, server!));
            return server;
        }

        private static Task HandleAsync(HttpContext ctx, PollTestServer s) => ctx.Request.Path.Value switch
        {
            "/stream" => PollTestServer.WriteJsonAsync(ctx, $$"""{"id":"{{s.Url("stream")}}","type":"OrderedCollection","last":{"id":"{{s.Url("page/1")}}","type":"OrderedCollectionPage"} }"""),
            "/page/1" => PollTestServer.WriteJsonAsync(ctx, $$"""
                {"id":"{{s.Url("page/1")}}","type":"OrderedCollectionPage","orderedItems":[
                  {"type":"Create","object":{"id":"{{s.Url("iiif/rights.json")}}","type":"Manifest"},"endTime":"2024-05-01T00:01:00Z"},
                  {"type":"Create","object":{"id":"{{s.Url("iiif/withdrawn.json")}}","type":"Manifest"},"endTime":"2024-05-01T00:02:00Z"},
                  {"type":"Delete","object":{"id":"{{s.Url("iiif/withdrawn.json")}}","type":"Manifest"},"endTime":"2024-05-01T00:03:00Z"}
                ]}
                """),
            "/iiif/rights.json" => PollTestServer.WriteJsonAsync(ctx, Recipe("0008-rights")),
            _ => NotFound(ctx),
        };

        private static Task NotFound(HttpContext ctx)
        {
            ctx.Response.StatusCode = 404;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task InvokeMuseumSync_IiifChangeDiscoveryProfile_StoresTheManifestAndTheWatermark()
    {
        await using var server = await StreamAsync();
        var config = Path.Combine(_dir, "sync.psd1");
        File.WriteAllText(config, $$"""
            @{
                Store = @{ Database = 'museum.db' }
                Sources = @( @{ Name = 'iiif'; Profile = 'IiifChangeDiscovery'; Uri = '{{server.Url("stream")}}' } )
            }
            """);
        using var ps = PowerShellSession.Create();

        var output = ps.Invoke("$ErrorActionPreference = 'Stop'; Invoke-MuseumSync -ConfigPath $args[0]", config);

        dynamic s = Assert.Single(output).BaseObject;
        Assert.Equal("Completed", (string)s.Status);
        Assert.Equal(1L, (long)s.Inserted);
        Assert.Equal(0L, (long)s.DeadLettered);
        Assert.Empty(ps.Errors);
        var checkpoint = ps.Invoke("Get-SyncCheckpoint -Source iiif -Database $args[0]", Path.Combine(_dir, "museum.db"));
        Assert.Equal("2024-05-01T00:03:00Z", (string)Assert.Single(checkpoint).Properties["Watermark"].Value);
        Assert.DoesNotContain(server.Requests, r => r.PathAndQuery == "/iiif/withdrawn.json"); // its newest activity is the Delete
    }

    [Fact]
    public async Task InvokeMuseumPoll_PagingChangeDiscovery_PipesIntoSyncMuseumRecord()
    {
        await using var server = await StreamAsync();
        var db = Path.Combine(_dir, "pipe.db");
        using var ps = PowerShellSession.Create();

        var output = ps.Invoke("""
            $ErrorActionPreference = 'Stop'
            Invoke-MuseumPoll -Uri $args[0] -Paging ChangeDiscovery -Source iiif -Database $args[1] | Sync-MuseumRecord -Source iiif -Database $args[1]
            """, server.Url("stream"), db);

        dynamic s = Assert.Single(output).BaseObject;
        Assert.Equal(1L, (long)s.Inserted);
        Assert.Empty(ps.Errors);
        var titles = SqliteInspector.Titles(db, "iiif");
        Assert.Equal("Picture of Göttingen taken during the 2019 IIIF Conference", titles[server.Url("iiif/rights.json")]);
        Assert.Single(titles);
    }
}
