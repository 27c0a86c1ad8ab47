using MuseumSync.Json;
using MuseumSync.Paging;

namespace MuseumSync.Polling;

/// <summary>
/// A JSON page read from its spool: the first pass finds the records array and the paging values (wherever they sit),
/// the second hands out the records. A body that turns out to hold several JSON documents is newline-delimited JSON.
/// </summary>
internal static class SpooledJsonPageReader
{
    public static async Task<PageReader> OpenAsync(PollRun run, PageSpool spool, Uri url, PageFacts facts, CancellationToken cancellationToken)
    {
        try
        {
            JsonPageScan scan;
            using (var first = spool.OpenRead())
            {
                scan = await JsonPageScan.ScanAsync(first, run.ItemsPath, run.Watched, cancellationToken, run.RecordIdNames, run.Request.Limits.MaxRecordBytes).ConfigureAwait(false);
            }
            if (scan.HasTrailingContent) return new SpooledPage(new NdjsonPageReader(run, spool.OpenRead(), facts), spool, "NDJSON");
            run.BodyFacts(scan, url, ref facts);
            if (scan.IsEmpty || scan.ItemsOffset < 0)
            {
                facts.Count = 0;
                return new SpooledPage(new NdjsonPageReader(run, new MemoryStream(), facts), spool, "JSON (no records)") { Counted = true };
            }
            var stream = spool.OpenRead();
            stream.Seek(scan.ItemsOffset, SeekOrigin.Begin);
            var reader = new JsonArrayPageReader(run, stream, facts, scan.ItemCount, scan.ItemsIsObject);
            return new SpooledPage(reader, spool, scan.ItemsIsObject ? "JSON object" : $"JSON envelope ({scan.ItemsPath}, {scan.ItemCount} items)") { Counted = true };
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>A reader that also owns the spool it reads from.</summary>
    private sealed class SpooledPage : PageReader
    {
        private readonly PageReader _inner;
        private readonly PageSpool _spool;
        private readonly string _format;

        public SpooledPage(PageReader inner, PageSpool spool, string format)
        {
            _inner = inner;
            _spool = spool;
            _format = format;
            Facts = inner.Facts;
        }

        public bool Counted
        {
            init => CountKnown = value;
        }

        public override string Format => _format + (_spool.OnDisk ? $", {_spool.Length / (1024 * 1024)} MiB spooled to disk" : string.Empty);

        public override ValueTask<bool> ReadAsync(CancellationToken cancellationToken) => _inner.ReadAsync(cancellationToken);

        public override MuseumRecord Create(in Mapping.RecordOrigin origin, string? resumePosition) => _inner.Create(origin, resumePosition);

        public override void Dispose()
        {
            _inner.Dispose();
            _spool.Dispose();
        }
    }
}
