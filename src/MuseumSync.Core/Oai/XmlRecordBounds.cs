using System.Text;
using System.Xml;
using System.Xml.Linq;
using MuseumSync.Http;

namespace MuseumSync.Oai;

/// <summary>
/// Keeps an XML record larger than the record limit out of memory. <see cref="Suspects"/> (a pass over the page, run
/// only when the page itself is larger than the limit) names the records that may be too large, from how many bytes
/// the parser pulled while skipping each; <see cref="Read"/> copies such a record node by node into a writer that keeps
/// at most the limit, so a record that is too large is measured and read past with only its first characters held.
/// Every other record is read as before.
/// </summary>
internal static class XmlRecordBounds
{
    // More than the parser reads ahead of the node it is on, so a record it pulled fewer bytes for than limit - slack is under the limit.
    private const int ReadAheadSlack = 256 * 1024;

    /// <summary>The ordinals (0-based, among the elements <paramref name="isRecord"/> picks) of the records that may exceed <paramref name="maxRecordBytes"/>.</summary>
    public static HashSet<int> Suspects(Stream stream, Func<XmlReader, bool> isRecord, int maxRecordBytes)
    {
        var suspects = new HashSet<int>();
        using var counted = new CountingStream(stream);
        using var reader = XmlReader.Create(counted, OaiPmhPage.Settings);
        var ordinal = 0;
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && isRecord(reader))
            {
                var before = counted.BytesRead;
                reader.Skip();
                if (counted.BytesRead - before + ReadAheadSlack > maxRecordBytes) suspects.Add(ordinal);
                ordinal++;
                continue;
            }
            reader.Read();
        }
        return suspects;
    }

    /// <summary>
    /// Reads the element the reader is on and moves past it, as <see cref="XNode.ReadFrom"/> does. Under the limit: the
    /// element. Over it: null, with the first <paramref name="prefixChars"/> characters of its markup, its size in UTF-8
    /// bytes and the text of its first <c>identifier</c> or <c>lidoRecID</c> element.
    /// </summary>
    public static (XElement? Element, string Prefix, long Bytes, string? Identifier) Read(XmlReader reader, int maxRecordBytes, int prefixChars)
    {
        var text = new BoundedWriter(maxRecordBytes);
        string? identifier = null;
        using (var w = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true, ConformanceLevel = ConformanceLevel.Fragment, CheckCharacters = false }))
        {
            var depth = reader.Depth;
            var chunk = new char[16 * 1024];
            var wantId = false;
            do
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        wantId = identifier is null && reader.LocalName is ("identifier" or "lidoRecID");
                        w.WriteStartElement(reader.Prefix, reader.LocalName, reader.NamespaceURI);
                        w.WriteAttributes(reader, defattr: true);
                        if (reader.IsEmptyElement) w.WriteEndElement();
                        break;
                    case XmlNodeType.Text when reader.CanReadValueChunk:
                        // In chunks: a huge text node is never one string.
                        int n;
                        while ((n = reader.ReadValueChunk(chunk, 0, chunk.Length)) > 0)
                        {
                            if (wantId) identifier = new string(chunk, 0, Math.Min(n, 1024)).Trim();
                            wantId = false;
                            w.WriteChars(chunk, 0, n);
                        }
                        break;
                    case XmlNodeType.Text:
                        w.WriteString(reader.Value);
                        break;
                    case XmlNodeType.CDATA:
                        w.WriteCData(reader.Value);
                        break;
                    case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        w.WriteWhitespace(reader.Value);
                        break;
                    case XmlNodeType.EndElement:
                        wantId = false;
                        w.WriteFullEndElement();
                        break;
                }
                reader.Read();
            }
            while (reader.Depth > depth || (reader.Depth == depth && reader.NodeType == XmlNodeType.EndElement && WriteEnd(w, reader)));
        }
        if (!text.Over) return (XElement.Parse(text.ToString()), string.Empty, text.Bytes, identifier);
        var prefix = text.ToString();
        return (null, prefix.Length <= prefixChars ? prefix : prefix[..prefixChars], text.Bytes, identifier);
    }

    /// <summary>Writes the element's end tag and moves past it; false, so the copy loop ends.</summary>
    private static bool WriteEnd(XmlWriter w, XmlReader reader)
    {
        w.WriteFullEndElement();
        reader.Read();
        return false;
    }

    /// <summary>Keeps at most a number of characters, and counts the UTF-8 bytes of all that is written.</summary>
    private sealed class BoundedWriter : StringWriter
    {
        private readonly int _max;

        public BoundedWriter(int max)
            : base(System.Globalization.CultureInfo.InvariantCulture) => _max = max;

        /// <summary>The UTF-8 bytes of everything written.</summary>
        public long Bytes { get; private set; }

        /// <summary>True when more than the limit was written: the text kept is the start only.</summary>
        public bool Over => Bytes > _max;

        public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Bytes += Encoding.UTF8.GetByteCount(buffer);
            var kept = GetStringBuilder();
            var room = _max - kept.Length; // a character is at least a byte: the limit in characters holds the limit in bytes
            if (room > 0) kept.Append(buffer.Length <= room ? buffer : buffer[..room]);
        }
    }

    /// <summary>Counts the bytes read through it.</summary>
    private sealed class CountingStream : ReadOnlyWrapperStream
    {
        public CountingStream(Stream inner)
            : base(inner)
        {
        }

        public long BytesRead { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            BytesRead += n;
            return n;
        }
    }
}
