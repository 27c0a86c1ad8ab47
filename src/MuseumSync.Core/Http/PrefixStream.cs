namespace MuseumSync.Http;

/// <summary>
/// A read-only stream that first replays bytes already read from another (to look at a body's first byte, or a document's head),
/// then reads on from it. Synchronous reads stay synchronous on the inner stream.
/// </summary>
internal sealed class PrefixStream : ReadOnlyWrapperStream
{
    private readonly byte[] _prefix;
    private readonly int _length;
    private int _offset;

    /// <summary>A stream that returns the first <paramref name="length"/> bytes of <paramref name="prefix"/>, then the rest of <paramref name="inner"/>.</summary>
    public PrefixStream(byte[] prefix, int length, Stream inner, bool leaveOpen = false)
        : base(inner, leaveOpen)
    {
        _prefix = prefix;
        _length = length;
    }

    /// <summary>Reads until the first byte that is not whitespace (or the end), and returns it with a stream that still starts at the beginning.</summary>
    public static async Task<(Stream Stream, int FirstByte)> PeekAsync(Stream inner, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await inner.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            for (var i = length; i < length + n; i++)
            {
                var b = buffer[i];
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
                if (b == 0xEF && i + 2 < length + n && buffer[i + 1] == 0xBB && buffer[i + 2] == 0xBF)
                {
                    i += 2;
                    continue;
                }
                return (new PrefixStream(buffer, length + n, inner), b);
            }
            length += n;
        }
        return (new PrefixStream(buffer, length, inner), -1);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _offset < _length ? ReadPrefix(buffer.Span) : await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => _offset < _length ? ReadPrefix(buffer) : Inner.Read(buffer);

    private int ReadPrefix(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _length - _offset);
        _prefix.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }
}
