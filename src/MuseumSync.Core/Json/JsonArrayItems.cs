using System.Text;
using System.Text.Json;

namespace MuseumSync.Json;

/// <summary>
/// The elements of one JSON array (the stream starts at its <c>[</c>), one at a time across buffer refills. A string
/// element is handed out as its decoded text (some APIs put a record they could not serialise there as a string), any
/// other element as its raw bytes.
/// </summary>
internal sealed class JsonArrayItems : IDisposable
{
    private readonly JsonStreamReader _reader;
    private readonly bool _single;
    private bool _started;
    private bool _done;
    private byte[]? _decoded;
    private int _decodedLength;
    private bool _currentIsDecoded;

    /// <param name="stream">The stream, positioned at the array (or, with <paramref name="singleObject"/>, at one object).</param>
    /// <param name="singleObject">The stream holds one record object rather than an array of them.</param>
    /// <param name="maxElementBytes">The largest element held.</param>
    /// <param name="oversizePrefixBytes">0: a larger element throws; otherwise it is read past and this many of its first bytes are <see cref="Current"/>.</param>
    public JsonArrayItems(Stream stream, bool singleObject = false, int maxElementBytes = 64 * 1024 * 1024, int oversizePrefixBytes = 0)
    {
        _reader = new JsonStreamReader(stream, maxElementBytes: maxElementBytes, oversizePrefixBytes: oversizePrefixBytes);
        _single = singleObject;
    }

    /// <summary>True when the current element was too large to hold: <see cref="Current"/> is its start, <see cref="CurrentLength"/> its true length.</summary>
    public bool CurrentIsOversize => !_currentIsDecoded && _reader.IsOversize;

    /// <summary>The current element's true length in bytes.</summary>
    public long CurrentLength => _currentIsDecoded ? _decodedLength : _reader.ElementLength;

    /// <summary>The current element's bytes (a string element's decoded UTF-8 text). Valid until the next read.</summary>
    public ReadOnlySpan<byte> Current => _currentIsDecoded ? _decoded.AsSpan(0, _decodedLength) : _reader.Raw;

    /// <summary>The current element as text, for scalar elements (ids): strings unescaped, numbers as written.</summary>
    public string? CurrentText => _reader.GetText();

    /// <summary>The current element's token type.</summary>
    public JsonTokenType CurrentType { get; private set; }

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        if (_done) return false;
        _currentIsDecoded = false;
        if (!_started)
        {
            _started = true;
            if (!await _reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _done = true;
                return false;
            }
            if (_single)
            {
                await _reader.SkipAsync(cancellationToken).ConfigureAwait(false);
                CurrentType = _reader.TokenType;
                _done = true;
                return true;
            }
            if (_reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"Expected an array of records but found {_reader.TokenType}.");
            }
        }
        if (!await _reader.ReadAsync(cancellationToken).ConfigureAwait(false) || (_reader.TokenType == JsonTokenType.EndArray && _reader.Depth == 0))
        {
            _done = true;
            return false;
        }
        CurrentType = _reader.TokenType;
        if (CurrentType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            await _reader.SkipAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (CurrentType == JsonTokenType.String)
        {
            var text = _reader.GetText() ?? string.Empty;
            var n = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_decoded is null || _decoded.Length < n) _decoded = new byte[Math.Max(n, 256)];
            _decodedLength = Encoding.UTF8.GetBytes(text, _decoded);
            _currentIsDecoded = true;
        }
        return true;
    }

    public void Dispose() => _reader.Dispose();
}
