namespace MuseumSync.Lido.Quality;

/// <summary>
/// The element a quality rule is looking at (one instance, reused as the reader moves on; rules must not keep it).
/// At the start and at the end of an element the tracker's current element is this one.
/// </summary>
internal sealed class LidoElement
{
    public XPathTracker Tracker { get; set; } = null!;

    public string LocalName { get; set; } = string.Empty;

    public string NamespaceUri { get; set; } = string.Empty;

    public int Line { get; set; }

    public int Column { get; set; }

    /// <summary>The <c>lido:type</c> attribute.</summary>
    public string? LidoType { get; set; }

    /// <summary>The <c>xml:lang</c> attribute.</summary>
    public string? XmlLang { get; set; }

    /// <summary>The <c>rdf:about</c> attribute (LIDO 1.1 <c>skos:Concept</c>).</summary>
    public string? RdfAbout { get; set; }

    /// <summary>At the end of the element: whether it had child elements.</summary>
    public bool HasChildElements { get; set; }

    public bool IsLido => NamespaceUri == LidoNames.Namespace;

    /// <summary>True for the LIDO element <paramref name="local"/>.</summary>
    public bool Is(string local) => IsLido && LocalName == local;

    /// <summary>True when the ancestor <paramref name="up"/> levels above is the LIDO element <paramref name="local"/>.</summary>
    public bool ParentIs(string local, int up = 1) => Tracker.NamespaceUri(up) == LidoNames.Namespace && Tracker.LocalName(up) == local;

    public string XPath => Tracker.Path();

    public string Name => IsLido ? "lido:" + LocalName : LocalName;
}
