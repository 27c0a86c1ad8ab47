using System.Text;
using System.Text.Json;
using MuseumSync.Json;

namespace MuseumSync.Storage;

/// <summary>Dead-letter reasons are stored as a JSON array of <c>{field, rule, message}</c>.</summary>
internal static class DeadLetterReasons
{
    /// <summary>
    /// The reasons as stored: the text <see cref="Utf8JsonWriter"/> writes with its default encoder. Written directly
    /// when every value is printable ASCII (per dead letter, so warm code); through the writer otherwise.
    /// </summary>
    public static string ToJson(IReadOnlyList<ValidationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var json = new StringBuilder("[", 64 + (issues.Count * 128));
        for (var n = 0; n < issues.Count; n++)
        {
            var i = issues[n];
            if (n > 0) json.Append(',');
            json.Append("{\"field\":");
            if (!JsonStringText.TryAppendDefault(json, i.Field)) return Written(issues);
            json.Append(",\"rule\":");
            if (!JsonStringText.TryAppendDefault(json, i.Rule)) return Written(issues);
            json.Append(",\"message\":");
            if (!JsonStringText.TryAppendDefault(json, i.Message)) return Written(issues);
            json.Append('}');
        }
        return json.Append(']').ToString();
    }

    /// <summary>The reasons as <see cref="Utf8JsonWriter"/> writes them: the path for any text, and the reference the direct path matches.</summary>
    internal static string Written(IReadOnlyList<ValidationIssue> issues)
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
