using System.Management.Automation;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Gets the stored sync checkpoints (help: docs/Get-SyncCheckpoint.md).</summary>
[Cmdlet(VerbsCommon.Get, "SyncCheckpoint", DefaultParameterSetName = DatabaseSet)]
[OutputType(typeof(SyncCheckpoint))]
public sealed class GetSyncCheckpointCommand : SyncStoreCommand
{
    /// <summary>Only this source (wildcards allowed); all sources when omitted. Binds from the pipeline by property name (Source). Not by value: Get-ChildItem *.db output binds -Database (FullName), and a file must not become a source name.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SourceCompleter))]
    public string? Source { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ResetStoreOptions();
        IReadOnlyList<SyncCheckpoint> checkpoints;
        try
        {
            checkpoints = AsyncPump.Run(async () =>
            {
                var store = OpenStore(create: false, initialize: false, CancellationToken.None);
                await using var storeScope = store.ConfigureAwait(false);
                return await store.GetCheckpointsAsync(null, CancellationToken.None).ConfigureAwait(false);
            });
        }
        catch (SyncStoreException ex)
        {
            WriteError(ErrorRecords.FromStore(ex, StoreDescription));
            return;
        }
        var pattern = Source is null ? null : new WildcardPattern(Source, WildcardOptions.IgnoreCase);
        var found = false;
        foreach (var c in checkpoints)
        {
            if (pattern is not null && !pattern.IsMatch(c.Source)) continue;
            found = true;
            WriteObject(c);
        }
        if (!found && Source is not null && !WildcardPattern.ContainsWildcardCharacters(Source))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"There is no checkpoint for source '{Source}' in '{StoreDescription}'. Sources with checkpoints: {(checkpoints.Count == 0 ? "none" : string.Join(", ", checkpoints.Select(c => c.Source)))}."),
                "SyncCheckpointNotFound", ErrorCategory.ObjectNotFound, Source));
        }
    }
}
