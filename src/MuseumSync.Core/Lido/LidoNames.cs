namespace MuseumSync.Lido;

/// <summary>Namespaces and terminology URIs MuseumSync reads and writes.</summary>
internal static class LidoNames
{
    /// <summary>The LIDO namespace (1.0 and 1.1).</summary>
    public const string Namespace = "http://www.lido-schema.org";

    /// <summary>XML Schema instance.</summary>
    public const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>The xml: namespace.</summary>
    public const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";

    /// <summary>SKOS (LIDO 1.1 concepts).</summary>
    public const string SkosNamespace = "http://www.w3.org/2004/02/skos/core#";

    /// <summary>RDF (skos:Concept/@rdf:about).</summary>
    public const string RdfNamespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

    /// <summary>GML.</summary>
    public const string GmlNamespace = "http://www.opengis.net/gml";

    /// <summary>XLink.</summary>
    public const string XlinkNamespace = "http://www.w3.org/1999/xlink";

    /// <summary>LIDO terminology: "URI" as the type of an identifier.</summary>
    public const string TypeUri = "http://terminology.lido-schema.org/lido00099";

    /// <summary>LIDO terminology: "local" identifier type.</summary>
    public const string TypeLocal = "http://terminology.lido-schema.org/lido00100";

    /// <summary>LIDO terminology: event type "Production".</summary>
    public const string EventProduction = "http://terminology.lido-schema.org/lido00007";

    /// <summary>LIDO terminology: record type "item-level record".</summary>
    public const string RecordTypeItem = "http://terminology.lido-schema.org/lido00141";

    /// <summary>LIDO terminology: the resource representation type the DDB minimum record uses for a provided image.</summary>
    public const string RepresentationImage = "http://terminology.lido-schema.org/lido00464";

    /// <summary>The prefix shown for a namespace in XPaths.</summary>
    public static string PrefixFor(string ns, string documentPrefix) => ns switch
    {
        Namespace => "lido",
        XmlNamespace => "xml",
        SkosNamespace => "skos",
        RdfNamespace => "rdf",
        GmlNamespace => "gml",
        XlinkNamespace => "xlink",
        _ => documentPrefix,
    };
}
