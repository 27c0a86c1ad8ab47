namespace MuseumSync.Http;

/// <summary>
/// A decompressed response body that may hold at most <c>maxBytes</c>: the next read past the limit throws
/// <see cref="MuseumPollException"/> <c>MuseumPollPageTooLarge</c> (not transient), so a compression bomb or an endless
/// body stops at the limit instead of filling the spool file, the disk or the memory.
/// </summary>
internal sealed class PageSizeLimitStream : ReadOnlyWrapperStream
{
    private readonly long _maxBytes;
    private readonly Uri _url;
    private readonly string _maskedUrl;
    private long _read;

    public PageSizeLimitStream(Stream inner, long maxBytes, Uri url, string maskedUrl)
        : base(inner)
    {
        _maxBytes = maxBytes;
        _url = url;
        _maskedUrl = maskedUrl;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Ask for one byte more than allowed, so a body of exactly the limit still reads to its end.
        var room = _maxBytes - _read + 1;
        if (room < buffer.Length) buffer = buffer[..(int)room];
        var n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _read += n;
        if (_read > _maxBytes)
        {
            throw new MuseumPollException(
                $"The page {_maskedUrl} is larger than {Bytes.Describe(_maxBytes)} once decompressed (the limit of one page body); it was not read further and nothing of it was kept on disk. If the source really sends pages this large, ask for smaller pages (-PageSize) or raise the limit (-MaxPageBytes, or MaxPageBytes in sync.psd1).",
                "MuseumPollPageTooLarge", isTransient: false, _url, null, null);
        }
        return n;
    }
}
