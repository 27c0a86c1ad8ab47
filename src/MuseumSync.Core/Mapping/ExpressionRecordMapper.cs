using System.Text;
using System.Text.Json;
using MuseumSync.Json;

namespace MuseumSync.Mapping;

/// <summary>
/// Reads one JSON record for a <see cref="FieldMap"/> with paths, choices and templates: one forward pass with
/// <see cref="Utf8JsonReader"/> collects the values at every path the expressions name (objects and arrays off those
/// paths are skipped unread), then each field's expression is evaluated. No document is built.
/// </summary>
internal sealed class ExpressionRecordMapper
{
    private readonly FieldExpression[] _fields;
    private readonly JsonPath[] _paths;
    private readonly byte[]?[][] _names;
    private readonly int _maxDepth;

    public ExpressionRecordMapper(FieldMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        Map = map;
        _fields = map.Expressions();
        _paths = _fields.SelectMany(f => f.Paths).Where(p => p.Length > 0).Distinct().ToArray();
        if (_paths.Length > 63) throw new ArgumentException("A field map may name at most 63 distinct paths.", nameof(map));
        _names = _paths.Select(p => p.Segments.Select(s => s.IsIndex ? null : Encoding.UTF8.GetBytes(s.Name!)).ToArray()).ToArray();
        _maxDepth = _paths.Length == 0 ? 1 : _paths.Max(p => p.Length) + 1;
    }

    public FieldMap Map { get; }

    public RawFields Read(ReadOnlySpan<byte> json)
    {
        var fields = RawFields.Create();
        var found = new FieldValue[_paths.Length];
        try
        {
            var reader = new Utf8JsonReader(json, JsonRecordShape.Options);
            if (JsonRecordShape.OpenError(ref reader) is { } notAnObject)
            {
                fields.JsonError = notAnObject;
                return fields;
            }
            Walk(ref reader, found);
            fields.JsonError = JsonRecordShape.TrailingError(ref reader);
        }
        catch (JsonException ex)
        {
            fields.JsonError = JsonRecordShape.SyntaxError(ex);
            return fields;
        }
        catch (InvalidOperationException)
        {
            fields.JsonError = JsonRecordShape.InvalidUtf8;
            return fields;
        }

        var values = new Dictionary<JsonPath, FieldValue>(_paths.Length);
        for (var i = 0; i < _paths.Length; i++) values[_paths[i]] = found[i];
        for (var f = 0; f < RawFields.Count; f++)
        {
            var v = _fields[f].Evaluate(values);
            fields.Values[f] = v.Text;
            fields.Present[f] = v.Present;
            fields.WrongShape[f] = v.WrongShape;
            fields.WasNumber[f] = v.WasNumber;
        }
        return fields;
    }

    /// <summary>Walks the record from its opening brace; each container level keeps the set of paths still possible below it.</summary>
    private void Walk(ref Utf8JsonReader reader, FieldValue[] found)
    {
        Span<ulong> masks = stackalloc ulong[_maxDepth + 1];
        Span<int> indexes = stackalloc int[_maxDepth + 1];
        Span<bool> arrays = stackalloc bool[_maxDepth + 1];
        var level = 0;
        masks[0] = (1UL << _paths.Length) - 1;
        arrays[0] = false;
        while (reader.Read())
        {
            var type = reader.TokenType;
            if (type is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                if (level == 0) return;
                level--;
                continue;
            }
            ulong pending = 0;
            var candidates = masks[level];
            if (arrays[level])
            {
                var index = indexes[level]++;
                for (var i = 0; candidates != 0; i++, candidates >>= 1)
                {
                    if ((candidates & 1) != 0 && _paths[i].Segments[level] is { IsIndex: true } s && s.Index == index) pending |= 1UL << i;
                }
            }
            else
            {
                // A property name, then its value.
                for (var i = 0; candidates != 0; i++, candidates >>= 1)
                {
                    if ((candidates & 1) != 0 && _names[i][level] is { } name && reader.ValueTextEquals(name)) pending |= 1UL << i;
                }
                reader.Read();
                type = reader.TokenType;
            }

            ulong deeper = 0;
            for (var i = 0; pending >> i != 0; i++)
            {
                if ((pending & (1UL << i)) == 0) continue;
                if (_paths[i].Length == level + 1)
                {
                    found[i] = Capture(ref reader, type);
                }
                else
                {
                    deeper |= 1UL << i;
                }
            }
            if (type is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (deeper != 0 && level + 1 < masks.Length)
                {
                    level++;
                    masks[level] = deeper;
                    arrays[level] = type == JsonTokenType.StartArray;
                    indexes[level] = 0;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
    }

    private static FieldValue Capture(ref Utf8JsonReader reader, JsonTokenType type) => type switch
    {
        JsonTokenType.String => new FieldValue(reader.GetString(), true, false, false),
        JsonTokenType.Number => new FieldValue(Encoding.UTF8.GetString(reader.ValueSpan), true, false, true),
        JsonTokenType.True => new FieldValue("true", true, false, false),
        JsonTokenType.False => new FieldValue("false", true, false, false),
        JsonTokenType.Null => new FieldValue(null, true, false, false),
        _ => new FieldValue(null, true, true, false),
    };
}
