namespace MuseumSync.Http;

/// <summary>
/// Finds and masks the caller's own credential values (an API key, a token) in text a server sent back: a next link, a
/// cursor, a redirect target. Values shorter than <see cref="MinSearchedLength"/> are matched only as a whole value,
/// so a short test key does not mask ordinary words; real keys and tokens are far longer.
/// </summary>
internal static class SecretValues
{
    /// <summary>The shortest value searched for inside longer text. The value is 8 characters.</summary>
    public const int MinSearchedLength = 8;

    /// <summary>True when <paramref name="text"/> is, or (for values of <see cref="MinSearchedLength"/> or more) contains, one of <paramref name="values"/>, as it is or percent-encoded.</summary>
    public static bool Contains(string text, IReadOnlyCollection<string>? values)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (values is null) return false;
        foreach (var v in values)
        {
            if (v.Length == 0) continue;
            if (text.Equals(v, StringComparison.Ordinal)) return true;
            if (v.Length < MinSearchedLength) continue;
            if (text.Contains(v, StringComparison.Ordinal) || text.Contains(Uri.EscapeDataString(v), StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary><paramref name="text"/> with every value of <see cref="MinSearchedLength"/> or more (as it is or percent-encoded) replaced by <c>***</c>.</summary>
    public static string Mask(string text, IReadOnlyCollection<string>? values)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (values is null) return text;
        foreach (var v in values)
        {
            if (v.Length < MinSearchedLength) continue;
            text = text.Replace(v, "***", StringComparison.Ordinal).Replace(Uri.EscapeDataString(v), "***", StringComparison.OrdinalIgnoreCase);
        }
        return text;
    }
}
