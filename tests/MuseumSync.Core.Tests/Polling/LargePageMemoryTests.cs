using System.Text;
using Microsoft.AspNetCore.Http;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>One very large page streams through with flat memory: the page is never held whole.</summary>
// Alone, with no test of another collection at the same time: it measures the process's managed heap, which tests
// running in parallel allocate into (a CI run measured 25 MB against the 24 MB bound in its own collection).
[Collection(MuseumSync.Core.Tests.Lido.MemoryMeasurementGroup.Name)]
public sealed class LargePageMemoryTests : IDisposable
{
    private const int Records = 300_000;
    private readonly HttpClient _http = Client();

    public void Dispose() => _http.Dispose();

    private static string Record(int i) => $$"""{"ObjectID":"MS-{{i:D7}}","title":"Object {{i}} with a title long enough to make the page large","creation_date_iso":"1889-06-15","media_url":"https://img.example.org/{{i}}.jpg"}""";

    private static async Task WriteManyAsync(HttpContext ctx, string prefix, string separator, string suffix)
    {
        var sb = new StringBuilder(64 * 1024);
        sb.Append(prefix);
        for (var i = 0; i < Records; i++)
        {
            if (i > 0) sb.Append(separator);
            sb.Append(Record(i));
            if (sb.Length > 60 * 1024)
            {
                await ctx.Response.WriteAsync(sb.ToString(), ctx.RequestAborted);
                sb.Clear();
            }
        }
        sb.Append(suffix);
        await ctx.Response.WriteAsync(sb.ToString(), ctx.RequestAborted);
    }

    private static async Task<(long Count, long Peak, long Baseline)> MeasureAsync(MuseumPoller poller, PollRequest request)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long count = 0, peak = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await foreach (var r in poller.PollAsync(request, cts.Token))
        {
            count++;
            if (count % 50_000 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
        }
        return (count, peak, baseline);
    }

    [Fact]
    public async Task PollAsync_OneNdjsonPageOf300kRecords_RetainedMemoryStaysFlat()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) =>
        {
            ctx.Response.ContentType = "application/x-ndjson";
            return WriteManyAsync(ctx, string.Empty, "\n", "\n");
        });

        var (count, peak, baseline) = await MeasureAsync(Poller(_http, new InstantTime()), new PollRequest { Uri = server.Url("objects"), Source = "big", PageSize = 100_000, Resilience = FastResilience() });

        Assert.Equal(Records, count);
        // About 65 MB went through; what stays alive is a buffer and a held record.
        Assert.True(peak - baseline < 24 * 1024 * 1024, $"retained {(peak - baseline) / 1024 / 1024} MB");
    }

    [Fact]
    public async Task PollAsync_OneEnvelopePageOf300kRecordsWithPaginationLast_SpooledToDiskAndMemoryStaysFlat()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) =>
        {
            ctx.Response.ContentType = "application/json";
            return WriteManyAsync(ctx, "{\"data\":[", ",", "],\"pagination\":{\"next_cursor\":null,\"total\":300000}}");
        });
        var log = new List<string>();

        var (count, peak, baseline) = await MeasureAsync(Poller(_http, new InstantTime(), log),
            new PollRequest { Uri = server.Url("objects.json"), Source = "big", PageSize = 100_000, SpoolMemoryLimit = 1024 * 1024, Resilience = FastResilience() });

        Assert.Equal(Records, count);
        Assert.True(peak - baseline < 24 * 1024 * 1024, $"retained {(peak - baseline) / 1024 / 1024} MB");
        Assert.Contains(log, m => m.Contains("spooled to disk", StringComparison.Ordinal));
    }
}
