using System.Text.Json;

namespace MuseumSync.Mapping;

/// <summary>
/// What both JSON record mappers (<see cref="JsonRecordMapper"/> for top-level names, <see cref="ExpressionRecordMapper"/>
/// for paths and templates) say about a record that is not one JSON object: one wording for the same fault, whichever
/// mapper read it.
/// </summary>
internal static class JsonRecordShape
{
    /// <summary>The reader options both mappers read a record with.</summary>
    public static JsonReaderOptions Options => new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 };

    /// <summary>The error when <paramref name="reader"/> is not at the start of an object after its first read; null when it is.</summary>
    public static string? OpenError(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) return "the line is empty";
        return reader.TokenType == JsonTokenType.StartObject ? null : $"expected a JSON object but found {Describe(reader.TokenType)}";
    }

    /// <summary>The error when anything follows the closing brace (a second document, stray text); null when nothing does.</summary>
    public static string? TrailingError(ref Utf8JsonReader reader) =>
        reader.Read() ? $"unexpected content after the JSON object at byte {reader.TokenStartIndex}" : null;

    /// <summary>The error for a record the reader could not parse.</summary>
    public static string SyntaxError(JsonException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var message = ex.Message;
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return $"the text is not valid JSON (byte {ex.BytePositionInLine ?? 0}): {(i > 0 ? message[..i] : message)}";
    }

    /// <summary>The error for a text value that is not valid UTF-8 (or has an invalid escape).</summary>
    public const string InvalidUtf8 = "a text value is not valid UTF-8";

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };
}
