namespace MuseumSync.Lido.Quality;

/// <summary><c>work-type</c>: the record says what kind of object it describes.</summary>
internal sealed class WorkTypeRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("work-type", LidoSeverity.Error,
        "The record has a work type: lido:objectWorkType with a lido:term, a lido:conceptID or (LIDO 1.1) a skos:Concept.");

    private bool _found;

    public override LidoRuleInfo Info => s_info;

    public override void BeginRecord() => _found = false;

    public override void Start(LidoElement element, LidoFindings findings)
    {
        if (!string.IsNullOrWhiteSpace(element.RdfAbout) && element.Tracker.IsInside("objectWorkType")) _found = true;
    }

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (text.Length > 0 && !element.Is("objectWorkType") && element.Tracker.IsInside("objectWorkType")) _found = true;
    }

    public override void EndRecord(LidoRecordPosition record, LidoFindings findings)
    {
        if (!_found)
        {
            findings.Add(s_info, record.Line, record.Column, record.XPath,
                "The record has no work type. Add lido:objectClassificationWrap/lido:objectWorkTypeWrap/lido:objectWorkType with a lido:term (and a lido:conceptID from a vocabulary such as the Getty AAT).");
        }
    }
}
