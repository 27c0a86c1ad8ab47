namespace MuseumSync.Lido.Quality;

/// <summary>
/// A quality rule beyond the XSD. The validator streams each record through every enabled rule: <see cref="Start"/> and
/// <see cref="End"/> for each element, <see cref="EndRecord"/> once the record closes. A rule keeps only what it needs
/// to decide (a flag, a count), never the record.
/// </summary>
internal abstract class LidoQualityRule
{
    public abstract LidoRuleInfo Info { get; }

    public virtual void BeginRecord() { }

    public virtual void Start(LidoElement element, LidoFindings findings) { }

    /// <summary>The end of an element; <paramref name="text"/> is its own text, trimmed (empty when it had child elements).</summary>
    public virtual void End(LidoElement element, string text, LidoFindings findings) { }

    public virtual void EndRecord(LidoRecordPosition record, LidoFindings findings) { }
}

/// <summary>Where a record starts, for findings about the record as a whole.</summary>
internal readonly record struct LidoRecordPosition(int Line, int Column, string XPath);
