namespace MuseumSync.Lido.Quality;

/// <summary><c>legal-body</c>: the repository and every rights holder are named.</summary>
internal sealed class LegalBodyRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("legal-body", LidoSeverity.Error,
        "lido:repositoryName and lido:rightsHolder name the institution or person (lido:legalBodyID or lido:legalBodyName/lido:appellationValue).");

    private static readonly string[] s_containers = ["repositoryName", "rightsHolder"];
    private bool _named;

    public override LidoRuleInfo Info => s_info;

    public override void Start(LidoElement element, LidoFindings findings)
    {
        if (IsContainer(element)) _named = false;
    }

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (text.Length > 0 && ((element.Is("legalBodyID") && IsContainer(element.Tracker, 1))
            || (element.Is("appellationValue") && element.ParentIs("legalBodyName") && IsContainer(element.Tracker, 2))))
        {
            _named = true;
        }
        else if (IsContainer(element) && !_named)
        {
            findings.Add(s_info, element,
                $"{element.Name} names no one. Add lido:legalBodyID (an ISIL or authority URI) or lido:legalBodyName/lido:appellationValue with the name.");
        }
    }

    private static bool IsContainer(LidoElement e) => e.IsLido && s_containers.Contains(e.LocalName);

    private static bool IsContainer(XPathTracker t, int up) => t.NamespaceUri(up) == LidoNames.Namespace && s_containers.Contains(t.LocalName(up));
}
