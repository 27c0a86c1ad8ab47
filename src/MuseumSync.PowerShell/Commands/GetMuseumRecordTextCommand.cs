using System.Management.Automation;
using MuseumSync.Ocr;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Gets the OCR text layers Invoke-MuseumOcr stored for a source's records.</para>
/// <para type="description">Returns one MuseumRecordText per record image that was read: the object id, the image URL and its content hash, the engine and languages, the mean confidence, the plain text (for a search index) and the word boxes as hOCR. Reads SQLite (-Database) or SQL Server / PostgreSQL (-ConnectionString); streams page by page, so a large source does not fill memory.</para>
/// <example><code>Get-MuseumRecordText -Database ./museum.db -Source met | Select-Object ObjectId, MeanConfidence, Text</code></example>
/// <example><code>Get-MuseumRecordText -Database ./museum.db -Source met -ObjectId 436535</code></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "MuseumRecordText", DefaultParameterSetName = DatabaseSet)]
[OutputType(typeof(MuseumRecordText))]
public sealed class GetMuseumRecordTextCommand : SyncStoreCommand, IDisposable
{
    private const int PageSize = 100;
    private readonly CancellationTokenSource _stop = new();

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
            var store = OpenStore(create: false, initialize: false, _stop.Token);
            try
            {
                var text = (IOcrTextStore)store;
                foreach (var id in ObjectId ?? [null!])
                {
                    string? after = null;
                    var found = false;
                    while (true)
                    {
                        var page = AsyncPump.Run(() => text.GetRecordTextAsync(Source, id, after, PageSize, _stop.Token));
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
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Frees the cancellation source (PowerShell disposes a cmdlet when its pipeline ends).</summary>
    public void Dispose() => _stop.Dispose();
}
