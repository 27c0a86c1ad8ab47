namespace MuseumSync.Lido.Quality;

/// <summary><c>title</c>: at least one title, and no title set left without text.</summary>
internal sealed class TitleRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("title", LidoSeverity.Error,
        "The record has at least one title (lido:titleWrap/lido:titleSet/lido:appellationValue), and no title set is empty.");

    private int _titles;
    private int _emptySets;
    private bool _setHasText;

    public override LidoRuleInfo Info => s_info;

    public override void BeginRecord()
    {
        _titles = 0;
        _emptySets = 0;
    }

    public override void Start(LidoElement element, LidoFindings findings)
    {
        if (element.Is("titleSet") && element.ParentIs("titleWrap")) _setHasText = false;
    }

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (element.Is("appellationValue") && element.ParentIs("titleSet") && element.ParentIs("titleWrap", 2) && text.Length > 0)
        {
            _setHasText = true;
            _titles++;
        }
        else if (element.Is("titleSet") && element.ParentIs("titleWrap") && !_setHasText)
        {
            _emptySets++;
            findings.Add(s_info, element, "This lido:titleSet has no title text. Write the title in its lido:appellationValue, or remove the empty title set.");
        }
    }

    public override void EndRecord(LidoRecordPosition record, LidoFindings findings)
    {
        if (_titles == 0 && _emptySets == 0)
        {
            findings.Add(s_info, record.Line, record.Column, record.XPath,
                "The record has no title. Add lido:descriptiveMetadata/lido:objectIdentificationWrap/lido:titleWrap/lido:titleSet/lido:appellationValue.");
        }
    }
}
