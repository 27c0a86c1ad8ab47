using System.Xml;
using System.Xml.Linq;

namespace MuseumSync.Oai;

/// <summary>One record of an OAI-PMH <c>ListRecords</c> page: its header, and the metadata element when it is not a deletion.</summary>
/// <remarks>A record larger than the record limit has <see cref="OversizeBytes"/>, its size, and the first characters of its markup as <see cref="RawXml"/>.</remarks>
/// <remarks><see cref="SetSpecs"/> are the header's <c>setSpec</c> values (null when the header names none).</remarks>
internal sealed record OaiRecord(string Identifier, string? Datestamp, bool IsDeleted, XElement? Metadata, string RawXml, long? OversizeBytes = null, IReadOnlyList<string>? SetSpecs = null)
{
    /// <summary>
    /// True when the header names its sets and <paramref name="set"/> is not among them (nor a parent of one: the set
    /// <c>a</c> holds <c>a:b</c>): the record has left the harvested set.
    /// </summary>
    public bool LeftSet(string? set) =>
        set is { Length: > 0 } && SetSpecs is { Count: > 0 } specs
        && !specs.Any(s => s == set || s.StartsWith(set + ":", StringComparison.Ordinal));
}

/// <summary>The records of a page that may be larger than <see cref="MaxBytes"/> (by ordinal), read with <see cref="XmlRecordBounds.Read"/>.</summary>
internal sealed record XmlRecordLimit(HashSet<int> Suspects, int MaxBytes, int PrefixChars)
{
    /// <summary>Reads the record element the reader is on, bounded when it is a suspect; null when it is not one.</summary>
    public OaiRecord? ReadIfSuspect(XmlReader reader, int ordinal, Func<XElement, OaiRecord> parse)
    {
        if (!Suspects.Contains(ordinal)) return null;
        var (element, prefix, bytes, identifier) = XmlRecordBounds.Read(reader, MaxBytes, PrefixChars);
        return element is not null ? parse(element) : new OaiRecord(identifier ?? string.Empty, null, false, null, prefix, bytes);
    }
}

/// <summary>
/// Reads a spooled OAI-PMH <c>ListRecords</c> answer with <see cref="XmlReader"/> (no DTDs): first the envelope facts
/// (the error code, the <c>resumptionToken</c>, which comes after the records), then the records one at a time.
/// </summary>
internal static class OaiPmhPage
{
    public const string Namespace = "http://www.openarchives.org/OAI/2.0/";

    public static XmlReaderSettings Settings { get; } = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = true,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    /// <summary>The first pass: the error (code, text), the resumptionToken and how many records the page holds.</summary>
    public static (string? ErrorCode, string? ErrorText, string? ResumptionToken, long? CompleteListSize, int Records, bool IsOaiPmh) Scan(Stream stream)
    {
        string? errorCode = null, errorText = null, token = null;
        long? size = null;
        var records = 0;
        var isOai = false;
        using var reader = XmlReader.Create(stream, Settings);
        // Skip and ReadElementContentAsString leave the reader on the node after the element: the loop reads on only
        // when nothing else moved it, or an element right after a record (the resumptionToken) would be passed over.
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }
            if (reader.Depth == 0)
            {
                isOai = reader.LocalName == "OAI-PMH";
                if (!isOai) break;
                reader.Read();
                continue;
            }
            switch (reader.NamespaceURI == Namespace ? reader.LocalName : null)
            {
                case "error":
                    errorCode = reader.GetAttribute("code");
                    errorText = reader.ReadElementContentAsString();
                    break;
                case "record":
                    records++;
                    reader.Skip();
                    break;
                case "resumptionToken":
                    if (long.TryParse(reader.GetAttribute("completeListSize"), out var n)) size = n;
                    token = reader.ReadElementContentAsString().Trim();
                    break;
                default:
                    reader.Read();
                    break;
            }
        }
        return (errorCode, errorText, string.IsNullOrEmpty(token) ? null : token, size, records, isOai);
    }

    /// <summary>True when the reader is on an OAI-PMH <c>record</c> element.</summary>
    public static bool IsRecord(XmlReader reader) => reader.LocalName == "record" && reader.NamespaceURI == Namespace;

    /// <summary>The second pass: the records in order (those <paramref name="limit"/> suspects read bounded).</summary>
    public static IEnumerable<OaiRecord> Records(Stream stream, XmlRecordLimit? limit = null)
    {
        using var reader = XmlReader.Create(stream, Settings);
        reader.MoveToContent();
        var ordinal = 0;
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && IsRecord(reader))
            {
                if (limit?.ReadIfSuspect(reader, ordinal++, Parse) is { } bounded)
                {
                    yield return bounded;
                    continue;
                }
                var record = (XElement)XNode.ReadFrom(reader);
                yield return Parse(record);
                continue;
            }
            reader.Read();
        }
    }

    private static OaiRecord Parse(XElement record)
    {
        XNamespace oai = Namespace;
        var header = record.Element(oai + "header");
        var identifier = header?.Element(oai + "identifier")?.Value.Trim() ?? string.Empty;
        var datestamp = header?.Element(oai + "datestamp")?.Value.Trim();
        var deleted = string.Equals((string?)header?.Attribute("status"), "deleted", StringComparison.OrdinalIgnoreCase);
        var metadata = record.Element(oai + "metadata")?.Elements().FirstOrDefault();
        var raw = deleted && header is not null ? header.ToString(SaveOptions.DisableFormatting) : record.ToString(SaveOptions.DisableFormatting);
        var sets = header?.Elements(oai + "setSpec").Select(e => e.Value.Trim()).Where(v => v.Length > 0).ToArray();
        return new OaiRecord(identifier, datestamp, deleted, metadata, raw, null, sets is { Length: > 0 } ? sets : null);
    }
}
