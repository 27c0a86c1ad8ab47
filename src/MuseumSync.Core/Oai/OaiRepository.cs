using System.Globalization;
using System.Xml;

namespace MuseumSync.Oai;

/// <summary>How a repository keeps deletions, as its <c>Identify</c> answer declares (OAI-PMH 2.0 §4.2).</summary>
internal enum OaiDeletedRecord
{
    /// <summary>The repository did not say (no <c>Identify</c> answer): deletion headers are applied.</summary>
    Unknown,

    /// <summary><c>no</c>: the repository keeps no deletions; a <c>status="deleted"</c> header is not applied.</summary>
    No,

    /// <summary><c>transient</c>: deletions are kept for a while; a harvester that runs less often may miss some.</summary>
    Transient,

    /// <summary><c>persistent</c>: every deletion is kept and reported.</summary>
    Persistent,
}

/// <summary>
/// What an OAI-PMH repository's <c>Identify</c> answer declares that a harvest must follow: the datestamp granularity
/// (<c>from=</c> is written in it; a finer one is a <c>badArgument</c>) and the deletion policy.
/// </summary>
/// <param name="SecondsGranularity">True for <c>YYYY-MM-DDThh:mm:ssZ</c>, false for <c>YYYY-MM-DD</c>.</param>
/// <param name="DeletedRecord">The declared deletion policy.</param>
/// <param name="EarliestDatestamp">The <c>earliestDatestamp</c>, as the repository wrote it (null when absent).</param>
internal sealed record OaiRepository(bool SecondsGranularity, OaiDeletedRecord DeletedRecord, string? EarliestDatestamp)
{
    /// <summary>The <c>Identify</c> verb's granularity values.</summary>
    public const string DayGranularity = "YYYY-MM-DD";

    /// <summary>The seconds granularity value.</summary>
    public const string SecondsGranularityValue = "YYYY-MM-DDThh:mm:ssZ";

    /// <summary>How <c>from=</c> is written for this repository.</summary>
    public string DateFormat => SecondsGranularity ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd";

    /// <summary>Formats a time in the repository's granularity.</summary>
    public string Format(DateTimeOffset time) => time.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads an <c>Identify</c> answer (no DTDs); null when the body is not one (a static LIDO file, an error).</summary>
    /// <exception cref="XmlException">The body is not well-formed XML.</exception>
    public static OaiRepository? Read(Stream stream)
    {
        using var reader = XmlReader.Create(stream, OaiPmhPage.Settings);
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "OAI-PMH" || reader.NamespaceURI != OaiPmhPage.Namespace) return null;
        string? granularity = null, deleted = null, earliest = null;
        var identify = false;
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }
            if (reader.Depth == 1 && reader.LocalName is not ("responseDate" or "request" or "Identify"))
            {
                // Another verb's answer (a server that ignores verb=) or an error: stop before reading a whole list.
                return null;
            }
            var ours = reader.NamespaceURI == OaiPmhPage.Namespace;
            switch (ours ? reader.LocalName : null)
            {
                case "Identify" when reader.Depth == 1:
                    identify = true;
                    reader.Read();
                    break;
                case "granularity" when identify:
                    granularity = reader.ReadElementContentAsString().Trim(); // leaves the reader on the next node
                    break;
                case "deletedRecord" when identify:
                    deleted = reader.ReadElementContentAsString().Trim();
                    break;
                case "earliestDatestamp" when identify:
                    earliest = reader.ReadElementContentAsString().Trim();
                    break;
                default:
                    if (reader.Depth >= 2) reader.Skip(); // descriptions and other elements: not needed
                    else reader.Read();
                    break;
            }
        }
        if (!identify) return null;
        var policy = deleted?.ToLowerInvariant() switch
        {
            "no" => OaiDeletedRecord.No,
            "transient" => OaiDeletedRecord.Transient,
            "persistent" => OaiDeletedRecord.Persistent,
            _ => OaiDeletedRecord.Unknown,
        };
        return new OaiRepository(string.Equals(granularity, SecondsGranularityValue, StringComparison.Ordinal), policy, earliest);
    }

    /// <summary>Parses a header datestamp in either granularity; false when it is neither.</summary>
    public static bool TryParseDatestamp(string? value, out DateTimeOffset datestamp) =>
        DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out datestamp);
}
