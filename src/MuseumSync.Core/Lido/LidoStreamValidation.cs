using System.Text;
using System.Xml;
using System.Xml.Schema;
using MuseumSync.Lido.Quality;

namespace MuseumSync.Lido;

/// <summary>One pass over one document: reads until a record closes, then hands back its result.</summary>
internal sealed class LidoStreamValidation : IDisposable
{
    private const int MaxTextLength = 4096;

    private readonly XmlReader _reader;
    private readonly IXmlLineInfo? _lineInfo;
    private readonly string? _file;
    private readonly LidoVersion _version;
    private readonly LidoQualityRule[] _rules;
    private readonly LidoFindings _record;
    private readonly LidoFindings _document;
    private readonly XPathTracker _tracker = new();
    private readonly LidoElement _element = new();
    private readonly StringBuilder _text = new();
    private readonly List<bool> _hasChildren = new();
    private readonly List<LidoIssue> _pendingStartTag = new();
    private int _recordDepth = -1;
    private int _recordIndex;
    private int _recordLine;
    private string? _recordId;
    private LidoRecordPosition _recordPosition;
    private bool _done;
    private bool _rootSeen;

    public LidoStreamValidation(Stream input, string? file, LidoVersion version, XmlSchemaSet? schemas, LidoValidationOptions options, IReadOnlyDictionary<string, LidoSeverity> severities, bool closeInput)
        : this(settings => XmlReader.Create(input, settings), file, version, schemas, options, severities, closeInput)
    {
    }

    /// <summary>Validates text (its encoding declaration, if any, is ignored: the text is already decoded).</summary>
    public LidoStreamValidation(TextReader input, string? file, LidoVersion version, XmlSchemaSet? schemas, LidoValidationOptions options, IReadOnlyDictionary<string, LidoSeverity> severities)
        : this(settings => XmlReader.Create(input, settings), file, version, schemas, options, severities, closeInput: true)
    {
    }

    private LidoStreamValidation(Func<XmlReaderSettings, XmlReader> create, string? file, LidoVersion version, XmlSchemaSet? schemas, LidoValidationOptions options, IReadOnlyDictionary<string, LidoSeverity> severities, bool closeInput)
    {
        _file = file;
        _version = version;
        _rules = LidoQualityRules.Create(options.Rules);
        _record = new LidoFindings(options.MaxIssuesPerRecord, severities);
        _document = new LidoFindings(options.MaxIssuesPerRecord, severities);
        _element.Tracker = _tracker;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = closeInput,
        };
        if (schemas is not null)
        {
            settings.ValidationType = ValidationType.Schema;
            settings.Schemas = schemas;
            // No ProcessSchemaLocation / ProcessInlineSchema: the document never chooses (or fetches) the schema.
            settings.ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings;
            settings.ValidationEventHandler += OnValidation;
        }
        _reader = create(settings);
        _lineInfo = _reader as IXmlLineInfo;
    }

    public bool TryReadNext(out LidoValidationResult result, CancellationToken cancellationToken)
    {
        result = null!;
        if (_done) return false;
        var nodes = 0;
        try
        {
            while (_reader.Read())
            {
                if ((++nodes & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                switch (_reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (StartElement(out result)) return true;
                        break;
                    case XmlNodeType.EndElement:
                        if (EndElement(out result)) return true;
                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                    case XmlNodeType.Whitespace:
                    case XmlNodeType.SignificantWhitespace:
                        if (_text.Length < MaxTextLength) _text.Append(_reader.Value, 0, Math.Min(_reader.Value.Length, MaxTextLength - _text.Length));
                        break;
                }
            }
        }
        catch (XmlException ex)
        {
            var issue = XmlIssue(ex);
            _done = true;
            if (_recordDepth >= 0)
            {
                _record.Add(issue);
                result = FinishRecord(runQualityRules: false);
                return true;
            }
            _document.Add(issue);
        }
        _done = true;
        return DocumentResult(out result);
    }

    private bool StartElement(out LidoValidationResult result)
    {
        result = null!;
        var ns = _reader.NamespaceURI;
        var local = _reader.LocalName;
        var depth = _tracker.Depth;
        if (depth == 0) _rootSeen = true;
        if (_hasChildren.Count > 0) _hasChildren[^1] = true;
        var isRecord = _recordDepth < 0 && ns == LidoNames.Namespace && local == "lido"
            && (depth == 0 || (depth == 1 && _tracker.LocalName() == "lidoWrap" && _tracker.NamespaceUri() == LidoNames.Namespace));
        _tracker.Push(ns, local, _reader.Prefix);
        _hasChildren.Add(false);
        _text.Clear();
        Fill();
        if (isRecord)
        {
            _recordDepth = depth;
            _recordIndex++;
            _recordLine = _element.Line;
            _recordId = null;
            _recordPosition = new LidoRecordPosition(_element.Line, _element.Column, _tracker.Path());
            foreach (var rule in _rules) rule.BeginRecord();
        }
        if (_pendingStartTag.Count > 0)
        {
            var path = _tracker.Path();
            foreach (var pending in _pendingStartTag)
            {
                (_recordDepth >= 0 ? _record : _document).Add(new LidoIssue
                {
                    Line = pending.Line,
                    Column = pending.Column,
                    XPath = path,
                    Rule = pending.Rule,
                    Severity = pending.Severity,
                    Message = pending.Message,
                });
            }
            _pendingStartTag.Clear();
        }
        if (_recordDepth >= 0)
        {
            foreach (var rule in _rules) rule.Start(_element, _record);
        }
        return _reader.IsEmptyElement && EndElement(out result);
    }

    private bool EndElement(out LidoValidationResult result)
    {
        result = null!;
        var hadChildren = _hasChildren.Count > 0 && _hasChildren[^1];
        var text = hadChildren ? string.Empty : _text.ToString().Trim();
        _text.Clear();
        if (_recordDepth >= 0)
        {
            Fill();
            _element.HasChildElements = hadChildren;
            if (_recordId is null && _element.Is("lidoRecID") && _element.ParentIs("lido") && text.Length > 0) _recordId = text;
            foreach (var rule in _rules) rule.End(_element, text, _record);
        }
        var closesRecord = _recordDepth >= 0 && _tracker.Depth - 1 == _recordDepth;
        _tracker.Pop();
        if (_hasChildren.Count > 0) _hasChildren.RemoveAt(_hasChildren.Count - 1);
        if (!closesRecord) return false;
        result = FinishRecord(runQualityRules: true);
        return true;
    }

    private LidoValidationResult FinishRecord(bool runQualityRules)
    {
        if (runQualityRules)
        {
            foreach (var rule in _rules) rule.EndRecord(_recordPosition, _record);
        }
        var suppressed = _record.Suppressed;
        var result = new LidoValidationResult
        {
            RecordId = _recordId,
            File = _file,
            Index = _recordIndex,
            Line = _recordLine,
            Version = _version,
            Errors = _record.Take(),
            SuppressedCount = suppressed,
        };
        _recordDepth = -1;
        return result;
    }

    private bool DocumentResult(out LidoValidationResult result)
    {
        result = null!;
        if (_document.Count == 0 && _recordIndex > 0) return false;
        if (_document.Count == 0)
        {
            _document.Add(new LidoIssue
            {
                Line = 1,
                Column = 1,
                XPath = "/",
                Rule = "xml",
                Message = _rootSeen ? "The document holds no lido:lido record. Its root must be lido:lido or lido:lidoWrap (namespace http://www.lido-schema.org)." : "The document is empty.",
            });
        }
        var suppressed = _document.Suppressed;
        result = new LidoValidationResult { File = _file, Index = 0, Line = 1, Version = _version, Errors = _document.Take(), SuppressedCount = suppressed };
        return true;
    }

    private void Fill()
    {
        _element.LocalName = _reader.NodeType == XmlNodeType.EndElement ? _tracker.LocalName() : _reader.LocalName;
        _element.NamespaceUri = _reader.NodeType == XmlNodeType.EndElement ? _tracker.NamespaceUri() : _reader.NamespaceURI;
        if (_reader.NodeType == XmlNodeType.Element)
        {
            _element.Line = _lineInfo?.LineNumber ?? 0;
            _element.Column = _lineInfo?.LinePosition ?? 0;
            _element.LidoType = _reader.HasAttributes ? _reader.GetAttribute("type", LidoNames.Namespace) : null;
            _element.XmlLang = _reader.HasAttributes ? _reader.GetAttribute("lang", LidoNames.XmlNamespace) : null;
            _element.RdfAbout = _reader.HasAttributes ? _reader.GetAttribute("about", LidoNames.RdfNamespace) : null;
            _element.HasChildElements = false;
        }
        else
        {
            // At an end tag the element's own attributes are gone; rules that need them read them at the start.
            _element.Line = _lineInfo?.LineNumber ?? 0;
            _element.Column = _lineInfo?.LinePosition ?? 0;
        }
    }

    private void OnValidation(object? sender, ValidationEventArgs e)
    {
        var issue = new LidoIssue
        {
            Line = e.Exception?.LineNumber > 0 ? e.Exception.LineNumber : _lineInfo?.LineNumber ?? 0,
            Column = e.Exception?.LinePosition > 0 ? e.Exception.LinePosition : _lineInfo?.LinePosition ?? 0,
            XPath = _tracker.Path(),
            Rule = "xsd",
            Severity = e.Severity == XmlSeverityType.Error ? LidoSeverity.Error : LidoSeverity.Warning,
            Message = XsdMessage.Clean(e.Message),
        };
        if (_reader.NodeType is XmlNodeType.Element or XmlNodeType.Attribute)
        {
            // Raised while a start tag (or its attributes) is read, before this class has seen the element: it is
            // placed on that element, in that element's record, once StartElement has pushed it.
            _pendingStartTag.Add(issue);
            return;
        }
        (_recordDepth >= 0 ? _record : _document).Add(issue);
    }

    private LidoIssue XmlIssue(XmlException ex)
    {
        var dtd = ex.Message.Contains("DTD", StringComparison.Ordinal);
        return new LidoIssue
        {
            Line = ex.LineNumber > 0 ? ex.LineNumber : _lineInfo?.LineNumber ?? 0,
            Column = ex.LineNumber > 0 ? ex.LinePosition : _lineInfo?.LinePosition ?? 0,
            XPath = _tracker.Depth > 0 ? _tracker.Path() : "/",
            Rule = dtd ? "xml-dtd" : "xml",
            Message = dtd
                ? "The document has a DTD (<!DOCTYPE …>). MuseumSync never processes DTDs or entities: they can read local files, call out to the network or expand without bound. LIDO needs no DTD; remove the DOCTYPE."
                : $"The document is not well-formed XML: {ex.Message} Fix the XML at that line; nothing after it was read.",
        };
    }

    public void Dispose() => _reader.Dispose();
}
