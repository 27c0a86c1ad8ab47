using System.Xml;
using System.Xml.Schema;

namespace MuseumSync.Lido;

/// <summary>
/// Validates LIDO documents (one <c>lido:lido</c>, or a <c>lido:lidoWrap</c> of many) against the official XSD and the
/// quality rules, streaming through an <see cref="XmlReader"/>: one result per record, produced as the record closes,
/// with memory bounded by the depth of the document and the findings of one record, not by the size of the file.
/// </summary>
/// <remarks>
/// Safe by construction: DTDs are prohibited (an XXE or entity-expansion document is reported invalid at its
/// <c>&lt;!DOCTYPE</c>), no resolver is set (nothing the document names is fetched) and <c>xsi:schemaLocation</c> is
/// ignored (the schema comes only from <see cref="LidoSchemaOptions"/>).
/// </remarks>
internal sealed class LidoValidator
{
    private readonly LidoValidationOptions _options;
    private readonly Dictionary<string, LidoSeverity> _severities;

    /// <summary>Creates a validator; the options are validated here.</summary>
    public LidoValidator(LidoValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _severities = new Dictionary<string, LidoSeverity>(options.Severities ?? new Dictionary<string, LidoSeverity>(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The options in force.</summary>
    public LidoValidationOptions Options => _options;

    /// <summary>Validates a file.</summary>
    public IEnumerable<LidoValidationResult> ValidateFile(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ValidateFileCore(path, cancellationToken);
    }

    /// <summary>Validates XML text; <paramref name="name"/> is shown as the result's file.</summary>
    public IEnumerable<LidoValidationResult> ValidateXml(string xml, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return ValidateTextCore(xml, name, cancellationToken);
    }

    /// <summary>Validates a stream (read once, front to back); <paramref name="name"/> is shown as the result's file.</summary>
    public IEnumerable<LidoValidationResult> Validate(Stream stream, string? name, bool leaveOpen = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ValidateCore(stream, name, leaveOpen, cancellationToken);
    }

    private IEnumerable<LidoValidationResult> ValidateFileCore(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        foreach (var result in ValidateCore(stream, path, leaveOpen: false, cancellationToken)) yield return result;
    }

    private IEnumerable<LidoValidationResult> ValidateTextCore(string xml, string? name, CancellationToken cancellationToken)
    {
        var version = _options.Version ?? LidoVersionDetector.Detect(xml);
        var schemas = _options.ValidateSchema ? LidoSchemaProvider.Get(version, _options.Schema) : null;
        using var run = new LidoStreamValidation(new StringReader(xml), name, version, schemas, _options, _severities);
        while (run.TryReadNext(out var result, cancellationToken))
        {
            yield return result;
        }
    }

    private IEnumerable<LidoValidationResult> ValidateCore(Stream stream, string? name, bool leaveOpen, CancellationToken cancellationToken)
    {
        // Version detection reads the head of the stream and replays it; the replaying stream closes the original only
        // when the caller gave it up (leaveOpen false), so the reader may always close what it reads.
        Stream input = stream;
        var closeInput = !leaveOpen;
        LidoVersion version;
        if (_options.Version is { } fixedVersion)
        {
            version = fixedVersion;
        }
        else
        {
            version = LidoVersionDetector.Detect(stream, leaveOpen, out input);
            closeInput = true;
        }
        XmlSchemaSet? schemas;
        try
        {
            schemas = _options.ValidateSchema ? LidoSchemaProvider.Get(version, _options.Schema) : null;
        }
        catch
        {
            if (closeInput) input.Dispose();
            throw;
        }
        using var run = new LidoStreamValidation(input, name, version, schemas, _options, _severities, closeInput);
        while (run.TryReadNext(out var result, cancellationToken))
        {
            yield return result;
        }
    }
}
