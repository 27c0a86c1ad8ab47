namespace MuseumSync.Paging;

/// <summary>RFC 8288 <c>Link</c> header parsing, enough to find <c>rel="next"</c>.</summary>
internal static class LinkHeader
{
    /// <summary>Returns the target of the first link whose <c>rel</c> includes <paramref name="rel"/>, resolved against <paramref name="baseUri"/>.</summary>
    public static Uri? FindRel(IEnumerable<string> headerValues, string rel, Uri baseUri)
    {
        ArgumentNullException.ThrowIfNull(headerValues);
        foreach (var value in headerValues)
        {
            var rest = value.AsSpan();
            while (true)
            {
                var lt = rest.IndexOf('<');
                if (lt < 0) break;
                var gt = rest[(lt + 1)..].IndexOf('>');
                if (gt < 0) break;
                var target = rest.Slice(lt + 1, gt).Trim().ToString();
                rest = rest[(lt + gt + 2)..];
                // Parameters run to the next comma that is not inside quotes.
                var end = 0;
                var quoted = false;
                while (end < rest.Length && (quoted || rest[end] != ','))
                {
                    if (rest[end] == '"') quoted = !quoted;
                    end++;
                }
                var parameters = rest[..end];
                rest = end < rest.Length ? rest[(end + 1)..] : ReadOnlySpan<char>.Empty;
                if (HasRel(parameters, rel) && Uri.TryCreate(baseUri, target, out var uri)) return uri;
            }
        }
        return null;
    }

    private static bool HasRel(ReadOnlySpan<char> parameters, string rel)
    {
        foreach (var part in SplitOutsideQuotes(parameters.ToString(), ';'))
        {
            var p = part.Trim();
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || !p[..eq].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase)) continue;
            var v = p[(eq + 1)..].Trim().Trim('"');
            foreach (var r in v.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (r.Equals(rel, StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    private static IEnumerable<string> SplitOutsideQuotes(string s, char separator)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '"') quoted = !quoted;
            else if (s[i] == separator && !quoted)
            {
                yield return s[start..i];
                start = i + 1;
            }
        }
        yield return s[start..];
    }
}
