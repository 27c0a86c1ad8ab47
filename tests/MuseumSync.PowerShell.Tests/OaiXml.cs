using System.Xml.Linq;

namespace MuseumSync.PowerShell.Tests;

/// <summary>The OAI-PMH 2.0 documents the OAI tests' repositories answer with (oai_dc records, Identify, the envelope).</summary>
internal static class OaiXml
{
    public static readonly XNamespace Oai = "http://www.openarchives.org/OAI/2.0/";
    public static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    public static readonly XNamespace OaiDc = "http://www.openarchives.org/OAI/2.0/oai_dc/";

    /// <summary>A response to <paramref name="verb"/> from https://example.org/oai.</summary>
    public static string Envelope(string verb, XElement body) => new XDocument(new XElement(Oai + "OAI-PMH",
        new XElement(Oai + "responseDate", "2025-05-01T00:00:00Z"), new XElement(Oai + "request", new XAttribute("verb", verb), "https://example.org/oai"), body)).ToString();

    /// <summary>Identify's answer, with the repository's <c>deletedRecord</c> policy (no, transient, persistent).</summary>
    public static XElement Identify(string deletedRecord) => new(Oai + "Identify", new XElement(Oai + "repositoryName", "Test"), new XElement(Oai + "baseURL", "https://example.org/oai"),
        new XElement(Oai + "protocolVersion", "2.0"), new XElement(Oai + "earliestDatestamp", "2000-01-01"), new XElement(Oai + "deletedRecord", deletedRecord), new XElement(Oai + "granularity", "YYYY-MM-DD"));

    /// <summary>A CC0 record titled "Object <paramref name="id"/>", with <paramref name="fields"/> between its title and rights.</summary>
    public static XElement Record(string id, params XElement[] fields) => new(Oai + "record",
        new XElement(Oai + "header", new XElement(Oai + "identifier", id), new XElement(Oai + "datestamp", "2024-03-01")),
        new XElement(Oai + "metadata", new XElement(OaiDc + "dc", new XAttribute(XNamespace.Xmlns + "oai_dc", OaiDc), new XAttribute(XNamespace.Xmlns + "dc", Dc),
            new XElement(Dc + "title", "Object " + id), fields, new XElement(Dc + "rights", "https://creativecommons.org/publicdomain/zero/1.0/"))));

    /// <summary>The header of a deleted record.</summary>
    public static XElement Deleted(string id) => new(Oai + "record",
        new XElement(Oai + "header", new XAttribute("status", "deleted"), new XElement(Oai + "identifier", id), new XElement(Oai + "datestamp", "2024-03-02")));
}
