using System.Management.Automation;
using MuseumSync.Iiif;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Turns MuseumSync records with media into IIIF Presentation 3.0 Manifests (help: docs/ConvertTo-IiifManifest.md).</summary>
[Cmdlet(VerbsData.ConvertTo, "IiifManifest")]
[OutputType(typeof(IiifManifestDocument))]
public sealed class ConvertToIiifManifestCommand : PSCmdlet
{
    private IiifManifestBuilder _builder = null!;

    /// <summary>The record (from Invoke-MuseumPoll).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public MuseumRecord InputObject { get; set; } = null!;

    /// <summary>Where the manifests will be published: ids become {BaseUri}{source}/{objectId}/manifest.json. By default each record's iiif_manifest_url.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? BaseUri { get; set; }

    /// <summary>Canvas width when the image size is unknown (MuseumSync does not download images).</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int CanvasWidth { get; set; } = 1000;

    /// <summary>Canvas height when the image size is unknown.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int CanvasHeight { get; set; } = 1000;

    /// <summary>The language of the label (the title); "none" by default, since titles arrive in any language.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string LabelLanguage { get; set; } = "none";

    /// <summary>OCR text layers (from Get-MuseumRecordText): a record's layer is added to its first canvas as supplementing annotations, one per line with its box as an #xywh= target.</summary>
    [Parameter]
    [ValidateNotNull]
    public MuseumRecordText[]? IncludeText { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        try
        {
            _builder = new IiifManifestBuilder(new IiifManifestOptions { BaseUri = BaseUri, CanvasWidth = CanvasWidth, CanvasHeight = CanvasHeight, LabelLanguage = LabelLanguage });
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "IiifManifestOptionsInvalid", ErrorCategory.InvalidArgument, BaseUri));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (_builder.CannotBuild(InputObject) is { } reason)
        {
            WriteError(new ErrorRecord(new InvalidDataException(reason), "IiifManifestNotPossible", ErrorCategory.InvalidData, InputObject));
            return;
        }
        var text = IncludeText?.LastOrDefault(t => t.Source == InputObject.Source && t.ObjectId == InputObject.ObjectId);
        WriteObject(_builder.Build(InputObject, text));
    }
}
