using System.Globalization;
using System.Management.Automation;
using MuseumSync.Ocr;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Run;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Reads the text in a source's record images with Tesseract OCR and stores it as a text layer beside each record. Help: docs/Invoke-MuseumOcr.md.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MuseumOcr", DefaultParameterSetName = DatabaseSet, SupportsShouldProcess = true)]
[OutputType(typeof(OcrSummary))]
public sealed class InvokeMuseumOcrCommand : SyncStoreCommand
{
    /// <summary>The source whose records' images are read.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SourceCompleter))]
    public string Source { get; set; } = null!;

    /// <summary>Tesseract language data joined with '+' (eng+deu). The default is eng.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Language { get; set; }

    /// <summary>Images read at once (one Tesseract process each). The default is the number of processors.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; }

    /// <summary>Only records changed at or after this time.</summary>
    [Parameter]
    public DateTime Since { get; set; }

    /// <summary>Read every image again, even when its bytes did not change.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The Tesseract executable or its folder; by default tesseract on PATH.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TesseractPath { get; set; }

    /// <summary>Seconds Tesseract may take for one image before its process tree is stopped (ocr-timeout). The default is 120.</summary>
    [Parameter]
    [ValidateRange(1, 86_400)]
    public int ImageTimeoutSec { get; set; }

    /// <summary>The most bytes one image (or IIIF manifest) may have (ocr-too-large). The default is 50 MiB.</summary>
    [Parameter]
    [ValidateRange(1024L, 4L * 1024 * 1024 * 1024)]
    public long MaxImageBytes { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ResetStoreOptions();
        var b = MyInvocation.BoundParameters;
        OcrOptions options;
        try
        {
            var defaults = new OcrOptions { Source = Source };
            options = new OcrOptions
            {
                Source = Source,
                Languages = Language ?? defaults.Languages,
                ThrottleLimit = b.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : defaults.ThrottleLimit,
                Since = b.ContainsKey(nameof(Since)) ? new DateTimeOffset(Since.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(Since, DateTimeKind.Utc) : Since) : null,
                Force = Force.IsPresent,
                TesseractPath = TesseractPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(TesseractPath),
                ImageTimeout = b.ContainsKey(nameof(ImageTimeoutSec)) ? TimeSpan.FromSeconds(ImageTimeoutSec) : defaults.ImageTimeout,
                MaxImageBytes = b.ContainsKey(nameof(MaxImageBytes)) ? MaxImageBytes : defaults.MaxImageBytes,
            };
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "MuseumOcrInvalidArgument", ErrorCategory.InvalidArgument, Language));
            return;
        }

        var whatIf = IsWhatIf();
        if (!whatIf && !ShouldProcess(StoreDescription, $"OCR the images of source '{Source}'")) return;
        var pump = NewPump(256);
        var events = pump.Events;
        OcrSummary? summary = null;
        var shown = false;
        long nextProgress = 0;
        try
        {
            var store = OpenStore(create: false, initialize: !whatIf, CancelToken);
            pump.Run(async ct =>
            {
                await using var scope = store.ConfigureAwait(false);
                if (whatIf && (await store.GetSchemaStatusAsync(ct).ConfigureAwait(false)).Pending.Count > 0)
                {
                    throw new SyncStoreException($"The schema of {StoreDescription} is older than this MuseumSync (it has no text-layer table yet), so -WhatIf cannot tell which images are new. Run Initialize-SyncDatabase first (or the same command without -WhatIf, which upgrades it).");
                }
                var engine = whatIf ? null : await TesseractEngine.OpenAsync(options.TesseractPath, options.Languages, ct).ConfigureAwait(false);
                var run = new OcrRun((IOcrTextStore)store, options, StoreDescription, log: line => events.Publish(new SyncEvent(SyncEventLevel.Verbose, SyncEventIds.OcrActivity, line) { Source = Source }));
                // Progress is droppable: when the pipeline thread is behind, the next update says the same and more.
                run.Progress += (_, p) => pump.Writer.TryWrite(new OcrProgressMessage(string.Create(CultureInfo.InvariantCulture, $"{p.ImagesSeen:N0} images: {p.Ocred:N0} read, {p.Unchanged:N0} unchanged, {p.Failed:N0} failed"), p.Current));
                run.WouldOcr += (_, line) => events.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.OcrWouldRead, line) { Source = Source });
                run.ImageFailed += (_, f) => events.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.OcrImageFailed, $"{f.Reason.Rule}: {f.Reason.Message}") { Source = Source });
                summary = whatIf ? await run.WhatIfAsync(ct).ConfigureAwait(false) : await run.RunAsync(engine!, ct).ConfigureAwait(false);
            }, message =>
            {
                switch (message)
                {
                    case OcrProgressMessage p when Environment.TickCount64 >= nextProgress:
                        nextProgress = Environment.TickCount64 + 250;
                        shown = true;
                        WriteProgress(new ProgressRecord(1, $"OCR of '{Source}'", p.Status) { PercentComplete = -1, CurrentOperation = p.Current });
                        break;
                }
            }, e =>
            {
                if (e.Id == SyncEventIds.OcrWouldRead) ShouldProcess(e.Message, e.Message, "Invoke-MuseumOcr");
                else WriteEvent(e);
            }, CancelToken);
        }
        catch (OcrEngineException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.NotInstalled, options.TesseractPath ?? "tesseract"));
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromStore(ex, StoreDescription));
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            return;
        }
        finally
        {
            if (shown) WriteProgress(new ProgressRecord(1, $"OCR of '{Source}'", "Done") { RecordType = ProgressRecordType.Completed });
        }
        WriteObject(summary);
    }

}

/// <summary>A progress update of an OCR run.</summary>
internal sealed record OcrProgressMessage(string Status, string? Current) : PipelineMessage;
