namespace MuseumSync.Validation;

/// <summary>
/// The absolute-URL rule (an absolute http or https URL, as <see cref="Uri.TryCreate(string?, UriKind, out Uri?)"/>
/// judges it) without building a <see cref="Uri"/> for the common case: a URL in a conservative plain form (lowercase
/// scheme, DNS host of letters, digits and hyphens whose last label starts with a letter, optional port, then only
/// RFC 3986 characters and well-formed percent escapes) is accepted on sight; anything else is left to <see cref="Uri"/>.
/// The plain form is a subset of what <see cref="Uri"/> accepts, so the answer is the same either way.
/// </summary>
internal static class HttpUrl
{
    private const int MaxPlainLength = 2048;

    // RFC 3986 unreserved and sub-delims, ':', '@', '/', '?', plus '#' and '%' (checked again below).
    private static readonly System.Buffers.SearchValues<char> s_pathChars = System.Buffers.SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?#%");

    /// <summary>True when <paramref name="url"/> is an absolute http(s) URL.</summary>
    public static bool IsAbsoluteHttp(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (IsPlainHttp(url)) return true;
        return Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
    }

    /// <summary>True when <paramref name="s"/> is in the plain form; false means "not decided here", not "invalid".</summary>
    internal static bool IsPlainHttp(ReadOnlySpan<char> s)
    {
        if (s.Length > MaxPlainLength) return false;
        int i;
        if (s.StartsWith("https://", StringComparison.Ordinal)) i = 8;
        else if (s.StartsWith("http://", StringComparison.Ordinal)) i = 7;
        else return false;

        // Host: labels of [A-Za-z0-9-], 1..63 long, no hyphen at either end, separated by single dots; the last starts with a letter.
        var hostStart = i;
        var labelStart = i;
        while (true)
        {
            if (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '-'))
            {
                i++;
                continue;
            }
            var label = s[labelStart..i];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            if (label.Length >= 4 && label[2] == '-' && label[3] == '-') return false; // xn-- and other reserved forms: Uri decides
            if (i < s.Length && s[i] == '.')
            {
                i++;
                labelStart = i;
                continue;
            }
            if (!char.IsAsciiLetter(label[0])) return false; // not an IPv4-looking host
            break;
        }
        if (i - hostStart > 253) return false;

        // Port.
        if (i < s.Length && s[i] == ':')
        {
            i++;
            var portStart = i;
            var port = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]) && i - portStart < 5)
            {
                port = (port * 10) + (s[i] - '0');
                i++;
            }
            if (i == portStart || port > 65535) return false;
        }

        if (i == s.Length) return true;
        if (s[i] is not ('/' or '?' or '#')) return false;

        // Path, query, fragment: unreserved, sub-delims, ':', '@', '/', '?', one '#', and %HH escapes.
        var rest = s[i..];
        if (rest.IndexOfAnyExcept(s_pathChars) >= 0) return false;
        var hash = rest.IndexOf('#');
        if (hash >= 0 && rest[(hash + 1)..].Contains('#')) return false;
        for (var p = rest.IndexOf('%'); p >= 0; p = rest.IndexOf('%'))
        {
            if (p + 2 >= rest.Length || !char.IsAsciiHexDigit(rest[p + 1]) || !char.IsAsciiHexDigit(rest[p + 2])) return false;
            rest = rest[(p + 3)..];
        }
        return true;
    }
}
