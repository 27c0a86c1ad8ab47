using MuseumSync.Core.Tests.Polling;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Run;

/// <summary>A circuit that opens is a warning by its own channel: nobody sniffs the text of a verbose line for it.</summary>
public sealed class CircuitWarningTests : IDisposable
{
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task PollAsync_CircuitOpens_WarningCallbackGetsItAndVerboseDoesNot()
    {
        await using var server = await TestApiServer.StartAsync(async (ctx, n) =>
        {
            if (n <= 5)
            {
                ctx.Response.StatusCode = 500;
                return;
            }
            await TestApiServer.WriteLinesAsync(ctx, [Line("1")]);
        });
        var verbose = new List<string>();
        var warnings = new List<string>();
        var poller = new MuseumPoller(_http, new InstantTime(), TimeProvider.System, m =>
        {
            lock (verbose) verbose.Add(m);
        }, m =>
        {
            lock (warnings) warnings.Add(m);
        });

        await PollAllAsync(poller, new PollRequest { Uri = server.Url("objects"), Source = "met", Resilience = FastResilience(retries: 8) });

        var opened = Assert.Single(warnings);
        Assert.StartsWith("circuit opened for source met", opened, StringComparison.Ordinal);
        Assert.DoesNotContain(verbose, m => m.StartsWith("circuit opened", StringComparison.Ordinal));
        Assert.Contains(verbose, m => m.StartsWith("circuit closed", StringComparison.Ordinal));
    }
}
