using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using MuseumSync.Auth;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Http;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Http;

/// <summary>
/// Issue 13, credentials stay with their origin: two real servers on two 127.0.0.1 ports. The home server is the
/// configured endpoint; the foreign one records every request and every credential (header, query, bearer) it gets.
/// </summary>
public sealed class CredentialOriginTests : IDisposable
{
    private const string Key = "k3y-of-the-museum-4711";
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    /// <summary>A server that answers one record per request and notes what reached it.</summary>
    private sealed class Foreign : IAsyncDisposable
    {
        private Foreign(TestApiServer server) => Server = server;

        public TestApiServer Server { get; }

        public ConcurrentQueue<string> Credentials { get; } = new();

        public Uri Origin => new(Server.BaseUri.GetLeftPart(UriPartial.Authority));

        public static async Task<Foreign> StartAsync()
        {
            Foreign? self = null;
            var server = await TestApiServer.StartAsync(async (ctx, _) =>
            {
                var seen = self!.Credentials;
                if (ctx.Request.Headers.TryGetValue("X-Api-Key", out var k)) seen.Enqueue("header " + k);
                if (ctx.Request.Headers.Authorization.Count > 0) seen.Enqueue("authorization " + ctx.Request.Headers.Authorization);
                if (ctx.Request.QueryString.Value?.Contains(Key, StringComparison.Ordinal) == true || ctx.Request.Path.Value!.Contains(Key, StringComparison.Ordinal))
                {
                    seen.Enqueue("url " + ctx.Request.Path + ctx.Request.QueryString);
                }
                await TestApiServer.WriteLinesAsync(ctx, [Line("foreign-1")]);
            });
            self = new Foreign(server);
            return self;
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    public static TheoryData<string> AuthKinds => ["header", "query", "bearer"];

    private static IRequestAuthenticator Auth(string kind) => kind switch
    {
        "header" => new ApiKeyAuthenticator(Secret.FromPlainText(Key)),
        "query" => new ApiKeyAuthenticator(Secret.FromPlainText(Key), "api_key", ApiKeyLocation.Query),
        _ => new BearerTokenAuthenticator(Secret.FromPlainText(Key)),
    };

    /// <summary>True when the request carries the key the configured way.</summary>
    private static bool HasCredential(HttpContext ctx, string kind) => kind switch
    {
        "header" => ctx.Request.Headers["X-Api-Key"] == Key,
        "query" => ctx.Request.Query["api_key"] == Key,
        _ => ctx.Request.Headers.Authorization == "Bearer " + Key,
    };

    private static PollRequest Request(Uri uri, string auth, string? start = null, IReadOnlyList<Uri>? allowed = null) => new()
    {
        Uri = uri,
        Source = "museum",
        StartPosition = start,
        Authenticator = Auth(auth),
        Resilience = FastResilience(retries: 1),
        AllowedOrigins = allowed ?? [],
    };

    private static void AssertNoSecret(IEnumerable<MuseumRecord> records, IEnumerable<string> log, string secret)
    {
        Assert.All(records, r =>
        {
            Assert.DoesNotContain(secret, r.Position ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, r.ResumePosition ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, r.SourceUrl ?? string.Empty, StringComparison.Ordinal);
        });
        Assert.All(log, m => Assert.DoesNotContain(secret, m, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("header", "body")]
    [InlineData("query", "body")]
    [InlineData("bearer", "body")]
    [InlineData("header", "scheme-relative")]
    [InlineData("query", "scheme-relative")]
    [InlineData("bearer", "scheme-relative")]
    [InlineData("header", "link")]
    [InlineData("query", "link")]
    [InlineData("bearer", "link")]
    [InlineData("bearer", "x-next-cursor")]
    public async Task PollAsync_NextLinkToAnotherOrigin_StopsWithForeignOriginAndNoCredentialLeaves(string auth, string form)
    {
        await using var foreign = await Foreign.StartAsync();
        var elsewhere = foreign.Server.Url("objects?page=2");
        await using var home = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            switch (form)
            {
                case "body":
                    await WriteJsonAsync(ctx, $$"""{"data":[{{Line("home-1")}}],"next":"{{elsewhere}}"}""");
                    return;
                case "scheme-relative":
                    await WriteJsonAsync(ctx, $$"""{"data":[{{Line("home-1")}}],"next":"//{{elsewhere.Authority}}{{elsewhere.PathAndQuery}}"}""");
                    return;
                case "link":
                    ctx.Response.Headers.Link = $"<{elsewhere}>; rel=\"next\"";
                    break;
                default:
                    ctx.Response.Headers["X-Next-Cursor"] = elsewhere.AbsoluteUri;
                    break;
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("home-1")]);
        });

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(home.Url("objects"), auth)));

        Assert.Equal(OriginPolicy.ErrorId, ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Contains(OriginPolicy.OriginOf(elsewhere), ex.Message, StringComparison.Ordinal);
        Assert.Contains(OriginPolicy.OriginOf(home.BaseUri), ex.Message, StringComparison.Ordinal);
        Assert.Contains("-AllowedOrigin", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, foreign.Server.RequestCount);
        Assert.Empty(foreign.Credentials);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task PollAsync_RedirectToAnotherOrigin_RefusedBeforeAnythingIsSent(int status)
    {
        await using var foreign = await Foreign.StartAsync();
        await using var home = await TestApiServer.StartAsync((ctx, _) =>
        {
            ctx.Response.StatusCode = status;
            ctx.Response.Headers.Location = foreign.Server.Url("objects").AbsoluteUri;
            return Task.CompletedTask;
        });

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(home.Url("objects"), "header")));

        Assert.Equal(OriginPolicy.ErrorId, ex.ErrorId);
        Assert.Contains($"redirect ({status})", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, foreign.Server.RequestCount);
        Assert.Empty(foreign.Credentials);
        Assert.Equal(1, home.RequestCount); // not retried: a refused origin is not transient
    }

    [Theory]
    [MemberData(nameof(AuthKinds))]
    public async Task PollAsync_RedirectWithinTheOrigin_FollowedWithTheCredentialOnEveryHop(string auth)
    {
        var withCredential = new ConcurrentQueue<string>();
        await using var home = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (HasCredential(ctx, auth)) withCredential.Enqueue(ctx.Request.Path);
            if (ctx.Request.Path == "/objects")
            {
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = "/v2/objects";
                return;
            }
            if (!HasCredential(ctx, auth))
            {
                ctx.Response.StatusCode = 401;
                return;
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("v2-1"), Line("v2-2")]);
        });
        var log = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log), Request(home.Url("objects"), auth));

        Assert.Equal(["v2-1", "v2-2"], Ids(records));
        Assert.Equal(["/objects", "/v2/objects"], withCredential);
        Assert.Contains(log, m => m.Contains("following the redirect", StringComparison.Ordinal));
        AssertNoSecret(records, log, Key);
    }

    [Fact]
    public async Task PollAsync_RedirectLoop_StopsAfterMaxRedirects()
    {
        await using var home = await TestApiServer.StartAsync((ctx, n) =>
        {
            ctx.Response.StatusCode = 307;
            ctx.Response.Headers.Location = $"/objects?hop={n}";
            return Task.CompletedTask;
        });
        var request = Request(home.Url("objects"), "header");
        request.Resilience.MaxRedirects = 3;

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), request));

        Assert.Equal("MuseumPollTooManyRedirects", ex.ErrorId);
        Assert.Equal(4, home.RequestCount);
    }

    [Theory]
    [MemberData(nameof(AuthKinds))]
    public async Task PollAsync_AllowedOrigin_NextLinkFollowedWithTheCredential(string auth)
    {
        await using var foreign = await Foreign.StartAsync();
        await using var home = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            ctx.Response.Headers.Link = $"<{foreign.Server.Url("objects?page=2")}>; rel=\"next\"";
            await TestApiServer.WriteLinesAsync(ctx, [Line("home-1")]);
        });

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(home.Url("objects"), auth, allowed: [foreign.Origin]));

        Assert.Equal(["home-1", "foreign-1"], Ids(records));
        Assert.Single(foreign.Credentials);
    }

    [Theory]
    [InlineData("query", "api_key")]
    [InlineData("header", "access_token")]
    [InlineData("bearer", "token")]
    [InlineData("bearer", "session")]
    public async Task PollAsync_ServerEchoesTheCredentialIntoItsNextLink_NoPositionOrLogLineHoldsIt(string auth, string echoedAs)
    {
        var pages = new ConcurrentQueue<string>();
        await using var home = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            var page = ctx.Request.Query["page"].ToString();
            if (!HasCredential(ctx, auth))
            {
                ctx.Response.StatusCode = 401;
                return;
            }
            pages.Enqueue(page);
            if (page.Length == 0)
            {
                ctx.Response.Headers.Link = $"</objects?page=2&{echoedAs}={Uri.EscapeDataString(Key)}>; rel=\"next\"";
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("p" + page)]);
        });
        var log = new List<string>();

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log), Request(home.Url("objects"), auth));

        Assert.Equal(["p", "p2"], Ids(records));
        Assert.Equal(["", "2"], pages);
        Assert.Equal(home.Url("objects?page=2").AbsoluteUri, records[0].ResumePosition);
        Assert.Equal(home.Url("objects?page=2").AbsoluteUri, records[1].Position);
        AssertNoSecret(records, log, Key);
    }

    [Fact]
    public async Task PollAsync_StoredCheckpointOnAnotherOrigin_RefusedBeforeAnyRequest()
    {
        await using var foreign = await Foreign.StartAsync();
        await using var home = await TestApiServer.StartAsync((ctx, _) => TestApiServer.WriteLinesAsync(ctx, [Line("home-1")]));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() =>
            PollAllAsync(Poller(_http, new InstantTime()), Request(home.Url("objects"), "bearer", start: foreign.Server.Url("objects?page=7").AbsoluteUri)));

        Assert.Equal(OriginPolicy.ErrorId, ex.ErrorId);
        Assert.Contains("stored checkpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Reset-SyncCheckpoint", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, foreign.Server.RequestCount);
        Assert.Equal(0, home.RequestCount);
    }

    [Fact]
    public async Task PollAsync_OldCheckpointHoldingAToken_ResumedWithoutItAndStoredWithout()
    {
        const string old = "old-token-from-a-previous-run";
        var urls = new ConcurrentQueue<string>();
        await using var home = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            urls.Enqueue(ctx.Request.Path + ctx.Request.QueryString);
            await TestApiServer.WriteLinesAsync(ctx, [Line("p" + ctx.Request.Query["page"])]);
        });

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(home.Url("objects"), "bearer", start: home.Url($"objects?page=4&access_token={old}").AbsoluteUri));

        Assert.Equal(["p4"], Ids(records));
        Assert.Equal(["/objects?page=4"], urls);
        Assert.Equal(home.Url("objects?page=4").AbsoluteUri, records[0].Position);
    }

    [Fact]
    public async Task PollAsync_KeyWrittenIntoTheEndpointUrl_StrippedFromPositionsAndAddedBackOnResume()
    {
        var keys = new ConcurrentQueue<string>();
        await using var home = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            keys.Enqueue(ctx.Request.Query["page"] + ":" + ctx.Request.Query["apikey"]);
            var page = ctx.Request.Query["page"].ToString();
            if (page.Length == 0) ctx.Response.Headers.Link = $"</objects?page=2&apikey={Key}>; rel=\"next\"";
            await TestApiServer.WriteLinesAsync(ctx, [Line("p" + page)]);
        });
        var endpoint = home.Url($"objects?apikey={Key}");
        var first = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest { Uri = endpoint, Source = "museum", Resilience = FastResilience(), MaxPages = 1 });

        var checkpoint = first[^1].ResumePosition;
        var resumed = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest { Uri = endpoint, Source = "museum", Resilience = FastResilience(), StartPosition = checkpoint });

        Assert.Equal(home.Url("objects?page=2").AbsoluteUri, checkpoint);
        Assert.Equal(["p2"], Ids(resumed));
        Assert.Equal([":" + Key, "2:" + Key], keys);
        AssertNoSecret(first.Concat(resumed), [], Key);
    }

    [Fact]
    public async Task PollAsync_CredentialInTheNextLinksPath_StopsWithoutStoringOrLoggingIt()
    {
        await using var home = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            ctx.Response.Headers.Link = $"</objects/{Key}/page/2>; rel=\"next\"";
            await TestApiServer.WriteLinesAsync(ctx, [Line("home-1")]);
        });
        var log = new List<string>();
        var records = new List<MuseumRecord>();

        var ex = await Assert.ThrowsAsync<MuseumPollException>(async () =>
        {
            await foreach (var r in Poller(_http, new InstantTime(), log).PollAsync(Request(home.Url("objects"), "header"))) records.Add(r);
        });

        Assert.Equal("MuseumPollCredentialInPosition", ex.ErrorId);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, home.RequestCount);
        AssertNoSecret(records, log, Key);
    }
}
