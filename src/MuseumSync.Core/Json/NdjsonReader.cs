using System.Buffers;

namespace MuseumSync.Json;

/// <summary>
/// Reads newline-delimited JSON from a stream one line at a time, as it arrives, with one pooled buffer that grows only
/// to the longest line (bounded by <see cref="MaxLineBytes"/>). A page is never held in memory whole. A longer line
/// either throws or, with a <c>oversizePrefixBytes</c>, is read past without being held: <see cref="Current"/> is then its
/// first bytes, <see cref="CurrentIsOversize"/> is true and <see cref="CurrentLength"/> is its true length.
/// </summary>
internal sealed class NdjsonReader : IDisposable
{
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _first = true;
    private int _lineStart;
    private int _lineLength;
    private readonly int _oversizePrefixBytes;
    private byte[]? _prefix;
    private int _prefixLength;

    /// <param name="stream">The body.</param>
    /// <param name="initialBufferBytes">The buffer's first size.</param>
    /// <param name="maxLineBytes">The longest line held.</param>
    /// <param name="oversizePrefixBytes">0: a longer line throws <see cref="InvalidDataException"/>; otherwise it is skipped and this many of its first bytes are kept.</param>
    public NdjsonReader(Stream stream, int initialBufferBytes = 64 * 1024, int maxLineBytes = 64 * 1024 * 1024, int oversizePrefixBytes = 0)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialBufferBytes);
        MaxLineBytes = maxLineBytes;
        _oversizePrefixBytes = Math.Min(oversizePrefixBytes, maxLineBytes);
    }

    /// <summary>The longest line accepted. The default is 64 MiB.</summary>
    public int MaxLineBytes { get; }

    /// <summary>The 1-based number of the current line among non-blank lines.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Total bytes consumed from the stream.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The current line without its line terminator (of an over-size line, its first bytes); valid until the next call to <see cref="ReadLineAsync"/>.</summary>
    public ReadOnlySpan<byte> Current => CurrentIsOversize ? _prefix.AsSpan(0, _prefixLength) : _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>True when the current line was longer than <see cref="MaxLineBytes"/> and was read past: <see cref="Current"/> holds its start only.</summary>
    public bool CurrentIsOversize { get; private set; }

    /// <summary>The current line's true length in bytes.</summary>
    public long CurrentLength => CurrentIsOversize ? _oversizeLength : _lineLength;

    private long _oversizeLength;

    /// <summary>Advances to the next non-blank line; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        CurrentIsOversize = false;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var nl = span.IndexOf((byte)'\n');
            if (nl >= 0 || (_eof && span.Length > 0))
            {
                var len = nl >= 0 ? nl : span.Length;
                var lineStart = _start;
                _start += nl >= 0 ? nl + 1 : len;
                if (_first)
                {
                    _first = false;
                    if (len >= 3 && _buffer[lineStart] == 0xEF && _buffer[lineStart + 1] == 0xBB && _buffer[lineStart + 2] == 0xBF)
                    {
                        lineStart += 3;
                        len -= 3;
                    }
                }
                if (len > 0 && _buffer[lineStart + len - 1] == (byte)'\r') len--;
                if (IsBlank(_buffer.AsSpan(lineStart, len))) continue;
                _lineStart = lineStart;
                _lineLength = len;
                LineNumber++;
                return true;
            }
            if (_eof) return false;
            if (_oversizePrefixBytes > 0 && _end - _start > MaxLineBytes)
            {
                await SkipOversizeLineAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps the first bytes of the pending line, then reads past the rest of it without holding it.</summary>
    private async ValueTask SkipOversizeLineAsync(CancellationToken cancellationToken)
    {
        if (_first)
        {
            _first = false;
            if (_buffer[_start] == 0xEF && _buffer[_start + 1] == 0xBB && _buffer[_start + 2] == 0xBF) _start += 3;
        }
        _prefix ??= new byte[_oversizePrefixBytes];
        _prefixLength = _oversizePrefixBytes;
        Buffer.BlockCopy(_buffer, _start, _prefix, 0, _prefixLength);
        long length = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var nl = span.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                length += nl > 0 && span[nl - 1] == (byte)'\r' ? nl - 1 : nl;
                _start += nl + 1;
                break;
            }
            length += span.Length;
            _start = _end;
            if (_eof) break;
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        _oversizeLength = length;
        CurrentIsOversize = true;
        LineNumber++;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        ReadBuffer.Compact(_buffer, ref _start, ref _end);
        if (_end == _buffer.Length && !ReadBuffer.TryGrow(ref _buffer, _end, MaxLineBytes))
        {
            throw new InvalidDataException($"A line is longer than {Bytes.Describe(MaxLineBytes)}; this is not newline-delimited JSON.");
        }
        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0) _eof = true;
        _end += n;
        BytesRead += n;
    }

    private static bool IsBlank(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        }
        return true;
    }

    public void Dispose()
    {
        var b = _buffer;
        _buffer = Array.Empty<byte>();
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }
}
