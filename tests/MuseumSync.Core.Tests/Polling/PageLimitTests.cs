using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using MuseumSync.Paging;
using MuseumSync.Polling;
using static MuseumSync.Core.Tests.Polling.PollTestKit;

namespace MuseumSync.Core.Tests.Polling;

/// <summary>
/// The bounds on one page (<see cref="PageLimitOptions"/>): a compression bomb or an endless body stops at MaxPageBytes
/// with a named error, is not retried, and leaves no spool file; a body that drips runs into the page timeout.
/// </summary>
public sealed class PageLimitTests : IDisposable
{
    private const long Cap = 1024 * 1024;
    private readonly HttpClient _http = Client();
    private readonly string _spool = Directory.CreateTempSubdirectory("museumsync-spool-test-").FullName;

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_spool, recursive: true);
    }

    private static readonly byte[] s_record = Encoding.UTF8.GetBytes("""{"ObjectID":"1","title":"Object one, sent again and again"}""");

    /// <summary>A gzip body of <paramref name="prefix"/>, <paramref name="repeat"/> copies of a record and <paramref name="suffix"/>: small on the wire, large decompressed.</summary>
    private static byte[] Gzip(string prefix, byte[] separator, int repeat, string suffix)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(prefix));
            for (var i = 0; i < repeat; i++)
            {
                if (i > 0) gz.Write(separator);
                gz.Write(s_record);
            }
            gz.Write(Encoding.UTF8.GetBytes(suffix));
        }
        return ms.ToArray();
    }

    private static async Task ServeGzipAsync(HttpContext ctx, byte[] body, string contentType)
    {
        ctx.Response.ContentType = contentType;
        ctx.Response.Headers.ContentEncoding = "gzip";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    /// <summary>Writes the start of a records array, then records until the client goes away (at most 64 MB: every loop in a test is bounded).</summary>
    private static async Task ServeEndlessAsync(HttpContext ctx, string contentType, string prefix, string separator)
    {
        ctx.Response.ContentType = contentType;
        await ctx.Response.WriteAsync(prefix, ctx.RequestAborted);
        var chunk = new StringBuilder();
        for (var i = 0; i < 1000; i++) chunk.Append(Encoding.UTF8.GetString(s_record)).Append(separator);
        var bytes = Encoding.UTF8.GetBytes(chunk.ToString());
        try
        {
            for (long sent = 0; sent < 64L * 1024 * 1024 && !ctx.RequestAborted.IsCancellationRequested; sent += bytes.Length)
            {
                await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // the client stopped reading at its limit
        }
    }

    private PollRequest Request(Uri uri, PagingStyle paging = PagingStyle.Auto, int maxBodyRetries = 6, PageLimitOptions? limits = null) => new()
    {
        Uri = uri,
        Source = "bomb",
        Paging = paging,
        Resilience = FastResilience(),
        MaxBodyRetries = maxBodyRetries,
        SpoolMemoryLimit = 64 * 1024,
        SpoolDirectory = _spool,
        Limits = limits ?? new PageLimitOptions { MaxPageBytes = Cap },
    };

    private static void AssertTooLarge(MuseumPollException ex, TestApiServer server)
    {
        Assert.Equal("MuseumPollPageTooLarge", ex.ErrorId);
        Assert.False(ex.IsTransient);
        Assert.Contains(server.BaseUri.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Contains("1 MiB", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-MaxPageBytes", ex.Message, StringComparison.Ordinal);
        // not transient: the same page is not asked for again (an OAI-PMH run asks Identify once before it)
        Assert.Equal(1, server.Requests.Count(r => !r.PathAndQuery.Contains("verb=Identify", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PollAsync_GzipEnvelopeLargeOnceDecompressed_FailsAtThePageCapWithoutRetryAndDeletesTheSpoolFile()
    {
        // About 30 KB on the wire, 60 MB decompressed.
        var bomb = Gzip("{\"data\":[", ","u8.ToArray(), 1_000_000, "],\"next_cursor\":null}");
        Assert.True(bomb.Length < 1024 * 1024);
        var spooled = new List<string>();
        using var watcher = new FileSystemWatcher(_spool) { EnableRaisingEvents = true };
        watcher.Created += (_, e) =>
        {
            lock (spooled) spooled.Add(e.FullPath);
        };
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeGzipAsync(ctx, bomb, "application/json"));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("objects"))));

        AssertTooLarge(ex, server);
        for (var i = 0; i < 100 && spooled.Count == 0; i++) await Task.Delay(20);
        Assert.NotEmpty(spooled); // the page did go to disk before the cap tripped...
        Assert.Empty(Directory.GetFiles(_spool)); // ...and the file is gone
    }

    [Fact]
    public async Task PollAsync_GzipOaiPageLargeOnceDecompressed_FailsAtThePageCap()
    {
        var bomb = Gzip("<?xml version=\"1.0\"?><OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><ListRecords><!--", " "u8.ToArray(), 500_000, "--></ListRecords></OAI-PMH>");
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeGzipAsync(ctx, bomb, "text/xml"));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("oai"), PagingStyle.OaiPmh)));

        AssertTooLarge(ex, server);
        Assert.Empty(Directory.GetFiles(_spool));
    }

    [Fact]
    public async Task PollAsync_EndlessEnvelope_FailsAtThePageCapAndDeletesTheSpoolFile()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeEndlessAsync(ctx, "application/json", "{\"data\":[", ","));

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("objects"))));

        AssertTooLarge(ex, server);
        Assert.Empty(Directory.GetFiles(_spool));
    }

    [Fact]
    public async Task PollAsync_EndlessNdjsonPage_ReturnsTheRecordsBeforeTheCapThenFails()
    {
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeEndlessAsync(ctx, "application/x-ndjson", string.Empty, "\n"));
        var seen = 0;

        var ex = await Assert.ThrowsAsync<MuseumPollException>(async () =>
        {
            using var cts = new CancellationTokenSource(TestTimeout);
            await foreach (var r in Poller(_http, new InstantTime()).PollAsync(Request(server.Url("objects")), cts.Token))
            {
                Assert.False(r.EndOfPage); // the page never ended, so no record may move the checkpoint past it
                seen++;
            }
        });

        AssertTooLarge(ex, server);
        Assert.InRange(seen, 1, (int)(Cap / s_record.Length));
    }

    [Fact]
    public async Task PollAsync_PageUnderTheCap_IsReadWhole()
    {
        var page = Gzip("{\"data\":[", ","u8.ToArray(), 10_000, "],\"next_cursor\":null}"); // 600 KB decompressed
        await using var server = await TestApiServer.StartAsync((ctx, _) => ServeGzipAsync(ctx, page, "application/json"));

        var records = await PollAllAsync(Poller(_http, new InstantTime()), Request(server.Url("objects")));

        Assert.Equal(10_000, records.Count);
        Assert.Empty(Directory.GetFiles(_spool));
    }

    [Fact]
    public async Task PollAsync_BodyThatDrips_TimesOutPerPageRetriesThenFailsWithPageTimeout()
    {
        // A record, then one byte every 50 ms: never silent long enough for the idle timeout (20 s here).
        await using var server = await TestApiServer.StartAsync(async (ctx, _) =>
        {
            ctx.Response.ContentType = "application/x-ndjson";
            await ctx.Response.WriteAsync(Line("1") + "\n", ctx.RequestAborted);
            try
            {
                for (var i = 0; i < 200 && !ctx.RequestAborted.IsCancellationRequested; i++)
                {
                    await ctx.Response.WriteAsync(" ", ctx.RequestAborted);
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                    await Task.Delay(50, ctx.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // the client cut the page off
            }
        });
        var request = Request(server.Url("objects"), maxBodyRetries: 1, limits: new PageLimitOptions { PageTimeout = TimeSpan.FromMilliseconds(600) });

        var ex = await Assert.ThrowsAsync<MuseumPollException>(() => PollAllAsync(Poller(_http, new InstantTime()), request));

        Assert.Equal("MuseumPollPageTimeout", ex.ErrorId);
        Assert.True(ex.IsTransient);
        Assert.Contains(server.BaseUri.Authority, ex.Message, StringComparison.Ordinal);
        Assert.Contains("-PageTimeoutSec", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.RequestCount); // read again once (MaxBodyRetries = 1), then given up
    }

    [Fact]
    public void Validate_LimitsOutOfRange_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageLimitOptions { MaxPageBytes = 1000 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageLimitOptions { MaxRecordBytes = 10 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageLimitOptions { PageTimeout = TimeSpan.Zero }.Validate());
    }
}
