namespace MuseumSync.Lido.Quality;

/// <summary><c>record-source</c>: <c>lido:recordWrap/lido:recordSource</c> is present and names the institution.</summary>
internal sealed class RecordSourceRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("record-source", LidoSeverity.Error,
        "The record has a lido:recordSource that names the institution (lido:legalBodyID or lido:legalBodyName/lido:appellationValue).");

    private int _count;
    private bool _named;

    public override LidoRuleInfo Info => s_info;

    public override void BeginRecord() => _count = 0;

    public override void Start(LidoElement element, LidoFindings findings)
    {
        if (element.Is("recordSource") && element.ParentIs("recordWrap"))
        {
            _count++;
            _named = false;
        }
    }

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (text.Length > 0 && ((element.Is("legalBodyID") && element.ParentIs("recordSource"))
            || (element.Is("appellationValue") && element.ParentIs("legalBodyName") && element.ParentIs("recordSource", 2))))
        {
            _named = true;
        }
        else if (element.Is("recordSource") && element.ParentIs("recordWrap") && !_named)
        {
            findings.Add(s_info, element,
                "lido:recordSource names no institution. Add lido:legalBodyID (an ISIL or authority URI) or lido:legalBodyName/lido:appellationValue with the name of the institution that supplies the record.");
        }
    }

    public override void EndRecord(LidoRecordPosition record, LidoFindings findings)
    {
        if (_count == 0)
        {
            findings.Add(s_info, record.Line, record.Column, record.XPath,
                "The record has no lido:recordSource. Add lido:administrativeMetadata/lido:recordWrap/lido:recordSource naming the institution that supplies the record.");
        }
    }
}
