using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MuseumSync.PowerShell.Tests;

/// <summary>Invoke-MuseumPoll as a user runs it, through the built module: fan-out, profiles, secrets, dumps, the summary variable.</summary>
public sealed class PollPipelineTests : TempFolderTests
{
    private static string Record(string id, string? tier = null) =>
        $$"""{"ObjectID":"{{id}}","title":"Object {{id}}","creation_date_iso":"1889-06-15","rights_statement":"https://creativecommons.org/publicdomain/zero/1.0/"{{(tier is null ? "" : $",\"access_tier\":\"{tier}\"")}}}""";

    /// <summary>The bench's shape: /ids pages of ids with next_cursor, /assets/{id} one record (MS-0007 is invalid, MS-0011 is unknown).</summary>
    private static async Task ServeIdsAsync(HttpContext ctx)
    {
        if (ctx.Request.Path == "/ids")
        {
            var cursor = int.TryParse(ctx.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0;
            var limit = int.Parse(ctx.Request.Query["limit"].ToString(), CultureInfo.InvariantCulture);
            var end = Math.Min(12, cursor + limit);
            var ids = Enumerable.Range(cursor + 1, end - cursor).Select(i => $"MS-{i:D4}");
            await PollTestServer.WriteJsonAsync(ctx, JsonSerializer.Serialize(new { ids, next_cursor = end < 12 ? end.ToString(CultureInfo.InvariantCulture) : null }));
            return;
        }
        var id = ctx.Request.Path.Value!["/assets/".Length..];
        if (id == "MS-0011")
        {
            await PollTestServer.WriteJsonAsync(ctx, "{\"error\":\"not found\"}", 404);
            return;
        }
        await PollTestServer.WriteJsonAsync(ctx, Record(id, id == "MS-0007" ? "secret" : null));
    }

    [Fact]
    public async Task IdFanOut_PipedToSync_StoresEveryRecordAndDeadLettersTheInvalidAndTheMissing()
    {
        await using var server = await PollTestServer.StartAsync(ServeIdsAsync);
        using var ps = PowerShellSession.Create();

        var output = ps.Invoke("""
            param($base, $db)
            Invoke-MuseumPoll -Uri "$base/ids" -ItemUri "$base/assets/{id}" -Source demo -Database $db -PageSize 5 -ThrottleLimit 3 |
                Sync-MuseumRecord -Source demo -Database $db
            """, server.BaseUri.AbsoluteUri.TrimEnd('/'), Db);

        dynamic summary = Assert.Single(output).BaseObject;
        Assert.Equal("Completed", (string)summary.Status);
        Assert.Equal(10L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
        Assert.Equal(2L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM sync_dead_letters"));
        var reasons = string.Join("\n", SqliteInspector.Column(Db, "SELECT reasons FROM sync_dead_letters ORDER BY object_id"));
        Assert.Contains("vocabulary", reasons, StringComparison.Ordinal);
        Assert.Contains("http-404", reasons, StringComparison.Ordinal);
        // A second run resumes at the last id-list page and changes nothing.
        var again = ps.Invoke("""
            param($base, $db)
            Invoke-MuseumPoll -Uri "$base/ids" -ItemUri "$base/assets/{id}" -Source demo -Database $db -PageSize 5 |
                Sync-MuseumRecord -Source demo -Database $db
            """, server.BaseUri.AbsoluteUri.TrimEnd('/'), Db);
        dynamic second = Assert.Single(again).BaseObject;
        Assert.Equal(0L, (long)second.Inserted);
        Assert.Equal(0L, (long)second.Updated);
        Assert.Equal(10L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
    }

    [Fact]
    public async Task MetProfile_AgainstTheRealAnswers_StoresTheMappedFields()
    {
        var fixtures = Path.Combine(TestPaths.SharedDirectory, "fixtures", "api", "met-collection-api");
        var department = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixtures, "department3.json"))).RootElement.GetProperty("objectIDs").EnumerateArray().Take(12).Select(e => e.GetInt32()).ToArray();
        var objectJson = await File.ReadAllTextAsync(Path.Combine(fixtures, "object321412.json"));
        await using var server = await PollTestServer.StartAsync(async ctx =>
        {
            if (ctx.Request.Path == "/objects")
            {
                await PollTestServer.WriteJsonAsync(ctx, JsonSerializer.Serialize(new { total = department.Length, objectIDs = department }));
                return;
            }
            await PollTestServer.WriteJsonAsync(ctx, objectJson.Replace("321412", ctx.Request.Path.Value!.Split('/')[^1], StringComparison.Ordinal));
        });
        using var ps = PowerShellSession.Create();

        ps.Invoke("""
            param($base, $db)
            Invoke-MuseumPoll -Profile Met -Uri "$base/objects" -ItemUri "$base/objects/{id}" -Source met -Database $db -PageSize 5 -SummaryVariable stats |
                Sync-MuseumRecord -Source met -Database $db
            """, server.BaseUri.AbsoluteUri.TrimEnd('/'), Db);

        Assert.Empty(ps.Errors);
        Assert.Equal(12L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records WHERE source = 'met'"));
        Assert.Equal(["74.51.4312"], SqliteInspector.Column(Db, "SELECT DISTINCT accession_number FROM museum_records"));
        Assert.Equal(["https://creativecommons.org/publicdomain/zero/1.0/"], SqliteInspector.Column(Db, "SELECT DISTINCT rights_statement FROM museum_records"));
        // Issue #17: objectBeginDate -1400 and objectEndDate -1300 ("ca. 14th century B.C."), each with its sortable key.
        Assert.Equal(["-1400 -1300 -14000000 -13000000"], SqliteInspector.Column(Db, "SELECT DISTINCT creation_date || ' ' || creation_end_date || ' ' || creation_sort || ' ' || creation_end_sort FROM museum_records"));
        var stats = ps.Invoke("$stats").Single().BaseObject;
        Assert.Equal("MuseumSync.Polling.PollStatistics", stats.GetType().FullName);
        Assert.Equal(13L, (long)((dynamic)stats).Requests);
        Assert.Equal(12L, (long)((dynamic)stats).Records);
        // Met is incremental (metadataDate): the end of the feed stored a watermark; the next run filters by it.
        var watermark = SqliteInspector.Column(Db, "SELECT watermark FROM sync_checkpoints WHERE source = 'met'").Single();
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", watermark);
        ps.Invoke("""
            param($base, $db)
            Invoke-MuseumPoll -Profile Met -Uri "$base/objects" -ItemUri "$base/objects/{id}" -Source met -Database $db | Sync-MuseumRecord -Source met -Database $db
            """, server.BaseUri.AbsoluteUri.TrimEnd('/'), Db);
        var lastList = server.Requests.Last(r => r.PathAndQuery.StartsWith("/objects?", StringComparison.Ordinal) || r.PathAndQuery == "/objects").PathAndQuery;
        Assert.Equal("/objects?metadataDate=" + watermark[..10], lastList);
    }

    [Fact]
    public async Task ApiKeyFromAnEnvironmentVariable_SentButNeverInVerboseErrorsOrTheDatabase()
    {
        const string key = "env-KEY-9f8e7d";
        await using var server = await PollTestServer.StartAsync(async ctx =>
        {
            if (ctx.Request.Query["api_key"] != key)
            {
                ctx.Response.StatusCode = 401;
                return;
            }
            await PollTestServer.WriteJsonAsync(ctx, $$"""{"data":[{{Record("1")}},{"title":"no id"}],"pagination":{"next_url":null} }""");
        });
        Environment.SetEnvironmentVariable("MUSEUMSYNC_TEST_API_KEY", key);
        try
        {
            using var ps = PowerShellSession.Create();
            ps.Invoke("""
                param($base, $db)
                Invoke-MuseumPoll -Uri "$base/objects" -Source keyed -Database $db -ApiKeyVariable MUSEUMSYNC_TEST_API_KEY -ApiKeyIn Query -ApiKeyName api_key -Verbose |
                    Sync-MuseumRecord -Source keyed -Database $db -Verbose
                """, server.BaseUri.AbsoluteUri.TrimEnd('/'), Db);

            Assert.Equal(1L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM museum_records"));
            Assert.Equal(1L, SqliteInspector.Scalar(Db, "SELECT COUNT(*) FROM sync_dead_letters"));
            Assert.NotEmpty(ps.Verbose);
            Assert.DoesNotContain(ps.Verbose, v => v.Contains(key, StringComparison.Ordinal));
            Assert.DoesNotContain(ps.Errors, e => e.ToString().Contains(key, StringComparison.Ordinal));
            var everything = string.Join("\n", SqliteInspector.Column(Db, "SELECT coalesce(source_url,'') || coalesce(position,'') || raw_json FROM museum_records")
                .Concat(SqliteInspector.Column(Db, "SELECT coalesce(source_url,'') || coalesce(position,'') || payload || reasons FROM sync_dead_letters"))
                .Concat(SqliteInspector.Column(Db, "SELECT coalesce(position,'') || coalesce(endpoint,'') FROM sync_checkpoints")));
            Assert.DoesNotContain(key, everything, StringComparison.Ordinal);
            Assert.Contains(ps.Verbose, v => v.Contains("correlation", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MUSEUMSYNC_TEST_API_KEY", null);
        }
    }

    [Fact]
    public void Path_ArtInstituteDumpDirectory_WithTheProfile()
    {
        using var ps = PowerShellSession.Create();
        var dump = Path.Combine(TestPaths.SharedDirectory, "fixtures", "api", "art-institute-of-chicago", "api-data");

        var output = ps.Invoke("""
            param($dump, $db)
            Invoke-MuseumPoll -Path $dump -Profile ArtInstituteOfChicago -Source aic -Database $db | Sync-MuseumRecord -Source aic -Database $db
            """, dump, Db);

        dynamic summary = Assert.Single(output).BaseObject;
        Assert.Equal(1L, (long)summary.Inserted);
        Assert.Equal(["Priest and Boy"], SqliteInspector.Column(Db, "SELECT title FROM museum_records"));
        Assert.Equal(["https://api.artic.edu/api/v1/artworks/4/manifest.json"], SqliteInspector.Column(Db, "SELECT iiif_manifest_url FROM museum_records"));
    }

    [Fact]
    public async Task FieldMapAndPageNumberPaging_FromTheCommandLine()
    {
        await using var server = await PollTestServer.StartAsync(async ctx =>
        {
            var page = int.Parse(ctx.Request.Query["page"].ToString(), CultureInfo.InvariantCulture);
            var items = page <= 2 ? $$"""[{"objectID":{{page * 10 + 1}},"name":"a{{page}}"},{"objectID":{{page * 10 + 2}},"name":"b{{page}}"}]""" : "[]";
            await PollTestServer.WriteJsonAsync(ctx, $$"""{"records":{{items}}}""");
        });
        using var ps = PowerShellSession.Create();

        var records = ps.Invoke("""
            param($base)
            Invoke-MuseumPoll -Uri "$base/objects" -Source x -Paging PageNumber -PageSize 2 -FieldMap @{ ObjectId = 'objectID'; Title = 'name' }
            """, server.BaseUri.AbsoluteUri.TrimEnd('/'));

        Assert.Equal(["11", "12", "21", "22"], records.Select(r => (string)((dynamic)r.BaseObject).ObjectId));
        Assert.All(records, r => Assert.True((bool)((dynamic)r.BaseObject).IsValid));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public void BadFieldMapOrMissingEndpoint_TerminatingInvalidArgument()
    {
        using var ps = PowerShellSession.Create();
        ps.Invoke("Invoke-MuseumPoll -Uri http://127.0.0.1:9/x -Source x -FieldMap @{ Colour = 'c' }");
        var e = Assert.Single(ps.Errors);
        Assert.Contains("ObjectId", e.ToString(), StringComparison.Ordinal);
        Assert.Equal("MuseumPollInvalidArgument,MuseumSync.PowerShell.Commands.InvokeMuseumPollCommand", e.FullyQualifiedErrorId);
        ps.Errors.Clear();
        ps.Invoke("Invoke-MuseumPoll -Profile OaiPmhLido -Source x");
        Assert.Contains("-Uri", Assert.Single(ps.Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerAlwaysFailing_TerminatingErrorNamesTheCorrelationId()
    {
        await using var server = await PollTestServer.StartAsync(ctx =>
        {
            ctx.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        using var ps = PowerShellSession.Create();

        ps.Invoke("param($u) Invoke-MuseumPoll -Uri $u -Source x", server.Url("nothing"));

        var e = Assert.Single(ps.Errors);
        Assert.Equal("MuseumPollHttpError,MuseumSync.PowerShell.Commands.InvokeMuseumPollCommand", e.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        var correlation = server.Requests.Single().Headers["X-Correlation-ID"].ToString();
        Assert.Contains(correlation, e.ToString(), StringComparison.Ordinal);
    }
}
