namespace MuseumSync.Lido;

/// <summary>
/// The open elements of a streaming read, with sibling positions, so a finding can name its element as an XPath
/// (<c>/lido:lidoWrap/lido:lido[3]/lido:descriptiveMetadata[1]</c>). Memory is bounded by the depth of the document,
/// not its length: frames are reused and each keeps one counter per distinct child name.
/// </summary>
internal sealed class XPathTracker
{
    private readonly List<Frame> _frames = new();
    private readonly Dictionary<(string Ns, string Local), string> _names = new();
    private int _depth;

    public int Depth => _depth;

    public string LocalName(int up = 0) => up < _depth ? _frames[_depth - 1 - up].Local : string.Empty;

    public string NamespaceUri(int up = 0) => up < _depth ? _frames[_depth - 1 - up].Ns : string.Empty;

    /// <summary>True when any open element (including the current one) has this LIDO local name.</summary>
    public bool IsInside(string lidoLocalName)
    {
        for (var i = _depth - 1; i >= 0; i--)
        {
            if (_frames[i].Local == lidoLocalName && _frames[i].Ns == LidoNames.Namespace) return true;
        }
        return false;
    }

    public void Push(string ns, string local, string prefix)
    {
        var name = DisplayName(ns, local, prefix);
        var index = 1;
        if (_depth > 0)
        {
            var counts = _frames[_depth - 1].ChildCounts;
            counts.TryGetValue(name, out var n);
            index = n + 1;
            counts[name] = index;
        }
        if (_frames.Count == _depth) _frames.Add(new Frame());
        var f = _frames[_depth];
        f.Ns = ns;
        f.Local = local;
        f.Name = name;
        f.Index = index;
        f.ChildCounts.Clear();
        _depth++;
    }

    public void Pop()
    {
        if (_depth > 0) _depth--;
    }

    /// <summary>The path of the current element.</summary>
    public string Path() => Build(_depth);

    private string Build(int depth)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            sb.Append('/').Append(_frames[i].Name);
            if (i > 0) sb.Append('[').Append(_frames[i].Index).Append(']');
        }
        return sb.Length == 0 ? "/" : sb.ToString();
    }

    private string DisplayName(string ns, string local, string prefix)
    {
        if (_names.TryGetValue((ns, local), out var name)) return name;
        var p = LidoNames.PrefixFor(ns, prefix);
        name = string.IsNullOrEmpty(p) ? local : $"{p}:{local}";
        if (_names.Count < 10_000) _names[(ns, local)] = name;
        return name;
    }

    private sealed class Frame
    {
        public string Ns = string.Empty;
        public string Local = string.Empty;
        public string Name = string.Empty;
        public int Index;
        public readonly Dictionary<string, int> ChildCounts = new(StringComparer.Ordinal);
    }
}
