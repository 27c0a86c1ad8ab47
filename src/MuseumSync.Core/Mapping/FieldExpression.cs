using System.Globalization;
using MuseumSync.Json;

namespace MuseumSync.Mapping;

/// <summary>
/// Where one <see cref="MuseumRecord"/> field comes from in a source record. The forms (combine them freely):
/// <list type="bullet">
/// <item><c>title</c> — a top-level property; <c>images[0].b.url</c> — a path into nested objects and arrays;</item>
/// <item><c>accession_number | invno</c> — the first one that is not empty (two schema generations of one dataset);</item>
/// <item><c>year(objectBeginDate)</c> — a year number as an ISO 8601 year: <c>1865</c>, <c>-1400</c> (1400 BCE, as the
/// source counts it), <c>+12345</c>; nothing for 0 (which APIs use for "unknown") or beyond nine digits;</item>
/// <item><c>https://www.artic.edu/iiif/2/{image_id}/full/843,/0/default.jpg</c> — a template; nothing when a value is empty;</item>
/// <item><c>isPublicDomain ? 'https://creativecommons.org/publicdomain/zero/1.0/' : 'http://rightsstatements.org/vocab/InC/1.0/'</c> — a choice;</item>
/// <item><c>'text'</c> — a constant; an empty expression — the field is not mapped.</item>
/// </list>
/// </summary>
internal abstract class FieldExpression
{
    public static FieldExpression Unmapped { get; } = new UnmappedExpression();

    public abstract IEnumerable<JsonPath> Paths { get; }

    /// <summary>The expression is one top-level property name (the fast mapper handles it).</summary>
    public bool IsTopLevelName => this is PathExpression { Path.Length: 1 } p && !p.Path.Segments[0].IsIndex;

    public abstract FieldValue Evaluate(IReadOnlyDictionary<JsonPath, FieldValue> values);

    public static FieldExpression Parse(string? text)
    {
        var t = text?.Trim() ?? string.Empty;
        if (t.Length == 0) return Unmapped;
        var q = IndexOutside(t, " ? ");
        if (q > 0)
        {
            var rest = t[(q + 3)..];
            var c = IndexOutside(rest, " : ");
            var then = c >= 0 ? rest[..c] : rest;
            var otherwise = c >= 0 ? rest[(c + 3)..] : null;
            return new ChoiceExpression(ParseTerm(t[..q]), ParseTerm(then), otherwise is null ? null : ParseTerm(otherwise));
        }
        var parts = SplitOutside(t, '|');
        return parts.Count > 1 ? new FirstOfExpression(parts.Select(ParseTerm).ToArray()) : ParseTerm(t);
    }

    private static FieldExpression ParseTerm(string text)
    {
        var t = text.Trim();
        if (t.Length == 0) return Unmapped;
        if (t.Length >= 2 && t[0] == '\'' && t[^1] == '\'') return new LiteralExpression(t[1..^1].Replace("''", "'", StringComparison.Ordinal));
        if (t.StartsWith("year(", StringComparison.OrdinalIgnoreCase) && t.EndsWith(')'))
        {
            return new YearExpression(JsonPath.Parse(t[5..^1]));
        }
        if (t.Contains('{', StringComparison.Ordinal)) return TemplateExpression.FromText(t);
        if (t.Contains('(', StringComparison.Ordinal) || t.Contains('\'', StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' is not a field expression; use a property path (images[0].url), 'a | b', year(path), a template with {{path}} or 'literal'.");
        }
        return new PathExpression(JsonPath.Parse(t));
    }

    private static int IndexOutside(string s, string token)
    {
        var depth = 0;
        var quoted = false;
        for (var i = 0; i + token.Length <= s.Length; i++)
        {
            var ch = s[i];
            if (ch == '\'') quoted = !quoted;
            else if (!quoted && ch is '{' or '(' or '[') depth++;
            else if (!quoted && ch is '}' or ')' or ']') depth--;
            else if (!quoted && depth == 0 && string.CompareOrdinal(s, i, token, 0, token.Length) == 0) return i;
        }
        return -1;
    }

    private static List<string> SplitOutside(string s, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch == '\'') quoted = !quoted;
            else if (!quoted && ch is '{' or '(' or '[') depth++;
            else if (!quoted && ch is '}' or ')' or ']') depth--;
            else if (!quoted && depth == 0 && ch == separator)
            {
                parts.Add(s[start..i]);
                start = i + 1;
            }
        }
        parts.Add(s[start..]);
        return parts;
    }

    private static bool HasText(string? s) => !string.IsNullOrWhiteSpace(s);

    private sealed class UnmappedExpression : FieldExpression
    {
        public override IEnumerable<JsonPath> Paths => [];

        public override FieldValue Evaluate(IReadOnlyDictionary<JsonPath, FieldValue> values) => default;
    }

    private sealed class PathExpression(JsonPath path) : FieldExpression
    {
        public JsonPath Path { get; } = path;

        public override IEnumerable<JsonPath> Paths => [Path];

        public override FieldValue Evaluate(IReadOnlyDictionary<JsonPath, FieldValue> values) => values.TryGetValue(Path, out var v) ? v : default;
    }

    private sealed class LiteralExpression(string value) : FieldExpression
    {
        public override IEnumerable<JsonPath> Paths => [];

        public override FieldValue Evaluate(IReadOnlyDictionary<JsonPath, FieldValue> values) => new(value, Present: true, WrongShape: false, WasNumber: false);
    }

    private sealed class FirstOfExpression(FieldExpression[] terms) : FieldExpression
    {
        public override IEnumerable<JsonPath> Paths => terms.SelectMany(t => t.Paths);

        public override FieldValue Evaluate(IReadOnlyDictionary<JsonPath, FieldValue> values)
        {
            var present = false;
            var wrongShape = false;
            foreach (var t in terms)
            {
                var v = t.Evaluate(values);
                if (HasText(v.Text)) return v;
                present |= v.Present;
                wrongShape |= v.WrongShape;
            }
            return new FieldValue(null, present, wrongShape, WasNumber: false);
        }
    }

    private sealed class YearExpression(JsonPath path) : FieldExpression
    {
        public override IEnumerable<JsonPath> Paths => [path];

        public override FieldValue Evaluate(IReadOnlyDictionary<JsonPath, FieldValue> values)
        {
            if (!values.TryGetValue(path, out var v) || v.Text is null) return v with { WasNumber = false };
            if (double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d != 0 && Math.Abs(d) <= s_maxYear && d == Math.Floor(d))
            {
                return new FieldValue(IsoYear((long)d), Present: true, WrongShape: false, WasNumber: false);
            }
            // Not a year MuseumSync can write as ISO 8601 (0, a range, free text): no date; the raw record keeps it.
            return new FieldValue(null, Present: true, WrongShape: false, WasNumber: false);
        }

        private static readonly double s_maxYear = Math.Pow(10, Validation.IsoDate.MaxYearDigits) - 1;

        /// <summary>Four digits for 1–9999; the signed (expanded) form before the common era and after 9999.</summary>
        private static string IsoYear(long year) => year switch
        {
            < 0 => "-" + (-year).ToString("D4", CultureInfo.InvariantCulture),
            > 9999 => "+" + year.ToString(CultureInfo.InvariantCulture),
            _ => year.ToString("D4", CultureInfo.InvariantCulture),
        };
    }

    private sealed class ChoiceExpression(FieldExpression condition, FieldExpression then, FieldExpression? otherwise) : FieldExpression
    {
        public override IEnumerable<JsonPath> Paths => condition.Paths.Concat(then.Paths).Concat(otherwise?.Paths ?? []);

        public override FieldValue Evaluate(IReadOnlyDictionary<JsonPath, FieldValue> values)
        {
            var c = condition.Evaluate(values).Text;
            var truthy = HasText(c) && !c!.Equals("false", StringComparison.OrdinalIgnoreCase) && c != "0" && !c.Equals("no", StringComparison.OrdinalIgnoreCase);
            return truthy ? then.Evaluate(values) : otherwise?.Evaluate(values) ?? default;
        }
    }

    private sealed class TemplateExpression(string[] literals, JsonPath[] holes) : FieldExpression
    {
        public override IEnumerable<JsonPath> Paths => holes;

        public static TemplateExpression FromText(string text)
        {
            var literals = new List<string>();
            var holes = new List<JsonPath>();
            var i = 0;
            while (true)
            {
                var open = text.IndexOf('{', i);
                if (open < 0)
                {
                    literals.Add(text[i..]);
                    break;
                }
                var close = text.IndexOf('}', open);
                if (close < 0) throw new FormatException($"'{text}': a '{{' has no '}}'.");
                literals.Add(text[i..open]);
                holes.Add(JsonPath.Parse(text[(open + 1)..close]));
                i = close + 1;
            }
            return new TemplateExpression(literals.ToArray(), holes.ToArray());
        }

        public override FieldValue Evaluate(IReadOnlyDictionary<JsonPath, FieldValue> values)
        {
            var parts = new string[holes.Length];
            for (var i = 0; i < holes.Length; i++)
            {
                if (!values.TryGetValue(holes[i], out var v) || !HasText(v.Text)) return default;
                parts[i] = v.Text!.Trim();
            }
            var sb = new System.Text.StringBuilder(literals[0]);
            for (var i = 0; i < parts.Length; i++) sb.Append(parts[i]).Append(literals[i + 1]);
            return new FieldValue(sb.ToString(), Present: true, WrongShape: false, WasNumber: false);
        }
    }
}

/// <summary>What a source record said at one path, or what an expression made of it.</summary>
internal readonly record struct FieldValue(string? Text, bool Present, bool WrongShape, bool WasNumber);
