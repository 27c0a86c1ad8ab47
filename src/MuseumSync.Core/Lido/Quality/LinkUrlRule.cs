namespace MuseumSync.Lido.Quality;

/// <summary><c>link-url</c>: resource and web links are absolute http(s) URLs, written as URLs (no spaces, non-ASCII percent-encoded).</summary>
internal sealed class LinkUrlRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("link-url", LidoSeverity.Warning,
        "lido:linkResource, lido:objectWebResource, lido:recordInfoLink and lido:legalBodyWeblink are absolute http(s) URLs.");

    private static readonly string[] s_links = ["linkResource", "objectWebResource", "recordInfoLink", "legalBodyWeblink"];

    public override LidoRuleInfo Info => s_info;

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (!element.IsLido || !s_links.Contains(element.LocalName) || text.Length == 0) return;
        if (Problem(text) is { } problem) findings.Add(s_info, element, $"{element.Name} '{(text.Length > 80 ? text[..80] + "…" : text)}' {problem}");
    }

    internal static string? Problem(string url)
    {
        if (url.Any(char.IsWhiteSpace)) return "contains spaces. Percent-encode them (%20) or correct the link.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(u.Host))
        {
            return "is not an absolute http(s) URL. Write the full address, starting with https://.";
        }
        var bad = url.FirstOrDefault(c => c > '~' || c < '!');
        return bad != default ? $"contains '{bad}', which must be percent-encoded in a URL." : null;
    }
}
