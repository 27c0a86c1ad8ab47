using System.Management.Automation;
using MuseumSync.Ocr;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Gets the OCR text layers Invoke-MuseumOcr stored for a source's records. Help: docs/Get-MuseumRecordText.md.</summary>
[Cmdlet(VerbsCommon.Get, "MuseumRecordText", DefaultParameterSetName = DatabaseSet)]
[OutputType(typeof(MuseumRecordText))]
public sealed class GetMuseumRecordTextCommand : SyncStoreCommand
{
    private const int PageSize = 100;

    /// <summary>The source.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SourceCompleter))]
    public string Source { get; set; } = null!;

    /// <summary>Only the layers of these object ids; all of the source's when omitted. Binds from the pipeline by property name (ObjectId).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? ObjectId { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ResetStoreOptions();
        try
        {
            var store = OpenStore(create: false, initialize: false, CancelToken);
            try
            {
                var text = (IOcrTextStore)store;
                foreach (var id in ObjectId ?? [null!])
                {
                    string? after = null;
                    var found = false;
                    while (true)
                    {
                        var page = AsyncPump.Run(() => text.GetRecordTextAsync(Source, id, after, PageSize, CancelToken));
                        foreach (var layer in page) WriteObject(layer);
                        found |= page.Count > 0;
                        if (page.Count < PageSize) break;
                        after = page[^1].ObjectId;
                    }
                    if (!found && id is not null)
                    {
                        WriteError(new ErrorRecord(
                            new ItemNotFoundException($"There is no text layer for object '{id}' of source '{Source}' in '{StoreDescription}'. Run Invoke-MuseumOcr -Source {Source} first; an image that could not be read is in Get-SyncDeadLetter -Source {Source}."),
                            "MuseumRecordTextNotFound", ErrorCategory.ObjectNotFound, id));
                    }
                }
            }
            finally
            {
                AsyncPump.Run(async () =>
                {
                    await store.DisposeAsync().ConfigureAwait(false);
                    return 0;
                });
            }
        }
        catch (SyncStoreException ex)
        {
            WriteError(ErrorRecords.FromStore(ex, StoreDescription));
        }
        catch (OperationCanceledException) when (IsStopping)
        {
        }
    }
}
