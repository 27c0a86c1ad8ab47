using System.Text.Json;

namespace MuseumSync.Iiif;

/// <summary>Which Presentation API version a document declares, from its <c>@context</c> (and 2.x's <c>@type</c>).</summary>
internal static class IiifVersion
{
    public static string? Detect(JsonElement root)
    {
        var contexts = Contexts(root).ToList();
        if (contexts.Any(c => c.Contains("/presentation/2/", StringComparison.Ordinal))) return "2.x";
        if (contexts.Any(c => c.Contains("/presentation/4/", StringComparison.Ordinal))) return "4.0";
        if (contexts.Any(c => c.Contains("/presentation/3/", StringComparison.Ordinal))) return "3.0";
        if (root.TryGetProperty("@type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.StartsWith("sc:", StringComparison.Ordinal)) return "2.x";
        return null;
    }

    public static string Evidence(JsonElement root)
    {
        var context = Contexts(root).FirstOrDefault(c => c.Contains("/presentation/", StringComparison.Ordinal));
        var type = root.TryGetProperty("@type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
            : root.TryGetProperty("type", out var t3) && t3.ValueKind == JsonValueKind.String ? t3.GetString() : null;
        var parts = new List<string>();
        if (context is not null) parts.Add($"@context {context}");
        if (type is not null) parts.Add($"type {type}");
        return string.Join(", ", parts);
    }

    private static IEnumerable<string> Contexts(JsonElement root)
    {
        if (!root.TryGetProperty("@context", out var c)) yield break;
        if (c.ValueKind == JsonValueKind.String)
        {
            yield return c.GetString()!;
        }
        else if (c.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in c.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String) yield return item.GetString()!;
            }
        }
    }
}
