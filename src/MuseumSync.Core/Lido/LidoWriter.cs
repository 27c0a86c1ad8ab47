using System.Globalization;
using System.Text;
using System.Xml;

namespace MuseumSync.Lido;

/// <summary>
/// Writes <see cref="MuseumRecord"/>s as LIDO 1.1: one <c>lido:lido</c> document, or many records streamed into one
/// <c>lido:lidoWrap</c>. The field mapping is in the README ("LIDO field mapping"); what LIDO requires and a record
/// lacks (a work type, a metadata language) comes from <see cref="LidoWriterOptions"/>.
/// </summary>
internal sealed class LidoWriter : IDisposable
{
    private const string L = LidoNames.Namespace;
    private readonly XmlWriter _xml;
    private readonly LidoWriterOptions _options;
    private readonly bool _wrap;
    private bool _completed;

    /// <summary>Starts a document on <paramref name="output"/>: a <c>lido:lidoWrap</c> when <paramref name="wrap"/>, else exactly one <c>lido:lido</c>.</summary>
    public LidoWriter(Stream output, LidoWriterOptions? options = null, bool wrap = true)
        : this(XmlWriter.Create(output, Settings(options)), options, wrap)
    {
    }

    /// <summary>Starts a document on <paramref name="output"/>.</summary>
    public LidoWriter(TextWriter output, LidoWriterOptions? options = null, bool wrap = true)
        : this(XmlWriter.Create(output, Settings(options)), options, wrap)
    {
    }

    private LidoWriter(XmlWriter xml, LidoWriterOptions? options, bool wrap)
    {
        _options = options ?? new LidoWriterOptions();
        _options.Validate();
        _xml = xml;
        _wrap = wrap;
        _xml.WriteStartDocument();
        if (_wrap)
        {
            _xml.WriteStartElement("lido", "lidoWrap", L);
            WriteNamespaces();
        }
    }

    /// <summary>The number of records written.</summary>
    public int Count { get; private set; }

    /// <summary>Why <paramref name="record"/> cannot become LIDO (null when it can): LIDO needs an object id and a title.</summary>
    public static string? CannotWrite(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (string.IsNullOrWhiteSpace(record.ObjectId)) return $"Record of source '{record.Source}' has no object id; LIDO needs one for lido:lidoRecID and lido:recordID.";
        if (string.IsNullOrWhiteSpace(record.Title)) return $"Record '{record.ObjectId}' of source '{record.Source}' has no title; LIDO needs one for lido:titleSet.";
        return null;
    }

    /// <summary>One record as a complete LIDO 1.1 document (<c>lido:lido</c> at the root).</summary>
    public static string ToXml(MuseumRecord record, LidoWriterOptions? options = null)
    {
        var sb = new StringBuilder();
        using (var sw = new Utf8StringWriter(sb))
        using (var writer = new LidoWriter(sw, options, wrap: false))
        {
            writer.Write(record);
            writer.Complete();
        }
        return sb.ToString();
    }

    /// <summary>Many records as one <c>lido:lidoWrap</c> document.</summary>
    public static string ToXml(IEnumerable<MuseumRecord> records, LidoWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sb = new StringBuilder();
        using (var sw = new Utf8StringWriter(sb))
        using (var writer = new LidoWriter(sw, options, wrap: true))
        {
            foreach (var r in records) writer.Write(r);
            writer.Complete();
        }
        return sb.ToString();
    }

    /// <summary>Writes one record; throws <see cref="ArgumentException"/> when <see cref="CannotWrite"/> says why not.</summary>
    public void Write(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (CannotWrite(record) is { } reason) throw new ArgumentException(reason, nameof(record));
        if (!_wrap && Count == 1) throw new InvalidOperationException("A lido:lido document holds one record; write many into a lido:lidoWrap (wrap: true).");
        var id = record.ObjectId!.Trim();

        _xml.WriteStartElement("lido", "lido", L);
        if (!_wrap) WriteNamespaces();

        Identifier("lidoRecID", LidoNames.TypeLocal, $"{record.Source}/{id}", source: record.Source);

        _xml.WriteStartElement("descriptiveMetadata", L);
        _xml.WriteAttributeString("xml", "lang", LidoNames.XmlNamespace, _options.Language);
        _xml.WriteStartElement("objectClassificationWrap", L);
        _xml.WriteStartElement("objectWorkTypeWrap", L);
        _xml.WriteStartElement("objectWorkType", L);
        Term(_options.WorkType, _options.WorkTypeLanguage);
        _xml.WriteEndElement();
        _xml.WriteEndElement();
        _xml.WriteEndElement(); // objectClassificationWrap

        _xml.WriteStartElement("objectIdentificationWrap", L);
        _xml.WriteStartElement("titleWrap", L);
        _xml.WriteStartElement("titleSet", L);
        _xml.WriteStartElement("appellationValue", L);
        _xml.WriteAttributeString("pref", L, "preferred");
        _xml.WriteString(record.Title!.Trim());
        _xml.WriteEndElement();
        _xml.WriteEndElement();
        _xml.WriteEndElement(); // titleWrap
        if (!string.IsNullOrWhiteSpace(record.AccessionNumber))
        {
            _xml.WriteStartElement("repositoryWrap", L);
            _xml.WriteStartElement("repositorySet", L);
            _xml.WriteStartElement("repositoryName", L);
            LegalBodyName(record.Source);
            _xml.WriteEndElement();
            Identifier("workID", "inventory number", record.AccessionNumber.Trim());
            _xml.WriteEndElement();
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement(); // objectIdentificationWrap

        var created = string.IsNullOrWhiteSpace(record.CreationDate) ? null : record.CreationDate.Trim();
        var createdEnd = string.IsNullOrWhiteSpace(record.CreationEndDate) ? null : record.CreationEndDate.Trim();
        if (created is not null || createdEnd is not null) WriteProduction(created, createdEnd);
        _xml.WriteEndElement(); // descriptiveMetadata

        _xml.WriteStartElement("administrativeMetadata", L);
        _xml.WriteAttributeString("xml", "lang", LidoNames.XmlNamespace, _options.Language);
        if (!string.IsNullOrWhiteSpace(record.RightsStatement))
        {
            _xml.WriteStartElement("rightsWorkWrap", L);
            _xml.WriteStartElement("rightsWorkSet", L);
            RightsType(record.RightsStatement.Trim());
            _xml.WriteEndElement();
            _xml.WriteEndElement();
        }

        _xml.WriteStartElement("recordWrap", L);
        Identifier("recordID", LidoNames.TypeLocal, id);
        _xml.WriteStartElement("recordType", L);
        Identifier("conceptID", LidoNames.TypeUri, LidoNames.RecordTypeItem);
        Term("item-level record", "en");
        _xml.WriteEndElement();
        _xml.WriteStartElement("recordSource", L);
        LegalBodyName(record.Source);
        _xml.WriteEndElement();
        if (record.FetchedAt != default)
        {
            _xml.WriteStartElement("recordInfoSet", L);
            _xml.WriteElementString("recordMetadataDate", L, record.FetchedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement(); // recordWrap

        WriteResources(record);
        _xml.WriteEndElement(); // administrativeMetadata
        _xml.WriteEndElement(); // lido
        Count++;
    }

    /// <summary>Closes the document and flushes it.</summary>
    public void Complete()
    {
        if (_completed) return;
        if (!_wrap && Count == 0) throw new InvalidOperationException("No record was written; a lido:lido document needs exactly one.");
        if (_wrap && Count == 0) throw new InvalidOperationException("No record was written; a lido:lidoWrap needs at least one lido:lido.");
        _xml.WriteEndDocument();
        _xml.Flush();
        _completed = true;
    }

    /// <inheritdoc />
    public void Dispose() => _xml.Dispose();

    /// <summary>
    /// The production event: <c>earliestDate</c> from the creation date, <c>latestDate</c> from its end (LIDO repeats an
    /// exact date in both); a range without a begin has only its <c>latestDate</c>.
    /// </summary>
    private void WriteProduction(string? created, string? createdEnd)
    {
        _xml.WriteStartElement("eventWrap", L);
        _xml.WriteStartElement("eventSet", L);
        _xml.WriteStartElement("event", L);
        _xml.WriteStartElement("eventType", L);
        Identifier("conceptID", LidoNames.TypeUri, LidoNames.EventProduction);
        Term("Production", "en");
        _xml.WriteEndElement();
        _xml.WriteStartElement("eventDate", L);
        _xml.WriteElementString("displayDate", L, DisplayRange(created, createdEnd));
        _xml.WriteStartElement("date", L);
        if (created is not null) _xml.WriteElementString("earliestDate", L, Day(created));
        _xml.WriteElementString("latestDate", L, Day(createdEnd ?? created!));
        _xml.WriteEndElement();
        _xml.WriteEndElement(); // eventDate
        _xml.WriteEndElement(); // event
        _xml.WriteEndElement();
        _xml.WriteEndElement();
    }

    /// <summary>The date part of a date-time; a signed year (-0044-03-15, +12345) is longer than ten characters.</summary>
    private static string Day(string date)
    {
        var time = date.IndexOfAny(['T', 't']);
        return time > 0 ? date[..time] : date;
    }

    /// <summary>"begin – end" for a range, the one date otherwise (also what the IIIF writer shows as the record's Date).</summary>
    internal static string DisplayRange(string? created, string? createdEnd) =>
        createdEnd is null || string.Equals(created, createdEnd, StringComparison.Ordinal) ? created ?? createdEnd!
        : created is null ? "– " + createdEnd
        : created + " – " + createdEnd;

    private void WriteResources(MuseumRecord record)
    {
        var media = Absolute(record.MediaUrl);
        var manifest = Absolute(record.IiifManifestUrl);
        if (media is null && manifest is null) return;
        _xml.WriteStartElement("resourceWrap", L);
        _xml.WriteStartElement("resourceSet", L);
        if (media is not null)
        {
            _xml.WriteStartElement("resourceRepresentation", L);
            _xml.WriteAttributeString("type", L, LidoNames.RepresentationImage);
            _xml.WriteStartElement("linkResource", L);
            if (MediaTypes.FromUrl(media) is { } format) _xml.WriteAttributeString("formatResource", L, format);
            _xml.WriteString(media);
            _xml.WriteEndElement();
            _xml.WriteEndElement();
        }
        if (manifest is not null)
        {
            _xml.WriteStartElement("resourceRepresentation", L);
            _xml.WriteAttributeString("type", L, "IIIF Presentation manifest");
            _xml.WriteStartElement("linkResource", L);
            _xml.WriteAttributeString("formatResource", L, "application/ld+json");
            _xml.WriteString(manifest);
            _xml.WriteEndElement();
            _xml.WriteEndElement();
        }
        if (!string.IsNullOrWhiteSpace(record.RightsStatement))
        {
            _xml.WriteStartElement("rightsResource", L);
            RightsType(record.RightsStatement.Trim());
            _xml.WriteEndElement();
        }
        _xml.WriteEndElement();
        _xml.WriteEndElement();
    }

    private void RightsType(string rights)
    {
        _xml.WriteStartElement("rightsType", L);
        if (Uri.TryCreate(rights, UriKind.Absolute, out _)) Identifier("conceptID", LidoNames.TypeUri, rights);
        else Term(rights, null);
        _xml.WriteEndElement();
    }

    private void LegalBodyName(string name)
    {
        _xml.WriteStartElement("legalBodyName", L);
        _xml.WriteElementString("appellationValue", L, name);
        _xml.WriteEndElement();
    }

    private void Identifier(string element, string type, string value, string? source = null)
    {
        _xml.WriteStartElement(element, L);
        _xml.WriteAttributeString("type", L, type);
        if (source is not null) _xml.WriteAttributeString("source", L, source);
        _xml.WriteString(value);
        _xml.WriteEndElement();
    }

    private void Term(string text, string? lang)
    {
        _xml.WriteStartElement("term", L);
        if (lang is not null) _xml.WriteAttributeString("xml", "lang", LidoNames.XmlNamespace, lang);
        _xml.WriteString(text);
        _xml.WriteEndElement();
    }

    private void WriteNamespaces()
    {
        _xml.WriteAttributeString("xmlns", "xsi", null, LidoNames.XsiNamespace);
        _xml.WriteAttributeString("xsi", "schemaLocation", LidoNames.XsiNamespace, "http://www.lido-schema.org http://www.lido-schema.org/schema/v1.1/lido-v1.1.xsd");
    }

    private static string? Absolute(string? url) =>
        url is not null && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? u.AbsoluteUri : null;

    private static XmlWriterSettings Settings(LidoWriterOptions? options) => new()
    {
        Indent = options?.Indent ?? true,
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        CheckCharacters = true,
        CloseOutput = false,
    };

    /// <summary>A string writer whose XML declaration says UTF-8, the encoding the text is saved in.</summary>
    private sealed class Utf8StringWriter(StringBuilder sb) : StringWriter(sb, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
