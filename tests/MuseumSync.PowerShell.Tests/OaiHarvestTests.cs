using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using static MuseumSync.PowerShell.Tests.OaiXml;

namespace MuseumSync.PowerShell.Tests;

/// <summary>
/// OAI-PMH quirks end to end, through the built module under <c>$ErrorActionPreference = 'Stop'</c>: an expired
/// resumptionToken in the checkpoint (mloesch/sickle#19, bloomonkey/oai-harvest#30) and Identify's deletedRecord
/// (https://www.openarchives.org/OAI/openarchivesprotocol.html#Identify) are warnings, never failures.
/// </summary>
public sealed class OaiHarvestTests : TempFolderTests
{
    private static XElement Record(string id) => OaiXml.Record(id, new XElement(Dc + "date", "1899-05-01"));

    /// <summary>A repository of a, b, c in two pages (the token <paramref name="token"/>() names the second); <paramref name="expired"/> tokens answer badResumptionToken; <paramref name="gone"/> adds a deletion of b.</summary>
    private static Func<HttpContext, Task> Repository(string deletedRecord, Func<string, bool> expired, Func<string> token, bool gone = false) => async ctx =>
    {
        ctx.Response.ContentType = "text/xml";
        string body;
        var asked = ctx.Request.Query["resumptionToken"].FirstOrDefault();
        if (ctx.Request.Query["verb"] == "Identify")
        {
            body = Envelope("Identify", Identify(deletedRecord));
        }
        else if (asked is not null && expired(asked))
        {
            body = Envelope("ListRecords", new XElement(Oai + "error", new XAttribute("code", "badResumptionToken"), "expired"));
        }
        else if (asked is null)
        {
            body = Envelope("ListRecords", new XElement(Oai + "ListRecords", Record("a"), Record("b"), new XElement(Oai + "resumptionToken", new XAttribute("completeListSize", 3), token())));
        }
        else
        {
            body = Envelope("ListRecords", new XElement(Oai + "ListRecords", Record("c"), gone ? Deleted("b") : null, new XElement(Oai + "resumptionToken", new XAttribute("completeListSize", 3))));
        }
        await ctx.Response.WriteAsync(body);
    };

    private const string Poll = """
        param($uri, $db)
        $ErrorActionPreference = 'Stop'
        Invoke-MuseumPoll -Profile OaiPmhDublinCore -Uri $uri -Source oai -Database $db @args_ | Sync-MuseumRecord -Source oai -Database $db
        """;

    [Fact]
    public async Task ExpiredTokenInTheCheckpoint_ListStartsOverWithAWarning_AndTheSyncCompletes()
    {
        var expire = false;
        // Yesterday's token t1 has expired by today; today's list hands out t2.
        await using var server = await PollTestServer.StartAsync(Repository("persistent", t => expire && t == "t1", () => expire ? "t2" : "t1"));
        using var ps = PowerShellSession.Create();
        ps.Invoke(Poll.Replace("@args_", "-MaxPages 1", StringComparison.Ordinal), server.Url("oai"), Db);
        Assert.Equal(["t1"], SqliteInspector.Column(Db, "SELECT position FROM sync_checkpoints WHERE source = 'oai'"));
        expire = true;

        dynamic summary = Assert.Single(ps.Invoke(Poll.Replace("@args_", string.Empty, StringComparison.Ordinal), server.Url("oai"), Db)).BaseObject;

        Assert.Empty(ps.Errors);
        Assert.Equal("Completed", (string)summary.Status);
        Assert.Equal(3L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Contains(ps.Warnings, w => w.StartsWith("OAI-PMH warning:", StringComparison.Ordinal) && w.Contains("badResumptionToken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeletedRecordTransient_DeletionAppliedAndWarned()
    {
        await using var server = await PollTestServer.StartAsync(Repository("transient", _ => false, () => "t1", gone: true));
        using var ps = PowerShellSession.Create();

        dynamic summary = Assert.Single(ps.Invoke(Poll.Replace("@args_", string.Empty, StringComparison.Ordinal), server.Url("oai"), Db)).BaseObject;

        Assert.Empty(ps.Errors);
        Assert.Equal("Completed", (string)summary.Status);
        Assert.Equal(["a", "c"], SqliteInspector.Column(Db, "SELECT object_id FROM museum_records ORDER BY object_id"));
        Assert.Single(ps.Warnings, w => w.StartsWith("OAI-PMH warning:", StringComparison.Ordinal) && w.Contains("transient", StringComparison.Ordinal));
    }
}
