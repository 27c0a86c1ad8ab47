using System.Text;
using System.Text.Json;

namespace MuseumSync.Mapping;

/// <summary>
/// Reads one JSON record in a single forward pass with <see cref="Utf8JsonReader"/> and picks out the mapped
/// top-level properties; everything else is skipped without being materialised.
/// </summary>
internal sealed class JsonRecordMapper
{
    private readonly byte[][] _names;
    private readonly ValueCache?[] _caches = new ValueCache?[RawFields.Count];

    public JsonRecordMapper(FieldMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _names = map.Names().Select(Encoding.UTF8.GetBytes).ToArray();
        Map = map;
        // Fields with a small vocabulary repeat the same few values record after record: their strings are shared.
        _caches[(int)MappedField.RightsStatement] = new ValueCache();
        _caches[(int)MappedField.AccessTier] = new ValueCache();
    }

    public FieldMap Map { get; }

    public RawFields Read(ReadOnlySpan<byte> json) => Read(json, RawFields.Create());

    /// <summary>Reads into <paramref name="fields"/>' arrays, cleared first (for a caller that reuses them record after record).</summary>
    public RawFields Read(ReadOnlySpan<byte> json, RawFields fields)
    {
        fields.Clear();
        try
        {
            var reader = new Utf8JsonReader(json, JsonRecordShape.Options);
            if (JsonRecordShape.OpenError(ref reader) is { } notAnObject)
            {
                fields.JsonError = notAnObject;
                return fields;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = Match(ref reader);
                reader.Read();
                if (index < 0)
                {
                    reader.Skip();
                    continue;
                }
                fields.Present[index] = true;
                fields.WrongShape[index] = false;
                fields.WasNumber[index] = false;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        fields.Values[index] = _caches[index] is { } cache && !reader.ValueIsEscaped ? cache.Get(ref reader) : reader.GetString();
                        break;
                    case JsonTokenType.Number:
                        fields.Values[index] = Encoding.UTF8.GetString(reader.ValueSpan);
                        fields.WasNumber[index] = true;
                        break;
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                        fields.Values[index] = reader.TokenType == JsonTokenType.True ? "true" : "false";
                        break;
                    case JsonTokenType.Null:
                        fields.Values[index] = null;
                        break;
                    default:
                        fields.Values[index] = null;
                        fields.WrongShape[index] = true;
                        reader.Skip();
                        break;
                }
            }
            // Anything after the closing brace (a second document, stray text) makes the line invalid.
            fields.JsonError = JsonRecordShape.TrailingError(ref reader);
        }
        catch (JsonException ex)
        {
            fields.JsonError = JsonRecordShape.SyntaxError(ex);
        }
        catch (InvalidOperationException)
        {
            // GetString() on a string with invalid UTF-8 (or an invalid escape).
            fields.JsonError = JsonRecordShape.InvalidUtf8;
        }
        return fields;
    }

    private int Match(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            for (var i = 0; i < _names.Length; i++)
            {
                if (reader.ValueTextEquals(_names[i])) return i;
            }
            return -1;
        }
        var name = reader.ValueSpan;
        if (name.IsEmpty) return -1; // an unmapped field's name is empty: a property named "" feeds nothing
        for (var i = 0; i < _names.Length; i++)
        {
            var candidate = _names[i];
            if (candidate.Length == name.Length && name.SequenceEqual(candidate)) return i;
        }
        return -1;
    }

    /// <summary>
    /// The last few distinct values of one field, as UTF-8 and as the string handed out: a value seen before costs no
    /// allocation. Safe for concurrent readers: an entry is replaced whole, never changed.
    /// </summary>
    private sealed class ValueCache
    {
        private const int Size = 16;
        private const int MaxValueBytes = 256;
        private readonly Entry?[] _entries = new Entry?[Size];
        private int _next;

        /// <summary>The current string token (not escaped, one segment) as a string, shared when seen before.</summary>
        public string Get(ref Utf8JsonReader reader)
        {
            var utf8 = reader.ValueSpan;
            foreach (var e in _entries)
            {
                if (e is not null && utf8.SequenceEqual(e.Utf8)) return e.Text;
            }
            var text = reader.GetString()!; // throws on invalid UTF-8, as without the cache
            if (utf8.Length <= MaxValueBytes)
            {
                var slot = (int)((uint)Interlocked.Increment(ref _next) % Size);
                _entries[slot] = new Entry(utf8.ToArray(), text);
            }
            return text;
        }

        private sealed record Entry(byte[] Utf8, string Text);
    }
}
