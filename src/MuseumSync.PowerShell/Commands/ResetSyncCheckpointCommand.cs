using System.Management.Automation;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Starts a source from the beginning: clears its cursor and watermark (help: docs/Reset-SyncCheckpoint.md).</summary>
[Cmdlet(VerbsCommon.Reset, "SyncCheckpoint", DefaultParameterSetName = DatabaseSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SyncCheckpoint))]
public sealed class ResetSyncCheckpointCommand : SyncStoreCommand
{
    /// <summary>The source to start from the beginning. Binds from the pipeline by property name (Get-SyncCheckpoint output). Not by value: a piped file (Get-ChildItem *.db) binds -Database, and must never become a source name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SourceCompleter))]
    public string Source { get; set; } = null!;

    /// <summary>Write the checkpoint after the reset.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ResetStoreOptions();
        if (!ShouldProcess($"checkpoint of '{Source}' in {StoreDescription}", "Reset (the next sync starts from the first page)")) return;
        SyncCheckpoint? after;
        try
        {
            after = AsyncPump.Run(async () =>
            {
                var store = OpenStore(create: false, initialize: true, CancellationToken.None);
                await using var storeScope = store.ConfigureAwait(false);
                return await LeasedEdit.RunAsync(store, Source, () => store.ResetCheckpointAsync(Source, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            });
        }
        catch (Exception ex) when (ex is SyncStoreException or SyncSourceBusyException)
        {
            WriteError(ErrorRecords.FromStore(ex, StoreDescription));
            return;
        }
        if (after is null)
        {
            WriteError(new ErrorRecord(new ItemNotFoundException($"There is no checkpoint for source '{Source}' in '{StoreDescription}'; nothing to reset."),
                "SyncCheckpointNotFound", ErrorCategory.ObjectNotFound, Source));
            return;
        }
        WriteVerbose($"Checkpoint of '{Source}' reset: the next sync starts from the first page.");
        if (PassThru) WriteObject(after);
    }
}
