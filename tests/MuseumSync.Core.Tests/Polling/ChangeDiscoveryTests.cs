using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MuseumSync.Auth;
using MuseumSync.Paging;
using MuseumSync.Polling;
using MuseumSync.Run;
using MuseumSync.Storage;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>
/// Issue #17: IIIF Change Discovery API 1.0 (https://iiif.io/api/discovery/1.0/, §3.5's processing algorithm) as a paging
/// style. A Kestrel server on 127.0.0.1 serves an ActivityStreams OrderedCollection of three pages with every activity
/// type, and manifests whose bodies are the real IIIF cookbook fixtures in ../shared/fixtures/iiif; a second server is an
/// allowed manifest host on another origin. The sync goes through <see cref="SyncRun"/> into SQLite.
/// </summary>
public sealed class ChangeDiscoveryTests : IAsyncLifetime, IDisposable
{
    private const string Key = "CD-KEY-7781";
    private static readonly DateTimeOffset s_t0 = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ms-cd-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _manifestHits = new();
    private readonly ConcurrentQueue<string> _foreignHeaders = new();
    private readonly ConcurrentQueue<SyncEvent> _events = new();
    private TestApiServer _stream = null!;
    private TestApiServer _foreign = null!;

    /// <summary>1: only page 1 exists yet; 2: pages 1 to 3.</summary>
    private volatile int _version = 1;

    /// <summary>A manifest path that answers 500 (a source failing mid-run); null for none.</summary>
    private volatile string? _failing;

    public ChangeDiscoveryTests() => Directory.CreateDirectory(_dir);

    private static string Fixture(string recipe, string file = "manifest.json") =>
        File.ReadAllText(Path.Combine(TestPaths.SharedDirectory!, "fixtures", "iiif", "valid", "cookbook-recipes", recipe, file));

    /// <summary>The cookbook's 0057 recipe publishes a Presentation 2 manifest beside its 3.0 one (kept with the invalid 3.0 fixtures).</summary>
    private static string V2Fixture() =>
        File.ReadAllText(Path.Combine(TestPaths.SharedDirectory!, "fixtures", "iiif", "invalid", "cookbook-recipes", "0057-publishing-v2-and-v3", "manifest-v2.json"));

    private static readonly Dictionary<string, Func<string>> s_manifests = new(StringComparer.Ordinal)
    {
        ["rights"] = () => Fixture("0008-rights"),
        ["meta"] = () => Fixture("0029-metadata-anywhere"),
        ["meta-moved"] = () => Fixture("0029-metadata-anywhere"),
        ["single"] = () => Fixture("0001-mvm-image"),
        ["old"] = V2Fixture,
    };

    public async Task InitializeAsync()
    {
        _foreign = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            _foreignHeaders.Enqueue(string.Join("; ", ctx.Request.Headers.Select(h => h.Key + "=" + h.Value)) + " " + ctx.Request.QueryString);
            await WriteJsonAsync(ctx, Fixture("0234-provider"));
        });
        _stream = await TestApiServer.StartAsync(HandleAsync);
    }

    public async Task DisposeAsync()
    {
        await _stream.DisposeAsync();
        await _foreign.DisposeAsync();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string M(string name) => _stream.Url("iiif/" + name + ".json").AbsoluteUri;

    private static object Activity(string type, string objectId, int minutes, string objectType = "Manifest", string? target = null) => target is null
        ? new { type, @object = new { id = objectId, type = objectType }, endTime = s_t0.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) }
        : new { type, @object = new { id = objectId, type = objectType }, target = new { id = target, type = objectType }, endTime = s_t0.AddMinutes(minutes).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>Page 1 holds the oldest activities, page 3 the newest (§2.2: the most recent last).</summary>
    private object[] Page(int n) => n switch
    {
        1 => [Activity("Create", M("rights"), 1), Activity("Create", M("meta"), 2), Activity("Create", M("single"), 3), Activity("Create", M("old"), 4)],
        2 => [Activity("Update", M("rights"), 5), Activity("Delete", M("single"), 6), Activity("Move", M("meta"), 7, target: M("meta-moved")), Activity("Create", _stream.Url("iiif/collection-1.json").AbsoluteUri, 8, "Collection")],
        _ => [Activity("Create", _foreign.Url("manifests/provider.json").AbsoluteUri, 9), Activity("Update", M("old"), 10)],
    };

    private async Task HandleAsync(HttpContext ctx, int number)
    {
        var path = ctx.Request.Path.Value!;
        var last = _version == 1 ? 1 : 3;
        if (path == "/activity/all-changes")
        {
            await WriteJsonAsync(ctx, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["@context"] = "http://iiif.io/api/discovery/1/context.json",
                ["id"] = _stream.Url("activity/all-changes").AbsoluteUri,
                ["type"] = "OrderedCollection",
                ["first"] = new { id = _stream.Url("activity/page-1").AbsoluteUri, type = "OrderedCollectionPage" },
                ["last"] = new { id = _stream.Url("activity/page-" + last).AbsoluteUri, type = "OrderedCollectionPage" },
            }), contentType: "application/ld+json");
            return;
        }
        if (path.StartsWith("/activity/page-", StringComparison.Ordinal))
        {
            var n = int.Parse(path["/activity/page-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var page = new Dictionary<string, object>
            {
                ["@context"] = "http://iiif.io/api/discovery/1/context.json",
                ["id"] = _stream.Url("activity/page-" + n).AbsoluteUri,
                ["type"] = "OrderedCollectionPage",
                ["partOf"] = new { id = _stream.Url("activity/all-changes").AbsoluteUri, type = "OrderedCollection" },
                ["orderedItems"] = Page(n),
            };
            if (n > 1) page["prev"] = new { id = _stream.Url("activity/page-" + (n - 1)).AbsoluteUri, type = "OrderedCollectionPage" };
            if (n < last) page["next"] = new { id = _stream.Url("activity/page-" + (n + 1)).AbsoluteUri, type = "OrderedCollectionPage" };
            await WriteJsonAsync(ctx, JsonSerializer.Serialize(page), contentType: "application/ld+json");
            return;
        }
        if (path.StartsWith("/iiif/", StringComparison.Ordinal) && s_manifests.TryGetValue(path["/iiif/".Length..^".json".Length], out var body))
        {
            _manifestHits.Enqueue(path);
            if (path == _failing)
            {
                ctx.Response.StatusCode = 500;
                return;
            }
            await WriteJsonAsync(ctx, body());
            return;
        }
        ctx.Response.StatusCode = 404;
    }

    private StoreOptions Store => new() { Provider = StoreProvider.Sqlite, Database = Path.Combine(_dir, "museum.db") };

    private SyncSettings Settings() => new()
    {
        Source = "getty",
        Uri = _stream.Url("activity/all-changes"),
        Paging = PagingStyle.ChangeDiscovery,
        PageSize = 2,
        BatchSize = 2,
        SkipCompliance = true,
        ForceDeletes = true, // run 2 deletes 2 of 4 rows on purpose
        MaxRetries = 0,
        ApiKey = Secret.FromPlainText(Key),
        ApiKeyName = "X-Api-Key",
        ApiKeyIn = ApiKeyLocation.Header,
        AllowedOrigins = [new Uri(_foreign.BaseUri.GetLeftPart(UriPartial.Authority))],
    };

    private async Task<SyncSummary> RunAsync(SyncSettings settings)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var store = await SyncStoreFactory.OpenAndInitializeAsync(Store, cts.Token);
        await using var storeScope = store;
        await using var run = new SyncRun(settings, store, Store, SyncEventSinks.From(_events.Enqueue));
        return await run.RunAsync(loadRules: null, cts.Token);
    }

    private async Task<(Dictionary<string, MuseumRecord> Rows, SyncCheckpoint? Checkpoint)> StoredAsync()
    {
        var store = await SyncStoreFactory.OpenAsync(Store, create: false, CancellationToken.None);
        await using var storeScope = store;
        var rows = new Dictionary<string, MuseumRecord>(StringComparer.Ordinal);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Store.Database};Mode=ReadOnly"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT object_id, title, rights_statement, iiif_manifest_url, media_url, raw_json, creation_date FROM museum_records WHERE source = 'getty'";
            using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows[reader.GetString(0)] = new MuseumRecord
                {
                    Source = "getty", ObjectId = reader.GetString(0), Title = reader.GetString(1),
                    RightsStatement = reader.IsDBNull(2) ? null : reader.GetString(2), IiifManifestUrl = reader.IsDBNull(3) ? null : reader.GetString(3),
                    MediaUrl = reader.IsDBNull(4) ? null : reader.GetString(4), RawJson = reader.GetString(5), CreationDate = reader.IsDBNull(6) ? null : reader.GetString(6),
                };
            }
        }
        var checkpoints = await store.GetCheckpointsAsync("getty", CancellationToken.None);
        return (rows, checkpoints.Count > 0 ? checkpoints[0] : null);
    }

    [Fact]
    public async Task Sync_EveryActivityType_NewestPerObjectApplied_WatermarkMovesWithTheLastBatch()
    {
        var first = await RunAsync(Settings());

        Assert.Equal("Completed", first.Status);
        var (rows, checkpoint) = await StoredAsync();
        Assert.Equal(new[] { M("meta"), M("old"), M("rights"), M("single") }, rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2024-05-01T00:04:00Z", checkpoint!.Watermark);
        Assert.Null(checkpoint.Cursor);
        // The manifest mapping: label, rights, the "Date" metadata row when it is ISO 8601, a 2.x label, the painted image.
        var rights = rows[M("rights")];
        Assert.Equal("Picture of Göttingen taken during the 2019 IIIF Conference", rights.Title);
        Assert.Equal("http://creativecommons.org/licenses/by-sa/3.0/", rights.RightsStatement);
        Assert.Equal(M("rights"), rights.IiifManifestUrl);
        Assert.StartsWith("https://iiif.io/api/image/3.0/example/reference/918ecd18c2592080851777620de9bcb5-gottingen", rights.MediaUrl, StringComparison.Ordinal);
        Assert.Contains("\"requiredStatement\"", rights.RawJson, StringComparison.Ordinal);
        Assert.Equal("John Dee performing an experiment before Queen Elizabeth I.", rows[M("meta")].Title);
        Assert.Equal("IIIF Presentation Version 3 Minimum Viable Manifest", rows[M("old")].Title);

        _version = 2;
        _manifestHits.Clear();
        var second = await RunAsync(Settings());

        Assert.Equal("Completed", second.Status);
        (rows, checkpoint) = await StoredAsync();
        // Update rights (fetched again); Delete single; Move meta -> meta-moved; a Collection skipped; a Create on the allowed host; Update old.
        var foreign = _foreign.Url("manifests/provider.json").AbsoluteUri;
        Assert.Equal(new[] { foreign, M("meta-moved"), M("old"), M("rights") }.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Playbill Cover", rows[foreign].Title);
        Assert.Equal(2, second.Deleted);
        Assert.Equal("2024-05-01T00:10:00Z", checkpoint!.Watermark);
        Assert.Null(checkpoint.Cursor);
        Assert.Equal(new[] { "/iiif/meta-moved.json", "/iiif/old.json", "/iiif/rights.json" }, _manifestHits.Order(StringComparer.Ordinal));
        // The stream was read back to the watermark and no further: page 1 holds the activity at the watermark, page 1's older ones are not applied.
        Assert.DoesNotContain("/iiif/single.json", _manifestHits);
        // The source's key went to the stream's origin, never to the manifest host on another origin.
        Assert.NotEmpty(_foreignHeaders);
        Assert.All(_foreignHeaders, h => Assert.DoesNotContain(Key, h, StringComparison.Ordinal));
        Assert.DoesNotContain(_events, e => e.Message.Contains(Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_KilledMidRun_ResumesAfterTheLastCommittedBatch_NothingLostNothingTwice()
    {
        await RunAsync(Settings());
        _version = 2;
        _manifestHits.Clear();
        _failing = "/iiif/meta-moved.json"; // batch 2 of 3 (changes sorted by time: rights, single-, meta-, meta-moved, provider, old)

        await Assert.ThrowsAsync<MuseumPollException>(() => RunAsync(Settings()));

        var (rows, checkpoint) = await StoredAsync();
        Assert.Equal("2024-05-01T00:04:00Z", checkpoint!.Watermark); // the watermark waits for the last batch
        Assert.StartsWith("cd:2024-05-01T00:06:00.0000000Z ", checkpoint.Cursor, StringComparison.Ordinal);
        Assert.DoesNotContain(M("single"), rows.Keys); // batch 1 (Update rights, Delete single) is in
        Assert.Contains(M("meta"), rows.Keys); // batch 2 is not

        _failing = null;
        _manifestHits.Clear();
        var resumed = await RunAsync(Settings());

        Assert.Equal("Completed", resumed.Status);
        (rows, checkpoint) = await StoredAsync();
        var foreign = _foreign.Url("manifests/provider.json").AbsoluteUri;
        Assert.Equal(new[] { foreign, M("meta-moved"), M("old"), M("rights") }.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2024-05-01T00:10:00Z", checkpoint!.Watermark);
        Assert.Null(checkpoint.Cursor);
        // The committed batch is not fetched again: rights was applied once, before the failure.
        Assert.Equal(new[] { "/iiif/meta-moved.json", "/iiif/old.json" }, _manifestHits.Order(StringComparer.Ordinal));
    }
}

/// <summary>IIIF Change Discovery streams that are broken or special, polled without a store: loops, limits, origins, Refresh.</summary>
public sealed class ChangeDiscoveryStreamTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static string Manifest() =>
        File.ReadAllText(Path.Combine(TestPaths.SharedDirectory!, "fixtures", "iiif", "valid", "cookbook-recipes", "0001-mvm-image", "manifest.json"));

    private static string Time(int minutes) =>
        new DateTimeOffset(2024, 5, 1, 0, minutes, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A stream whose pages <paramref name="pages"/> gives (orderedItems JSON and prev page number, 0 for none); /m/* serves a manifest.</summary>
    private static Task<TestApiServer> StreamAsync(int last, Func<TestApiServer, int, (string Items, int Prev)> pages)
    {
        TestApiServer? server = null;
        var task = TestApiServer.StartAsync(async (ctx, _) =>
        {
            var path = ctx.Request.Path.Value!;
            var s = server!;
            if (path == "/stream")
            {
                await WriteJsonAsync(ctx, $$"""{"id":"{{s.Url("stream")}}","type":"OrderedCollection","last":{"id":"{{s.Url("page/" + last)}}","type":"OrderedCollectionPage"} }""");
            }
            else if (path.StartsWith("/page/", StringComparison.Ordinal))
            {
                var (items, prev) = pages(s, int.Parse(path[6..], System.Globalization.CultureInfo.InvariantCulture));
                var prevLink = prev == 0 ? string.Empty : $$""","prev":{"id":"{{s.Url("page/" + prev)}}","type":"OrderedCollectionPage"}""";
                await WriteJsonAsync(ctx, $$"""{"id":"{{s.Url(path[1..])}}","type":"OrderedCollectionPage"{{prevLink}},"orderedItems":[{{items}}]}""");
            }
            else if (path.StartsWith("/m/", StringComparison.Ordinal))
            {
                await WriteJsonAsync(ctx, Manifest());
            }
            else if (path.StartsWith("/object/", StringComparison.Ordinal))
            {
                // A Linked Art record as the Getty serves them (https://data.getty.edu/museum/collection/docs/).
                await WriteJsonAsync(ctx, $$"""{"@context":"https://linked.art/ns/v1/linked-art.json","id":"{{s.Url(path[1..])}}","type":"HumanMadeObject","_label":"Irises"}""", contentType: "application/ld+json");
            }
            else
            {
                ctx.Response.StatusCode = 404;
            }
        });
        return task.ContinueWith(t => server = t.Result, TaskScheduler.Default);
    }

    private static string Act(string type, string id, int minutes, string objectType = "Manifest") =>
        $$"""{"type":"{{type}}","object":{"id":"{{id}}","type":"{{objectType}}"},"endTime":"{{Time(minutes)}}"}""";

    private static PollRequest Request(TestApiServer server, DateTimeOffset? since = null, int maxPerPage = 10_000, IReadOnlyList<Uri>? allowed = null) => new()
    {
        Uri = server.Url("stream"),
        Source = "cd",
        Paging = PagingStyle.ChangeDiscovery,
        Since = since,
        MaxActivitiesPerPage = maxPerPage,
        AllowedOrigins = allowed ?? [],
        Resilience = FastResilience(retries: 0),
    };

    [Fact]
    public async Task Poll_PrevLinksInACircle_StopsWithAnErrorNamingThePages()
    {
        await using var server = await StreamAsync(2, (s, n) => (Act("Update", s.Url("m/" + n).AbsoluteUri, n), n == 2 ? 1 : 2));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server)));

        Assert.Equal("MuseumPollChangeDiscovery", ex.ErrorId);
        Assert.Contains("goes in a circle", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"the page {server.Url("page/1")} names {server.Url("page/2")} as its prev page", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.RequestCount); // the collection and its two pages, nothing fetched or applied
    }

    [Fact]
    public async Task Poll_PageWithMoreActivitiesThanAllowed_StopsSayingWhereAndWhichLimit()
    {
        await using var server = await StreamAsync(1, (s, _) => (string.Join(',', Enumerable.Range(1, 3).Select(i => Act("Create", s.Url("m/" + i).AbsoluteUri, i))), 0));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server, maxPerPage: 2)));

        Assert.Contains($"{server.Url("page/1")} lists 3 activities, more than the 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxActivitiesPerPage", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_ManifestOnAnotherOrigin_RefusedUnlessAllowed()
    {
        var hits = 0;
        await using var elsewhere = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            Interlocked.Increment(ref hits);
            await WriteJsonAsync(ctx, Manifest());
        });
        await using var server = await StreamAsync(1, (_, _) => (Act("Create", elsewhere.Url("m/1").AbsoluteUri, 1), 0));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server)));

        Assert.Equal("MuseumPollForeignOrigin", ex.ErrorId);
        Assert.Contains("-AllowedOrigin", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref hits));

        var allowed = await PollAllAsync(Poller(_http, new InstantTime()), Request(server, allowed: [new Uri(elsewhere.BaseUri.GetLeftPart(UriPartial.Authority))]));

        Assert.Equal("Single Image Example", Assert.Single(allowed).Title);
        Assert.Equal(1, Volatile.Read(ref hits));
    }

    [Fact]
    public async Task Poll_Refresh_EndsAFirstHarvest_AndLetsOnlyDeletionsThroughOnALaterOne()
    {
        // §2.1.5 and §3.5.2: a Refresh (timed by startTime) precedes the re-announcement of every resource.
        await using var server = await StreamAsync(1, (s, _) => (string.Join(',',
            Act("Create", s.Url("m/a").AbsoluteUri, 1),
            Act("Create", s.Url("m/b").AbsoluteUri, 2),
            Act("Delete", s.Url("m/gone").AbsoluteUri, 3),
            """{"type":"Refresh","startTime":"2024-05-01T00:04:00Z"}""",
            Act("Update", s.Url("m/a").AbsoluteUri, 5),
            Act("Update", s.Url("m/c").AbsoluteUri, 6)), 0));

        var first = await PollAllAsync(Poller(_http, new InstantTime()), Request(server));

        Assert.Equal(new[] { server.Url("m/a").AbsoluteUri, server.Url("m/c").AbsoluteUri }, Ids(first));
        Assert.All(first, r => Assert.False(r.IsDeleted));
        Assert.Equal("2024-05-01T00:06:00Z", first[^1].Watermark);
        Assert.True(first[^1].EndOfFeed);

        var later = await PollAllAsync(Poller(_http, new InstantTime()), Request(server, since: new DateTimeOffset(2024, 5, 1, 0, 0, 30, TimeSpan.Zero)));

        Assert.Equal(new[] { server.Url("m/gone").AbsoluteUri, server.Url("m/a").AbsoluteUri, server.Url("m/c").AbsoluteUri }, Ids(later));
        Assert.True(later[0].IsDeleted); // the Delete before the Refresh; b's Create there is not applied again
        Assert.DoesNotContain(server.Url("m/b").AbsoluteUri, Ids(later));
    }

    [Fact]
    public async Task Poll_GettyProfile_LinkedArtObjectsMappedWithItsFieldMap_OtherTypesSkipped()
    {
        await using var server = await StreamAsync(1, (s, _) => (string.Join(',',
            Act("Create", s.Url("object/1").AbsoluteUri, 1, "HumanMadeObject"),
            Act("Create", s.Url("person/9").AbsoluteUri, 2, "Person")), 0));
        var getty = MuseumSync.Profiles.SourceProfiles.Getty;

        var records = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest
        {
            Uri = server.Url("stream"), Source = "getty", Paging = getty.Paging, DiscoveryObjectTypes = getty.DiscoveryObjectTypes!, FieldMap = getty.FieldMap,
            Resilience = FastResilience(retries: 0),
        });

        var irises = Assert.Single(records);
        Assert.True(irises.IsValid, string.Join("; ", irises.Issues));
        Assert.Equal((server.Url("object/1").AbsoluteUri, "Irises", "https://creativecommons.org/publicdomain/zero/1.0/"), (irises.ObjectId, irises.Title, irises.RightsStatement));
        Assert.DoesNotContain(server.Requests, r => r.PathAndQuery.StartsWith("/person/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Poll_NotAnOrderedCollection_SaysWhereToPointUri()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => WriteJsonAsync(ctx, Manifest()));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server)));

        Assert.Equal("MuseumPollChangeDiscovery", ex.ErrorId);
        Assert.Contains("is not an ActivityStreams OrderedCollection (its type is 'Manifest')", ex.Message, StringComparison.Ordinal);
    }
}
