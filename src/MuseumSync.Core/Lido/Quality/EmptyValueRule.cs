namespace MuseumSync.Lido.Quality;

/// <summary><c>empty-value</c>: value elements (terms, names, identifiers, dates, links) are not empty or blank.</summary>
internal sealed class EmptyValueRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("empty-value", LidoSeverity.Warning,
        "Value elements (lido:term, lido:appellationValue, lido:conceptID, identifiers, dates, links) are not empty or blank.");

    private static readonly HashSet<string> s_values = new(StringComparer.Ordinal)
    {
        "term", "appellationValue", "conceptID", "earliestDate", "latestDate", "displayDate", "descriptiveNoteValue",
        "legalBodyID", "workID", "recordID", "actorID", "placeID", "objectID", "subjectID", "eventID", "resourceID",
        "linkResource", "recordInfoLink", "objectWebResource", "legalBodyWeblink", "measurementValue", "recordMetadataDate",
    };

    public override LidoRuleInfo Info => s_info;

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (text.Length > 0 || element.HasChildElements || !element.IsLido || !s_values.Contains(element.LocalName)) return;
        if (element.LocalName == "appellationValue" && element.ParentIs("titleSet")) return; // the title rule reports these
        findings.Add(s_info, element, $"{element.Name} is empty. Fill it in or remove it; aggregators drop empty and placeholder values.");
    }
}
