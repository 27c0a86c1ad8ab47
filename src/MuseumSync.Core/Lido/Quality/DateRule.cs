namespace MuseumSync.Lido.Quality;

/// <summary><c>date</c>: <c>lido:earliestDate</c> and <c>lido:latestDate</c> parse, and the earliest is not after the latest.</summary>
internal sealed class DateRule : LidoQualityRule
{
    private static readonly LidoRuleInfo s_info = new("date", LidoSeverity.Error,
        "lido:earliestDate and lido:latestDate are dates (YYYY, YYYY-MM, YYYY-MM-DD, a leading '-' for BCE) and the earliest is not after the latest.");

    private (long, int, int)? _earliest;
    private int _earliestDepth = -1;

    public override LidoRuleInfo Info => s_info;

    public override void BeginRecord() => _earliestDepth = -1;

    public override void End(LidoElement element, string text, LidoFindings findings)
    {
        if (!element.IsLido || element.LocalName is not ("earliestDate" or "latestDate") || text.Length == 0) return;
        if (!LidoDate.TryParse(text, out var key))
        {
            findings.Add(s_info, element, $"{element.Name} '{Short(text)}' is not a date. Write YYYY, YYYY-MM or YYYY-MM-DD (-0044 for 44 BCE); put free text such as 'circa 1850' in lido:displayDate.");
            if (element.LocalName == "earliestDate") _earliestDepth = -1;
            return;
        }
        var depth = element.Tracker.Depth;
        if (element.LocalName == "earliestDate")
        {
            _earliest = key;
            _earliestDepth = depth;
        }
        else if (_earliestDepth == depth && _earliest is { } e && e.CompareTo(key) > 0)
        {
            findings.Add(s_info, element, $"lido:latestDate '{text}' is before lido:earliestDate. Swap them, or correct the one that is wrong.");
        }
    }

    private static string Short(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
