using MuseumSync.Compliance;

namespace MuseumSync.Lido.Quality;

/// <summary>
/// <c>rights-uri</c>: every rights set (<c>lido:rightsWorkSet</c>, <c>lido:recordRights</c>, <c>lido:rightsResource</c>)
/// states its rights as a rightsstatements.org or Creative Commons URI, which is what aggregators read.
/// </summary>
internal sealed class RightsUriRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("rights-uri", LidoSeverity.Warning,
        "Every rights set (lido:rightsWorkSet, lido:recordRights, lido:rightsResource) states its rights as a rightsstatements.org or Creative Commons URI.");

    private static readonly string[] s_sets = ["rightsWorkSet", "recordRights", "rightsResource"];
    private bool _inSet;
    private int _rightsTypes;
    private bool _known;
    private string? _otherUri;
    private string? _text;

    public override LidoRuleInfo Info => s_info;

    public override void BeginRecord() => _inSet = false;

    public override void Start(LidoElement element, LidoFindings findings)
    {
        if (element.IsLido && s_sets.Contains(element.LocalName))
        {
            _inSet = true;
            _rightsTypes = 0;
            _known = false;
            _otherUri = null;
            _text = null;
            return;
        }
        if (!_inSet) return;
        if (element.Is("rightsType")) _rightsTypes++;
        if (element.RdfAbout is { Length: > 0 } about && element.Tracker.IsInside("rightsType")) Consider(about.Trim(), isTerm: false);
    }

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (!_inSet) return;
        if (element.IsLido && s_sets.Contains(element.LocalName))
        {
            _inSet = false;
            if (_rightsTypes == 0)
            {
                findings.Add(s_info, element, $"{element.Name} names no rights. Add lido:rightsType with the rights URI in lido:conceptID (for example http://rightsstatements.org/vocab/InC/1.0/ or http://creativecommons.org/publicdomain/zero/1.0/).");
            }
            else if (!_known && _otherUri is not null)
            {
                findings.Add(s_info, element, $"{element.Name} states '{_otherUri}', which is not a rightsstatements.org or Creative Commons URI. Aggregators need one of those; map the local statement to the closest one.");
            }
            else if (!_known)
            {
                findings.Add(s_info, element, $"{element.Name} states its rights only as text ('{_text}'). Add the rights URI (rightsstatements.org or Creative Commons) in lido:conceptID.");
            }
            return;
        }
        if (text.Length > 0 && element.Tracker.IsInside("rightsType") && (element.Is("conceptID") || element.Is("term") || element.LocalName is "prefLabel" or "altLabel"))
        {
            Consider(text, isTerm: !element.Is("conceptID"));
        }
    }

    private void Consider(string value, bool isTerm)
    {
        var isUri = Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
        if (isUri && RightsUri.IsKnownVocabulary(value)) _known = true;
        else if (isUri) _otherUri ??= value;
        else if (isTerm || !isUri) _text ??= value.Length > 60 ? value[..60] + "…" : value;
    }
}
