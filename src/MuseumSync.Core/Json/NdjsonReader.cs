using System.Buffers;

namespace MuseumSync.Json;

/// <summary>
/// Reads newline-delimited JSON from a stream one line at a time, as it arrives, with one pooled buffer that grows only
/// to the longest line (bounded by <see cref="MaxLineBytes"/>). A page is never held in memory whole.
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

    public NdjsonReader(Stream stream, int initialBufferBytes = 64 * 1024, int maxLineBytes = 64 * 1024 * 1024)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialBufferBytes);
        MaxLineBytes = maxLineBytes;
    }

    /// <summary>The longest line accepted. The default is 64 MiB.</summary>
    public int MaxLineBytes { get; }

    /// <summary>The 1-based number of the current line among non-blank lines.</summary>
    public int LineNumber { get; private set; }

    /// <summary>Total bytes consumed from the stream.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The current line without its line terminator; valid until the next call to <see cref="ReadLineAsync"/>.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>Advances to the next non-blank line; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
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
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new InvalidDataException($"A line is longer than {MaxLineBytes / (1024 * 1024)} MiB; this is not newline-delimited JSON.");
            }
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxLineBytes, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
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
