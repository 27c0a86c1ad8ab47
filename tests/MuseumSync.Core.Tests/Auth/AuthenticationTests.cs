using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using MuseumSync.Auth;
using MuseumSync.Core.Tests.Polling;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Auth;

/// <summary>API keys, bearer tokens and OAuth2 client credentials; secrets never show up in logs, errors or records.</summary>
public sealed class AuthenticationTests : IDisposable
{
    private const string ClientSecret = "s3cr3t-Client";
    private readonly HttpClient _http = Client();
    private int _tokens;

    public void Dispose() => _http.Dispose();

    private async Task<bool> TokenEndpointAsync(HttpContext ctx, int expiresIn = 3600)
    {
        if (ctx.Request.Path != "/token") return false;
        var basic = Encoding.UTF8.GetString(Convert.FromBase64String(ctx.Request.Headers.Authorization.ToString()["Basic ".Length..]));
        Assert.Equal("museum-client:" + ClientSecret, basic);
        var form = await ctx.Request.ReadFormAsync();
        Assert.Equal("client_credentials", form["grant_type"].ToString());
        var n = Interlocked.Increment(ref _tokens);
        await WriteJsonAsync(ctx, $$"""{"access_token":"tok-{{n}}","token_type":"Bearer","expires_in":{{expiresIn}}}""");
        return true;
    }

    private OAuth2ClientCredentialsAuthenticator OAuth(TestApiServer server, TimeProvider? time = null) => new(
        new OAuth2ClientCredentialsOptions { TokenUri = server.Url("token"), ClientId = "museum-client", ClientSecret = Secret.FromPlainText(ClientSecret) },
        _http, time);

    [Fact]
    public async Task OAuth2_TokenCachedAcrossPagesAndSentAsBearer()
    {
        var seen = new List<string>();
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (await TokenEndpointAsync(ctx)) return;
            lock (seen) seen.Add(ctx.Request.Headers.Authorization.ToString());
            var page = ctx.Request.Query["cursor"].ToString();
            if (page.Length == 0) ctx.Response.Headers["X-Next-Cursor"] = "2";
            await TestApiServer.WriteLinesAsync(ctx, [Line("p" + page)]);
        });
        var log = new List<string>();
        using var auth = OAuth(server);

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log), new PollRequest { Uri = server.Url("objects"), Source = "s", Authenticator = auth, Resilience = FastResilience() });

        Assert.Equal(2, records.Count);
        Assert.Equal(["Bearer tok-1", "Bearer tok-1"], seen);
        Assert.Equal(1, _tokens);
        Assert.DoesNotContain(log, m => m.Contains(ClientSecret, StringComparison.Ordinal) || m.Contains("tok-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OAuth2_RefreshedBeforeItExpires()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) => await TokenEndpointAsync(ctx, expiresIn: 300));
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var auth = OAuth(server, time);
        using var m1 = new HttpRequestMessage(HttpMethod.Get, server.Url("x"));
        using var m2 = new HttpRequestMessage(HttpMethod.Get, server.Url("x"));
        using var m3 = new HttpRequestMessage(HttpMethod.Get, server.Url("x"));

        await auth.AuthenticateAsync(m1, default);
        time.Advance(TimeSpan.FromSeconds(200)); // still more than 60 s left
        await auth.AuthenticateAsync(m2, default);
        time.Advance(TimeSpan.FromSeconds(41)); // 59 s left: refresh now, not on a 401
        await auth.AuthenticateAsync(m3, default);

        Assert.Equal("tok-1", m1.Headers.Authorization!.Parameter);
        Assert.Equal("tok-1", m2.Headers.Authorization!.Parameter);
        Assert.Equal("tok-2", m3.Headers.Authorization!.Parameter);
    }

    [Fact]
    public async Task OAuth2_401_RefreshedOnceAndSentAgain()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (await TokenEndpointAsync(ctx)) return;
            if (ctx.Request.Headers.Authorization.ToString() == "Bearer tok-1")
            {
                ctx.Response.StatusCode = 401; // revoked early
                return;
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("1")]);
        });
        using var auth = OAuth(server);
        var poller = Poller(_http, new InstantTime());

        var records = await PollAllAsync(poller, new PollRequest { Uri = server.Url("objects"), Source = "s", Authenticator = auth, Resilience = FastResilience() });

        Assert.Single(records);
        Assert.Equal(2, _tokens);
        Assert.Equal(1, poller.Statistics.TokenRefreshes);
        Assert.Equal(0, poller.Statistics.Retries);
    }

    [Fact]
    public async Task OAuth2_401AfterRefreshToo_PermanentErrorNotLooped()
    {
        var api = 0;
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            if (await TokenEndpointAsync(ctx)) return;
            Interlocked.Increment(ref api);
            ctx.Response.StatusCode = 401;
        });
        using var auth = OAuth(server);

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), new PollRequest { Uri = server.Url("objects"), Source = "s", Authenticator = auth, Resilience = FastResilience() }));

        Assert.Equal(401, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(2, api);
        Assert.DoesNotContain(ClientSecret, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyInQuery_SentButMaskedEverywhere()
    {
        var log = new List<string>();
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            Assert.Equal("K-123-SECRET", ctx.Request.Query["api_key"].ToString());
            if (n == 1)
            {
                ctx.Response.StatusCode = 503;
                return;
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("1"), "{broken"]);
        });
        var auth = new ApiKeyAuthenticator(Secret.FromPlainText("K-123-SECRET"), "api_key", ApiKeyLocation.Query);

        var records = await PollAllAsync(Poller(_http, new InstantTime(), log), new PollRequest { Uri = server.Url("objects"), Source = "s", Authenticator = auth, Resilience = FastResilience() });

        Assert.Equal(2, records.Count);
        Assert.NotEmpty(log);
        Assert.DoesNotContain(log, m => m.Contains("K-123", StringComparison.Ordinal));
        Assert.All(records, r => Assert.DoesNotContain("K-123", r.SourceUrl + r.Position + r.ResumePosition + r.RawJson + string.Join(";", r.Issues), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApiKeyInHeader_Sent()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            Assert.Equal("hk", ctx.Request.Headers["X-Api-Key"].ToString());
            await TestApiServer.WriteLinesAsync(ctx, [Line("1")]);
        });

        var records = await PollAllAsync(Poller(_http, new InstantTime()), new PollRequest { Uri = server.Url("objects"), Source = "s", Authenticator = new ApiKeyAuthenticator(Secret.FromPlainText("hk")), Resilience = FastResilience() });

        Assert.Single(records);
    }

    [Fact]
    public void Secret_NeverPrintsItself_AndAMissingVariableIsNamedNotShown()
    {
        Assert.Equal("***", Secret.FromPlainText("abc").ToString());
        var ex = Assert.Throws<ArgumentException>(() => Secret.FromEnvironment("MUSEUMSYNC_TEST_NO_SUCH_VARIABLE"));
        Assert.Contains("MUSEUMSYNC_TEST_NO_SUCH_VARIABLE", ex.Message, StringComparison.Ordinal);
        using var secure = new System.Security.SecureString();
        foreach (var c in "pw") secure.AppendChar(c);
        Assert.Equal("pw", Secret.FromSecureString(secure).Reveal());
    }
}
