namespace MuseumSync.Polling;

/// <summary>
/// The bounds on what one page of a source may cost: bytes after decompression, bytes per record, and time spent waiting
/// for the body. A source that exceeds one gets a named error or a dead letter, never an endless read.
/// </summary>
internal sealed class PageLimitOptions
{
    /// <summary>The default of <see cref="MaxPageBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxPageBytes = 256L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxRecordBytes"/>: 16 MiB.</summary>
    public const int DefaultMaxRecordBytes = 16 * 1024 * 1024;

    /// <summary>The bytes of an over-size record kept in its dead letter: 64 KiB (or <see cref="MaxRecordBytes"/>, if smaller).</summary>
    public const int RecordPrefixBytes = 64 * 1024;

    /// <summary>
    /// The most bytes one page body may hold once decompressed (gzip, deflate, brotli), whatever its format. It bounds the
    /// temporary file an envelope or OAI-PMH page is spooled to, and stops a compression bomb or an endless body. Exceeding
    /// it fails the run with <c>MuseumPollPageTooLarge</c> (not retried: the same page is as large next time).
    /// The default is 256 MiB: a page of 100,000 records (the largest page size) of 2.5 KB each.
    /// </summary>
    public long MaxPageBytes { get; init; } = DefaultMaxPageBytes;

    /// <summary>
    /// The most bytes one record may hold (an NDJSON line, an element of a JSON records array, an OAI-PMH or LIDO record).
    /// A larger record is not held in memory: it is read past and dead-lettered with its first bytes and its true size.
    /// The default is 16 MiB, far above any museum record (a rich LIDO record is tens of KB).
    /// </summary>
    public int MaxRecordBytes { get; init; } = DefaultMaxRecordBytes;

    /// <summary>
    /// The longest one page's body may keep the poll waiting, summed over the page's reads (the time the caller spends with
    /// the records does not count). A body that drips slower than that is cut off and read again like a body that broke
    /// off (up to <see cref="PollRequest.MaxBodyRetries"/> times), then the run fails with <c>MuseumPollPageTimeout</c>.
    /// The default is 10 minutes: a 256 MiB page at 450 KB/s, a 500-record page at a few KB/s.
    /// </summary>
    public TimeSpan PageTimeout { get; init; } = DefaultPageTimeout;

    /// <summary>The default of <see cref="PageTimeout"/>: 10 minutes.</summary>
    public static readonly TimeSpan DefaultPageTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The bytes of an over-size record kept in its dead letter.</summary>
    internal int PrefixBytes => Math.Min(RecordPrefixBytes, MaxRecordBytes);

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxPageBytes < 64 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxPageBytes), MaxPageBytes, "Allow a page at least 64 KiB.");
        if (MaxRecordBytes < 1024) throw new ArgumentOutOfRangeException(nameof(MaxRecordBytes), MaxRecordBytes, "Allow a record at least 1 KiB.");
        if (PageTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PageTimeout), PageTimeout, "The page timeout must be positive.");
    }
}
