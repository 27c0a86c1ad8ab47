namespace MuseumSync.Lido;

/// <summary>
/// Checks language tags (<c>xml:lang</c>) the way an aggregator does: well-formed BCP 47 (RFC 5646) whose primary
/// language is a real ISO 639 code. <c>de</c>, <c>deu</c>, <c>ger</c>, <c>en-GB</c>, <c>zh-Hant-TW</c>, <c>mul</c>
/// and <c>und</c> pass; <c>deutsch</c>, <c>xx</c>, <c>en_GB</c> do not.
/// </summary>
internal static class LanguageTag
{
    private static readonly Lazy<HashSet<string>> s_codes = new(() =>
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in Iso639Codes.TwoLetter.Split(' ', StringSplitOptions.RemoveEmptyEntries)) set.Add(c);
        foreach (var c in Iso639Codes.ThreeLetter.Split(' ', StringSplitOptions.RemoveEmptyEntries)) set.Add(c);
        return set;
    });

    /// <summary>True when <paramref name="code"/> is an ISO 639 language code (two or three letters, any case), including the local-use range qaa–qtz.</summary>
    public static bool IsIso639(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length == 3 && char.ToLowerInvariant(code[0]) == 'q' && char.ToLowerInvariant(code[1]) is >= 'a' and <= 't' && char.IsAsciiLetter(code[2])) return true;
        return code.Length is 2 or 3 && s_codes.Value.Contains(code);
    }

    /// <summary>Checks a tag; on failure <paramref name="problem"/> says what is wrong, in a sentence fragment.</summary>
    public static bool IsValid(string tag, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(tag);
        problem = null;
        if (tag.Length == 0)
        {
            problem = "is empty";
            return false;
        }
        if (tag.Contains('_', StringComparison.Ordinal))
        {
            problem = "uses '_'; BCP 47 separates subtags with '-' (en-GB, not en_GB)";
            return false;
        }
        var parts = tag.Split('-');
        if (parts.Any(p => p.Length == 0 || p.Length > 8 || !p.All(char.IsAsciiLetterOrDigit)))
        {
            problem = "is not a well-formed BCP 47 tag (subtags are 1 to 8 letters or digits, separated by '-')";
            return false;
        }
        var first = parts[0];
        if (first.Equals("x", StringComparison.OrdinalIgnoreCase) || first.Equals("i", StringComparison.OrdinalIgnoreCase))
        {
            return parts.Length > 1; // private use (x-…) and the grandfathered i-… tags
        }
        if (!first.All(char.IsAsciiLetter) || first.Length is < 2 or > 3)
        {
            problem = parts.Length == 1
                ? "is not a language code; use an ISO 639 code such as 'de' or 'deu'"
                : $"starts with '{first}', which is not a language code; use an ISO 639 code such as 'en' or 'eng'";
            return false;
        }
        if (!IsIso639(first))
        {
            problem = parts.Length == 1 ? "is not an ISO 639 language code" : $"starts with '{first}', which is not an ISO 639 language code";
            return false;
        }
        return CheckRest(parts, out problem);
    }

    private static bool CheckRest(string[] parts, out string? problem)
    {
        problem = null;
        var i = 1;
        // extlang (up to three 3-letter subtags), script, region, variants, extensions, private use: in that order.
        var ext = 0;
        while (i < parts.Length && ext < 3 && parts[i].Length == 3 && parts[i].All(char.IsAsciiLetter)) { i++; ext++; }
        if (i < parts.Length && parts[i].Length == 4 && parts[i].All(char.IsAsciiLetter)) i++;
        if (i < parts.Length && ((parts[i].Length == 2 && parts[i].All(char.IsAsciiLetter)) || (parts[i].Length == 3 && parts[i].All(char.IsAsciiDigit)))) i++;
        while (i < parts.Length && (parts[i].Length >= 5 || (parts[i].Length == 4 && char.IsAsciiDigit(parts[i][0])))) i++;
        while (i < parts.Length && parts[i].Length == 1)
        {
            var singleton = parts[i];
            var n = i + 1;
            while (n < parts.Length && parts[n].Length >= (singleton is "x" or "X" ? 1 : 2)) n++;
            if (n == i + 1)
            {
                problem = $"has the subtag '{singleton}' with nothing after it";
                return false;
            }
            i = n;
            if (singleton is "x" or "X") break;
        }
        if (i < parts.Length)
        {
            problem = $"has the subtag '{parts[i]}' where BCP 47 allows none (expected script, region or variant)";
            return false;
        }
        return true;
    }
}
