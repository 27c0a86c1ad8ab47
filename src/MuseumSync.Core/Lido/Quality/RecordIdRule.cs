namespace MuseumSync.Lido.Quality;

/// <summary><c>record-id</c>: the record has a non-empty <c>lido:lidoRecID</c>.</summary>
internal sealed class RecordIdRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("record-id", LidoSeverity.Error, "The record has a non-empty lido:lidoRecID.");
    private bool _found;

    public override LidoRuleInfo Info => s_info;

    public override void BeginRecord() => _found = false;

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (element.Is("lidoRecID") && element.ParentIs("lido") && text.Length > 0) _found = true;
    }

    public override void EndRecord(LidoRecordPosition record, LidoFindings findings)
    {
        if (!_found)
        {
            findings.Add(s_info, record.Line, record.Column, record.XPath,
                "The record has no lido:lidoRecID (or it is empty). Add <lido:lidoRecID lido:type=\"…\">your-record-id</lido:lidoRecID> as the first child of lido:lido.");
        }
    }
}
