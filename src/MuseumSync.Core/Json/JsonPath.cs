using System.Globalization;
using System.Text;

namespace MuseumSync.Json;

/// <summary>One step of a <see cref="JsonPath"/>: a property name or an array index.</summary>
internal readonly record struct JsonPathSegment(string? Name, int Index)
{
    public bool IsIndex => Name is null;
}

/// <summary>
/// A simple JSON path: property names separated by dots, array indexes in brackets (<c>pagination.next_url</c>,
/// <c>images[0].b.url</c>, <c>response.rows</c>). The empty path (or <c>$</c>) is the root.
/// </summary>
internal sealed class JsonPath : IEquatable<JsonPath>
{
    private JsonPath(string text, JsonPathSegment[] segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    public JsonPathSegment[] Segments { get; }

    public int Length => Segments.Length;

    public static JsonPath Root { get; } = new(string.Empty, []);

    public static JsonPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.StartsWith('$')) t = t[1..].TrimStart('.');
        var segments = new List<JsonPathSegment>();
        var name = new StringBuilder();
        for (var i = 0; i < t.Length; i++)
        {
            var c = t[i];
            if (c == '.')
            {
                Flush();
            }
            else if (c == '[')
            {
                Flush();
                var close = t.IndexOf(']', i);
                if (close < 0) throw new FormatException($"'{text}': a '[' has no ']'.");
                var inside = t[(i + 1)..close].Trim();
                if (inside.Length >= 2 && (inside[0] == '\'' || inside[0] == '"') && inside[^1] == inside[0])
                {
                    segments.Add(new JsonPathSegment(inside[1..^1], -1));
                }
                else if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(new JsonPathSegment(null, index));
                }
                else
                {
                    throw new FormatException($"'{text}': '[{inside}]' is not an array index or a quoted name.");
                }
                i = close;
            }
            else
            {
                name.Append(c);
            }
        }
        Flush();
        return new JsonPath(text.Trim(), segments.ToArray());

        void Flush()
        {
            if (name.Length == 0) return;
            segments.Add(new JsonPathSegment(name.ToString(), -1));
            name.Clear();
        }
    }

    /// <summary>True when <paramref name="path"/> (the walker's current path) is this path.</summary>
    public bool Matches(IReadOnlyList<JsonPathSegment> path)
    {
        if (path.Count != Segments.Length) return false;
        for (var i = 0; i < Segments.Length; i++)
        {
            var a = Segments[i];
            var b = path[i];
            if (a.IsIndex != b.IsIndex) return false;
            if (a.IsIndex ? a.Index != b.Index : !string.Equals(a.Name, b.Name, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    public bool Equals(JsonPath? other) => other is not null && Text == other.Text;

    public override bool Equals(object? obj) => obj is JsonPath p && Equals(p);

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}
