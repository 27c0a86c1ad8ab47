using System.Collections;
using System.Management.Automation;
using MuseumSync.Lido;
using MuseumSync.Lido.Quality;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Validates LIDO records against the official LIDO XSD (1.0 or 1.1) and MuseumSync's quality rules (help: docs/Test-LidoRecord.md).</summary>
[Cmdlet(VerbsDiagnostic.Test, "LidoRecord", DefaultParameterSetName = PathSet)]
[OutputType(typeof(LidoValidationResult))]
public sealed class TestLidoRecordCommand : StandardsFileCommand
{
    /// <summary>XML text.</summary>
    public const string XmlSet = "Xml";

    /// <summary>MuseumSync records.</summary>
    public const string RecordSet = "InputObject";

    private LidoValidator _validator = null!;

    /// <summary>LIDO XML text; strings piped in (ConvertTo-LidoXml output) bind here.</summary>
    [Parameter(Mandatory = true, ParameterSetName = XmlSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Xml { get; set; } = null!;

    /// <summary>A record from Invoke-MuseumPoll; it is converted to LIDO 1.1 (as ConvertTo-LidoXml does) and validated.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RecordSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public MuseumRecord InputObject { get; set; } = null!;

    /// <summary>The LIDO version to validate against; by default it is read from the document's xsi:schemaLocation (1.1 when it names none).</summary>
    [Parameter]
    [ValidateSet("1.0", "1.1")]
    public string? Version { get; set; }

    /// <summary>A folder holding lido-v1.1.xsd (or lido-v1.0.xsd) and its imports; by default the per-user cache, filled once from the official location.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SchemaPath { get; set; }

    /// <summary>Only these quality rules (wildcards allowed); all by default. The README lists the rule ids: record-id, record-source, title, work-type, legal-body, rights-uri, date, metadata-date, link-url, uri-identifier, language, empty-value.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Rule { get; set; }

    /// <summary>Quality rules to silence (wildcards allowed); -ExcludeRule * checks the XSD only.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeRule { get; set; }

    /// <summary>Severity per rule: @{ 'link-url' = 'Error'; 'title' = 'Warning' }.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? RuleSeverity { get; set; }

    /// <summary>Skip the XSD and run the quality rules only (no schema needed).</summary>
    [Parameter]
    public SwitchParameter SkipSchema { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var options = new LidoValidationOptions
        {
            Version = Version is null ? null : LidoVersions.TryParse(Version, out var v) ? v : null,
            Schema = new LidoSchemaOptions { SchemaPath = SchemaPath is null ? null : CmdletPaths.Resolve(this, SchemaPath) },
            ValidateSchema = !SkipSchema,
            Rules = SelectRules(),
            Severities = Severities(),
        };
        _validator = new LidoValidator(options);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case XmlSet:
                if (MyInvocation.ExpectingInput && !LooksLikeXml(Xml))
                {
                    // Strings piped in are XML text (ConvertTo-LidoXml output); a piped file name is a mistake worth saying plainly.
                    var start = Xml.Length > 60 ? Xml[..60] + "…" : Xml;
                    WriteError(new ErrorRecord(new ArgumentException($"Test-LidoRecord takes piped strings as LIDO XML text, and '{start}' is not XML. To validate files, give -Path or -LiteralPath, or pipe Get-ChildItem output."), "LidoInputNotXml", ErrorCategory.InvalidArgument, Xml));
                    return;
                }
                Write(() => _validator.ValidateXml(Xml, "(xml)", CancelToken), "(xml)");
                break;
            case RecordSet:
                if (LidoWriter.CannotWrite(InputObject) is { } reason)
                {
                    WriteError(new ErrorRecord(new InvalidDataException($"{reason} Fix the record at the source; nothing was validated."), "LidoConversionNotPossible", ErrorCategory.InvalidData, InputObject));
                    return;
                }
                var name = $"{InputObject.Source}/{InputObject.ObjectId}";
                Write(() => _validator.ValidateXml(LidoWriter.ToXml(InputObject), name, CancelToken), InputObject);
                break;
            default:
                foreach (var file in Files())
                {
                    Write(() => _validator.ValidateFile(file, CancelToken), file);
                }
                break;
        }
    }

    private void Write(Func<IEnumerable<LidoValidationResult>> results, object target)
    {
        try
        {
            foreach (var result in results()) WriteObject(result);
        }
        catch (LidoSchemaUnavailableException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.ResourceUnavailable, SchemaPath));
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, "LidoFileUnreadable", ErrorCategory.ReadError, target));
        }
    }

    private static bool LooksLikeXml(string text) => text.AsSpan().TrimStart().TrimStart('\uFEFF').StartsWith("<", StringComparison.Ordinal);

    private string[]? SelectRules()
    {
        if (Rule is null && ExcludeRule is null) return null;
        var include = (Rule ?? ["*"]).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
        var exclude = (ExcludeRule ?? []).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
        foreach (var pattern in Rule ?? [])
        {
            if (!LidoQualityRules.All.Any(r => new WildcardPattern(pattern, WildcardOptions.IgnoreCase).IsMatch(r.Id)))
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Rule '{pattern}' matches no LIDO quality rule. The rules are: {string.Join(", ", LidoQualityRules.All.Select(r => r.Id))}."), "LidoRuleUnknown", ErrorCategory.InvalidArgument, pattern));
            }
        }
        return LidoQualityRules.All.Select(r => r.Id).Where(id => include.Any(p => p.IsMatch(id)) && !exclude.Any(p => p.IsMatch(id))).ToArray();
    }

    private Dictionary<string, LidoSeverity>? Severities()
    {
        if (RuleSeverity is null) return null;
        var result = new Dictionary<string, LidoSeverity>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in RuleSeverity)
        {
            var key = entry.Key?.ToString() ?? string.Empty;
            var matches = LidoQualityRules.All.Where(r => new WildcardPattern(key, WildcardOptions.IgnoreCase).IsMatch(r.Id)).ToList();
            var parsed = Enum.TryParse<LidoSeverity>(entry.Value?.ToString(), ignoreCase: true, out var severity) && Enum.IsDefined(severity);
            if (matches.Count == 0 || !parsed)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(matches.Count == 0
                    ? $"-RuleSeverity names '{key}', which matches no LIDO quality rule. The rules are: {string.Join(", ", LidoQualityRules.All.Select(r => r.Id))}."
                    : $"-RuleSeverity gives '{key}' the severity '{entry.Value}'. Use Error or Warning."), "LidoRuleSeverityInvalid", ErrorCategory.InvalidArgument, RuleSeverity));
            }
            foreach (var m in matches) result[m.Id] = severity;
        }
        return result;
    }

}
