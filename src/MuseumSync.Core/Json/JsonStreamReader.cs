using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MuseumSync.Json;

/// <summary>
/// Reads JSON from a stream token by token with <see cref="Utf8JsonReader"/>, refilling one pooled buffer as the bytes
/// arrive (the reader's state carries over every refill). <see cref="SkipAsync"/> hands out a whole object or array as
/// one span, so an array of records is read one record at a time and a page is never held whole. The buffer grows only
/// to the largest single element, up to <see cref="MaxElementBytes"/>. A larger element skipped with <see cref="SkipAsync"/>
/// either throws or, with a <c>oversizePrefixBytes</c>, is read past without being held (<see cref="OversizeSkipper"/>):
/// <see cref="Raw"/> is then its first bytes and <see cref="ElementLength"/> its true length.
/// </summary>
internal sealed class JsonStreamReader : IDisposable
{
    private static readonly JsonReaderOptions s_options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 };

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _bomChecked;
    private long _bufferOffset;
    private JsonReaderState _state = new(s_options);
    private JsonReaderState _stateBeforeToken;
    private int _startBeforeToken;
    private int _tokenStart;
    private int _tokenLength;
    private int _valueStart;
    private int _valueLength;
    private bool _rootComplete;
    private bool _anyToken;
    private readonly int _oversizePrefixBytes;
    private byte[]? _prefix;
    private int _prefixLength;

    /// <param name="stream">The JSON.</param>
    /// <param name="initialBufferBytes">The buffer's first size.</param>
    /// <param name="maxElementBytes">The largest element held.</param>
    /// <param name="oversizePrefixBytes">0: a larger element throws <see cref="InvalidDataException"/>; otherwise <see cref="SkipAsync"/> reads past it and keeps this many of its first bytes.</param>
    public JsonStreamReader(Stream stream, int initialBufferBytes = 64 * 1024, int maxElementBytes = 64 * 1024 * 1024, int oversizePrefixBytes = 0)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialBufferBytes);
        MaxElementBytes = maxElementBytes;
        _oversizePrefixBytes = Math.Min(oversizePrefixBytes, maxElementBytes);
    }

    /// <summary>True when the element <see cref="SkipAsync"/> just read past was larger than <see cref="MaxElementBytes"/>: <see cref="Raw"/> holds its start only.</summary>
    public bool IsOversize { get; private set; }

    /// <summary>The true length in bytes of the current token or skipped element.</summary>
    public long ElementLength => IsOversize ? _oversizeLength : _tokenLength;

    private long _oversizeLength;

    /// <summary>The largest single element (or run of bytes between tokens) accepted. The default is 64 MiB.</summary>
    public int MaxElementBytes { get; }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>The depth of the current token (0 for the root value).</summary>
    public int Depth { get; private set; }

    /// <summary>Where the current token (or skipped element) starts, counted in bytes from the start of the stream.</summary>
    public long TokenOffset { get; private set; }

    /// <summary>The raw bytes of the current token; after <see cref="SkipAsync"/>, of the whole element. Valid until the next read.</summary>
    public ReadOnlySpan<byte> Raw => IsOversize ? _prefix.AsSpan(0, _prefixLength) : _buffer.AsSpan(_tokenStart, _tokenLength);

    /// <summary>The value bytes of a string, property name or number (strings without their quotes, still escaped).</summary>
    public ReadOnlySpan<byte> ValueSpan => _buffer.AsSpan(_valueStart, _valueLength);

    /// <summary>True when the current string or property name holds escapes (use <see cref="GetText"/>).</summary>
    public bool ValueIsEscaped { get; private set; }

    /// <summary>The current scalar as text: strings unescaped, numbers as written, booleans as true/false, null as null.</summary>
    public string? GetText()
    {
        switch (TokenType)
        {
            case JsonTokenType.String:
            case JsonTokenType.PropertyName:
                if (!ValueIsEscaped) return Encoding.UTF8.GetString(ValueSpan);
                var reader = new Utf8JsonReader(Raw, isFinalBlock: true, state: default);
                reader.Read();
                return reader.GetString();
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            default:
                return null;
        }
    }

    /// <summary>Reads the next token; false at the end of the data.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        IsOversize = false;
        while (true)
        {
            if (!_bomChecked && !await SkipBomAsync(cancellationToken).ConfigureAwait(false)) continue;
            if (_rootComplete) return false;
            if (TryRead()) return true;
            if (_eof)
            {
                if (!_anyToken) return false; // an empty body
                throw new JsonException($"The JSON ends early, inside a value, at byte {_bufferOffset + _end}.");
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Right after <see cref="ReadAsync"/> returned <see cref="JsonTokenType.StartObject"/> or <see cref="JsonTokenType.StartArray"/>:
    /// reads to the end of that element and makes <see cref="Raw"/> the whole element.
    /// </summary>
    public async ValueTask SkipAsync(CancellationToken cancellationToken)
    {
        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        // Go back to just before the start token, so the element can be read whole once it is in the buffer.
        _start = _startBeforeToken;
        _state = _stateBeforeToken;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var reader = new Utf8JsonReader(span, _eof, _state);
            if (reader.Read())
            {
                var tokenStart = (int)reader.TokenStartIndex;
                var depth = reader.CurrentDepth;
                var type = reader.TokenType;
                if (reader.TrySkip())
                {
                    var consumed = (int)reader.BytesConsumed;
                    TokenType = type;
                    Depth = depth;
                    _tokenStart = _start + tokenStart;
                    _tokenLength = consumed - tokenStart;
                    TokenOffset = _bufferOffset + _tokenStart;
                    _state = reader.CurrentState;
                    _start += consumed;
                    if (depth == 0) _rootComplete = true;
                    return;
                }
            }
            if (_eof) throw new JsonException($"The JSON ends inside an element that starts at byte {_bufferOffset + _start}.");
            if (_oversizePrefixBytes > 0 && _end - _start > MaxElementBytes)
            {
                await SkipOversizeAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads past the element that starts at <c>_start</c> (after separators) without holding it: its first bytes are
    /// kept, the rest is scanned for its end and dropped as it goes. The reader then carries on as if it had read an empty
    /// element of the same kind there, so what follows is read as before.
    /// </summary>
    private async ValueTask SkipOversizeAsync(CancellationToken cancellationToken)
    {
        var separators = new List<byte>(2);
        while (_buffer[_start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)':')
        {
            if (_buffer[_start] is (byte)',' or (byte)':') separators.Add(_buffer[_start]);
            _start++;
        }
        var open = _buffer[_start];
        var tokenOffset = _bufferOffset + _start;
        _prefix ??= new byte[_oversizePrefixBytes];
        _prefixLength = Math.Min(_oversizePrefixBytes, _end - _start);
        Buffer.BlockCopy(_buffer, _start, _prefix, 0, _prefixLength);
        var skipper = new OversizeSkipper();
        long length = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var end = skipper.Scan(span);
            if (end >= 0)
            {
                length += end + 1;
                _start += end + 1;
                break;
            }
            length += span.Length;
            _start = _end;
            if (_eof) throw new JsonException($"The JSON ends inside an element that starts at byte {tokenOffset}.");
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        // Move the reader's state past an empty stand-in for the element.
        separators.Add(open);
        separators.Add(open == (byte)'{' ? (byte)'}' : (byte)']');
        var standIn = new Utf8JsonReader(separators.ToArray(), isFinalBlock: false, _state);
        var depth = -1;
        while (standIn.Read())
        {
            if (depth < 0)
            {
                depth = standIn.CurrentDepth;
                TokenType = standIn.TokenType;
            }
            else if (standIn.CurrentDepth == depth)
            {
                break;
            }
        }
        _state = standIn.CurrentState;
        Depth = depth;
        TokenOffset = tokenOffset;
        _oversizeLength = length;
        IsOversize = true;
        if (depth == 0) _rootComplete = true;
    }

    /// <summary>True when anything but whitespace follows the root value (a second document: newline-delimited JSON).</summary>
    public async ValueTask<bool> HasTrailingContentAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!IsBlank(_buffer.AsSpan(_start, _end - _start))) return true;
            if (_eof) return false;
            _start = _end;
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool TryRead()
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        var reader = new Utf8JsonReader(span, _eof, _state);
        if (!reader.Read()) return false;
        _stateBeforeToken = _state;
        _startBeforeToken = _start;
        TokenType = reader.TokenType;
        Depth = reader.CurrentDepth;
        var tokenStart = (int)reader.TokenStartIndex;
        var consumed = (int)reader.BytesConsumed;
        _tokenStart = _start + tokenStart;
        _tokenLength = consumed - tokenStart;
        TokenOffset = _bufferOffset + _tokenStart;
        ValueIsEscaped = reader.ValueIsEscaped;
        if (TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            // The value sits between the quotes of the token.
            _valueStart = _tokenStart + 1;
            _valueLength = reader.ValueSpan.Length;
        }
        else if (TokenType == JsonTokenType.Number)
        {
            _valueStart = _tokenStart;
            _valueLength = reader.ValueSpan.Length;
        }
        else
        {
            _valueStart = _tokenStart;
            _valueLength = 0;
        }
        _state = reader.CurrentState;
        _start += consumed;
        _anyToken = true;
        if (Depth == 0 && TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName)) _rootComplete = true;
        return true;
    }

    private async ValueTask<bool> SkipBomAsync(CancellationToken cancellationToken)
    {
        if (_end - _start < 3 && !_eof)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        _bomChecked = true;
        if (_end - _start >= 3 && _buffer[_start] == 0xEF && _buffer[_start + 1] == 0xBB && _buffer[_start + 2] == 0xBF) _start += 3;
        return true;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        var dropped = ReadBuffer.Compact(_buffer, ref _start, ref _end);
        _bufferOffset += dropped;
        _startBeforeToken -= dropped;
        if (_end == _buffer.Length && !ReadBuffer.TryGrow(ref _buffer, _end, MaxElementBytes))
        {
            throw new InvalidDataException($"One JSON element is larger than {MaxElementBytes / (1024 * 1024)} MiB (at byte {_bufferOffset}); it is not read.");
        }
        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0) _eof = true;
        _end += n;
    }

    private static bool IsBlank(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
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
