namespace MuseumSync.Lido.Quality;

/// <summary><c>uri-identifier</c>: an identifier typed as a URI (<c>lido:type="http://terminology.lido-schema.org/lido00099"</c> or <c>"uri"</c>) holds a URI.</summary>
internal sealed class UriIdentifierRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("uri-identifier", LidoSeverity.Warning,
        "An identifier whose lido:type says URI (lido00099, 'uri') holds an absolute URI, not a local code such as 'AAT 300041405'.");

    public override LidoRuleInfo Info => s_info;

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (text.Length == 0 || element.LidoType is not { } type || !IsUriType(type.Trim())) return;
        if (!text.Any(char.IsWhiteSpace) && Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" or "urn" or "info" or "doi" or "ark") return;
        findings.Add(s_info, element, $"{element.Name} is typed as a URI (lido:type=\"{type}\") but holds '{(text.Length > 60 ? text[..60] + "…" : text)}'. Write the full URI (for example http://vocab.getty.edu/aat/300041405) or give it another lido:type.");
    }

    private static bool IsUriType(string type) =>
        type == LidoNames.TypeUri || type.Equals("uri", StringComparison.OrdinalIgnoreCase) || type.EndsWith("/uri", StringComparison.OrdinalIgnoreCase);
}
