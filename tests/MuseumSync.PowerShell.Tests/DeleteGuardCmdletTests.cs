using System.Management.Automation;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using static MuseumSync.PowerShell.Tests.OaiXml;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// Issue #17's safe deletes end to end, through the built module: a source that suddenly reports a large share of its
/// records deleted (a source that lost its data wiped mirrors, geonetwork#419) stops the sync before anything is
/// deleted, under <c>$ErrorActionPreference = 'Stop'</c>, unless <c>-ForceDeletes</c>, <c>-MaxDeletePercent</c> or the
/// config keys of the same names let it through.
/// </summary>
public sealed class DeleteGuardCmdletTests : TempFolderTests
{
    private static readonly string[] s_ids = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

    private static XElement Record(string id, bool deleted) => deleted ? Deleted(id) : OaiXml.Record(id);

    /// <summary>A repository of ten records (deletedRecord persistent); once <paramref name="lost"/>() is true it reports h, i and j deleted.</summary>
    private static Func<HttpContext, Task> Repository(Func<bool> lost) => async ctx =>
    {
        ctx.Response.ContentType = "text/xml";
        var body = ctx.Request.Query["verb"] == "Identify"
            ? Envelope("Identify", Identify("persistent"))
            : Envelope("ListRecords", new XElement(Oai + "ListRecords", s_ids.Select(id => Record(id, lost() && id is "h" or "i" or "j"))));
        await ctx.Response.WriteAsync(body);
    };

    private const string Sync = """
        param($uri, $db)
        $ErrorActionPreference = 'Stop'
        try { Invoke-MuseumPoll -Profile OaiPmhDublinCore -Uri $uri -Source oai -Database $db | Sync-MuseumRecord -Source oai -Database $db @args_ | Out-Null; 'no error' } catch { $_ }
        """;

    private List<string> Rows() => SqliteInspector.Column(Db, "SELECT object_id FROM museum_records ORDER BY object_id").Select(v => v!).ToList();

    [Fact]
    public async Task SyncMuseumRecord_ThreeOfTenReportedDeleted_StopsBeforeDeleting_UntilForcedOrAllowed()
    {
        var lost = false;
        await using var server = await PollTestServer.StartAsync(Repository(() => lost));
        using var ps = PowerShellSession.Create();
        Assert.Equal("no error", Assert.Single(ps.Invoke(Sync.Replace("@args_", string.Empty, StringComparison.Ordinal), server.Url("oai"), Db)).BaseObject);
        Assert.Equal(s_ids, Rows());
        var checkpoint = SqliteInspector.Column(Db, "SELECT watermark FROM sync_checkpoints WHERE source = 'oai'").Single();
        lost = true;

        var error = Assert.IsType<ErrorRecord>(Assert.Single(ps.Invoke(Sync.Replace("@args_", string.Empty, StringComparison.Ordinal), server.Url("oai"), Db)).BaseObject);

        // The cmdlet's terminating error carries the documented id, category and exception.
        Assert.StartsWith("SyncDeleteThreshold,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Equal("MuseumSync.SyncDeleteThresholdException", error.Exception.GetType().FullName);
        Assert.Contains("Source 'oai': this run would delete 3 of its 10 rows", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-ForceDeletes", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(s_ids, Rows());
        Assert.Equal(checkpoint, SqliteInspector.Column(Db, "SELECT watermark FROM sync_checkpoints WHERE source = 'oai'").Single());

        // A share under the limit asked for goes through.
        Assert.Equal("no error", Assert.Single(ps.Invoke(Sync.Replace("@args_", "-MaxDeletePercent 30", StringComparison.Ordinal), server.Url("oai"), Db)).BaseObject);
        Assert.Equal(s_ids[..7], Rows());
    }

    [Fact]
    public async Task SyncMuseumRecord_ForceDeletes_DeletesWhatTheSourceReports()
    {
        var lost = false;
        await using var server = await PollTestServer.StartAsync(Repository(() => lost));
        using var ps = PowerShellSession.Create();
        ps.Invoke(Sync.Replace("@args_", string.Empty, StringComparison.Ordinal), server.Url("oai"), Db);
        lost = true;

        Assert.Equal("no error", Assert.Single(ps.Invoke(Sync.Replace("@args_", "-ForceDeletes", StringComparison.Ordinal), server.Url("oai"), Db)).BaseObject);

        Assert.Equal(s_ids[..7], Rows());
    }

    [Fact]
    public async Task InvokeMuseumSync_ConfigKeys_MaxDeletePercentAndForceDeletes()
    {
        var lost = false;
        await using var server = await PollTestServer.StartAsync(Repository(() => lost));
        string Config(string keys)
        {
            var path = Path.Combine(_dir, "sync.psd1");
            File.WriteAllText(path, $$"""
                @{
                    Store = @{ Database = 'museum.db' }
                    Sources = @( @{ Name = 'oai'; Profile = 'OaiPmhDublinCore'; Uri = '{{server.Url("oai")}}'{{keys}} } )
                }
                """);
            return path;
        }
        using var ps = PowerShellSession.Create();
        Assert.Equal("Completed", (string)((dynamic)Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", Config(string.Empty))).BaseObject).Status);
        lost = true;

        dynamic refused = Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0] -ErrorAction SilentlyContinue", Config("; MaxDeletePercent = 20"))).BaseObject;
        Assert.Equal("Failed", (string)refused.Status);
        Assert.Contains("would delete 3 of its 10 rows", (string)refused.Error, StringComparison.Ordinal);
        Assert.Contains("more than the 20%", (string)refused.Error, StringComparison.Ordinal);
        Assert.Equal(10, Rows().Count);

        dynamic forced = Assert.Single(ps.Invoke("Invoke-MuseumSync -ConfigPath $args[0]", Config("; ForceDeletes = $true"))).BaseObject;
        Assert.Equal("Completed", (string)forced.Status);
        Assert.Equal(s_ids[..7], Rows());
    }
}
