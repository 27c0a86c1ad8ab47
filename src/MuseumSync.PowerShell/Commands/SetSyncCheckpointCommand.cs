using System.Management.Automation;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Sets where a source's next sync starts: its cursor and/or its watermark (help: docs/Set-SyncCheckpoint.md).</summary>
[Cmdlet(VerbsCommon.Set, "SyncCheckpoint", DefaultParameterSetName = DatabaseSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SyncCheckpoint))]
public sealed class SetSyncCheckpointCommand : SyncStoreCommand
{
    /// <summary>The source whose checkpoint to set. Binds from the pipeline by property name (Get-SyncCheckpoint output). Not by value: a piped file (Get-ChildItem *.db) binds -Database, and must never become a source name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SourceCompleter))]
    public string Source { get; set; } = null!;

    /// <summary>The cursor (or next-page URL) the next run starts from; $null starts from the first page. Binds by property name, so a piped checkpoint is copied.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? Cursor { get; set; }

    /// <summary>The modification-time watermark (ISO 8601) the next incremental run starts from; $null clears it. Binds by property name, so a piped checkpoint is copied.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? Watermark { get; set; }

    /// <summary>Write the checkpoint after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ResetStoreOptions();
        var setCursor = MyInvocation.BoundParameters.ContainsKey(nameof(Cursor));
        var setWatermark = MyInvocation.BoundParameters.ContainsKey(nameof(Watermark));
        if (!setCursor && !setWatermark)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give -Cursor, -Watermark or both (Reset-SyncCheckpoint starts a source from the beginning)."), "SyncCheckpointNothingToSet", ErrorCategory.InvalidArgument, Source));
        }
        var change = new CheckpointChange
        {
            Source = Source,
            SetCursor = setCursor,
            Cursor = string.IsNullOrEmpty(Cursor) ? null : Cursor,
            SetWatermark = setWatermark,
            Watermark = string.IsNullOrEmpty(Watermark) ? null : Watermark,
        };
        var what = string.Join(" and ", new[]
        {
            setCursor ? $"cursor -> {change.Cursor ?? "(start)"}" : null,
            setWatermark ? $"watermark -> {change.Watermark ?? "(none)"}" : null,
        }.Where(s => s is not null));
        if (!ShouldProcess($"checkpoint of '{Source}' in {StoreDescription}", $"Set {what}")) return;
        try
        {
            var after = AsyncPump.Run(async () =>
            {
                var store = OpenStore(create: true, initialize: true, CancellationToken.None);
                await using var storeScope = store.ConfigureAwait(false);
                return await LeasedEdit.RunAsync(store, Source, () => store.SetCheckpointAsync(change, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            });
            WriteVerbose($"Checkpoint of '{Source}' set: {what}.");
            if (PassThru) WriteObject(after);
        }
        catch (Exception ex) when (ex is SyncStoreException or SyncSourceBusyException)
        {
            WriteError(ErrorRecords.FromStore(ex, StoreDescription));
        }
    }
}
