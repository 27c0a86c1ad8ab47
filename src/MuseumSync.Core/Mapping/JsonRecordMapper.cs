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

    public JsonRecordMapper(FieldMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _names = map.Names().Select(Encoding.UTF8.GetBytes).ToArray();
        Map = map;
    }

    public FieldMap Map { get; }

    public RawFields Read(ReadOnlySpan<byte> json)
    {
        var fields = RawFields.Create();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 });
            if (!reader.Read())
            {
                fields.JsonError = "the line is empty";
                return fields;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                fields.JsonError = $"expected a JSON object but found {Describe(reader.TokenType)}";
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
                        fields.Values[index] = reader.GetString();
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
            if (reader.Read())
            {
                fields.JsonError = $"unexpected content after the JSON object at byte {reader.TokenStartIndex}";
            }
        }
        catch (JsonException ex)
        {
            fields.JsonError = $"the text is not valid JSON (byte {ex.BytePositionInLine ?? 0}): {FirstSentence(ex.Message)}";
        }
        catch (InvalidOperationException)
        {
            // GetString() on a string with invalid UTF-8 (or an invalid escape).
            fields.JsonError = "a text value is not valid UTF-8";
        }
        return fields;
    }

    private int Match(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (reader.ValueTextEquals(_names[i])) return i;
        }
        return -1;
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
