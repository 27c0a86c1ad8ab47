using System.Text.Json;

namespace MuseumSync.Storage;

/// <summary>Dead-letter reasons are stored as a JSON array of <c>{field, rule, message}</c>.</summary>
internal static class DeadLetterReasons
{
    public static string ToJson(IReadOnlyList<ValidationIssue> issues)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var i in issues)
            {
                w.WriteStartObject();
                w.WriteString("field", i.Field);
                w.WriteString("rule", i.Rule);
                w.WriteString("message", i.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    public static IReadOnlyList<ValidationIssue> FromJson(string json)
    {
        var list = new List<ValidationIssue>();
        using var doc = JsonDocument.Parse(json);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            list.Add(new ValidationIssue(e.GetProperty("field").GetString() ?? "", e.GetProperty("rule").GetString() ?? "", e.GetProperty("message").GetString() ?? ""));
        }
        return list;
    }
}
