namespace MuseumSync.Lido.Quality;

/// <summary>The findings of one record, capped so that a pathological record cannot use unbounded memory.</summary>
internal sealed class LidoFindings(int max, IReadOnlyDictionary<string, LidoSeverity> severities)
{
    private readonly List<LidoIssue> _issues = new();

    public int Suppressed { get; private set; }

    public int Count => _issues.Count;

    public void Add(LidoRuleInfo rule, LidoElement at, string message) => Add(rule, at.Line, at.Column, at.XPath, message);

    public void Add(LidoRuleInfo rule, int line, int column, string xpath, string message) => Add(new LidoIssue
    {
        Line = line,
        Column = column,
        XPath = xpath,
        Rule = rule.Id,
        Severity = severities.TryGetValue(rule.Id, out var s) ? s : rule.DefaultSeverity,
        Message = message,
    });

    public void Add(LidoIssue issue)
    {
        if (_issues.Count >= max)
        {
            Suppressed++;
            return;
        }
        _issues.Add(issue);
    }

    public LidoIssue[] Take()
    {
        var list = _issues.ToArray();
        _issues.Clear();
        Suppressed = 0;
        return list;
    }
}
