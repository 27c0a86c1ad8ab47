using System.Text.RegularExpressions;

namespace MuseumSync.Compliance;

/// <summary>
/// Rights URIs as the compliance rules compare them. The same statement is published under several spellings
/// (<c>https://creativecommons.org/licenses/by/4.0/deed.de</c>, <c>http://creativecommons.org/licenses/by/4.0/legalcode</c>),
/// so matching uses one normalized form: no scheme, lower case, no trailing slash, no <c>legalcode</c> or <c>deed.xx</c>.
/// </summary>
public static partial class RightsUri
{
    /// <summary>The normalized prefix of every rightsstatements.org In Copyright statement (InC, InC-EDU, InC-NC, InC-OW-EU, InC-RUU).</summary>
    public const string InCopyrightPrefix = "rightsstatements.org/vocab/inc";

    /// <summary>The normalized CC0 1.0 deed, which CC0 given as text also normalizes to.</summary>
    private const string Cc0 = "creativecommons.org/publicdomain/zero/1.0";

    /// <summary>
    /// Normalizes a rights URI for matching: <c>HTTPS://CreativeCommons.org/licenses/by/4.0/deed.de</c> becomes
    /// <c>creativecommons.org/licenses/by/4.0</c>. CC0 given as text (<c>CC0</c>, as the Smithsonian Open Access API's
    /// <c>metadata_usage.access</c> says it, https://edan.si.edu/openaccess/apidocs/; or its SPDX id <c>CC0-1.0</c>)
    /// becomes the CC0 deed's form, so the rules for the CC0 URI match it too.
    /// </summary>
    public static string Normalize(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var s = uri.Trim().ToLowerInvariant();
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) s = s[(scheme + 3)..];
        if (s.StartsWith("www.", StringComparison.Ordinal)) s = s[4..];
        var query = s.IndexOfAny(['?', '#']);
        if (query >= 0) s = s[..query];
        s = s.TrimEnd('/');
        s = DeedOrLegalCode().Replace(s, string.Empty);
        s = s.TrimEnd('/');
        return s is "cc0" or "cc0-1.0" or "cc0 1.0" ? Cc0 : s;
    }

    /// <summary>True for a statement the rights vocabularies know: rightsstatements.org or Creative Commons (licenses and public domain tools).</summary>
    public static bool IsKnownVocabulary(string uri)
    {
        if (!IsAbsoluteHttp(uri)) return false;
        var n = Normalize(uri);
        return n.StartsWith("rightsstatements.org/vocab/", StringComparison.Ordinal)
            || n.StartsWith("creativecommons.org/licenses/", StringComparison.Ordinal)
            || n.StartsWith("creativecommons.org/publicdomain/", StringComparison.Ordinal);
    }

    /// <summary>True for a normalized rightsstatements.org In Copyright statement.</summary>
    public static bool IsInCopyright(string normalized) => normalized.StartsWith(InCopyrightPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The form IIIF Presentation 3.0 requires in <c>rights</c>: <c>http://</c>, the canonical path with a trailing slash,
    /// no <c>deed.xx</c>; null when the URI is not from Creative Commons or rightsstatements.org.
    /// </summary>
    public static string? ToIiifForm(string uri)
    {
        if (!IsKnownVocabulary(uri)) return null;
        var u = new Uri(uri.Trim());
        var host = u.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? u.Host[4..] : u.Host;
        var path = DeedOrLegalCode().Replace(u.AbsolutePath.TrimEnd('/'), string.Empty).TrimEnd('/');
        return $"http://{host.ToLowerInvariant()}{path}/";
    }

    private static bool IsAbsoluteHttp(string uri) =>
        Uri.TryCreate(uri.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex(@"/(legalcode(\.[a-z-]+)?|deed\.[a-z-]+)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DeedOrLegalCode();
}
