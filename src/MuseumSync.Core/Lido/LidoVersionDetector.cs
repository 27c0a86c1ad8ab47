using System.Xml;
using MuseumSync.Http;

namespace MuseumSync.Lido;

/// <summary>
/// Reads the start of a document (at most 64 KB) to find the LIDO version its root names in <c>xsi:schemaLocation</c>
/// (<c>…/v1.0/lido-v1.0.xsd</c>), then hands back a stream that replays those bytes, so the document is read once.
/// </summary>
internal static class LidoVersionDetector
{
    private const int HeadLimit = 64 * 1024;

    public static LidoVersion Detect(Stream input, bool leaveOpen, out Stream replay)
    {
        var head = new byte[HeadLimit];
        var length = 0;
        int read;
        while (length < HeadLimit && (read = input.Read(head, length, HeadLimit - length)) > 0) length += read;
        replay = new PrefixStream(head, length, input, leaveOpen);
        return FromHead(head, length);
    }

    /// <summary>The version named by XML text (its first 64 K characters are looked at).</summary>
    public static LidoVersion Detect(string xml) => FromReader(settings => XmlReader.Create(new StringReader(xml.Length > HeadLimit ? xml[..HeadLimit] : xml), settings));

    internal static LidoVersion FromHead(byte[] head, int length) =>
        FromReader(settings => XmlReader.Create(new MemoryStream(head, 0, length, writable: false), settings));

    private static LidoVersion FromReader(Func<XmlReaderSettings, XmlReader> create)
    {
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
            using var reader = create(settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element) continue;
                var location = (reader.GetAttribute("schemaLocation", LidoNames.XsiNamespace) ?? string.Empty)
                    + " " + (reader.GetAttribute("noNamespaceSchemaLocation", LidoNames.XsiNamespace) ?? string.Empty);
                if (location.Contains("lido-v1.0", StringComparison.OrdinalIgnoreCase) || location.Contains("/v1.0/", StringComparison.OrdinalIgnoreCase)) return LidoVersion.Lido10;
                return LidoVersion.Lido11;
            }
        }
        catch (XmlException)
        {
            // A broken or truncated head: the validating read reports what is wrong; validate as the current version.
        }
        return LidoVersion.Lido11;
    }
}
