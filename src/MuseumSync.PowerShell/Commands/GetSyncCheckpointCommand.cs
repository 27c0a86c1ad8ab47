using System.Management.Automation;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Gets the stored sync checkpoints.</para>
/// <para type="description">Returns one object per source: the cursor the next run resumes from, the time of the last committed batch, and the committed and dead-lettered totals.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SyncCheckpoint")]
[OutputType(typeof(SyncCheckpoint))]
public sealed class GetSyncCheckpointCommand : PSCmdlet
{
    /// <summary>Only this source (wildcards allowed); all sources when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string? Source { get; set; }

    /// <summary>The SQLite database file.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Database { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = CmdletPaths.Resolve(this, Database);
        IReadOnlyList<SyncCheckpoint> checkpoints;
        try
        {
            checkpoints = Task.Run(async () =>
            {
                await using var store = await SqliteSyncStore.OpenAsync(path, create: false, CancellationToken.None).ConfigureAwait(false);
                return await store.GetCheckpointsAsync(null, CancellationToken.None).ConfigureAwait(false);
            }).GetAwaiter().GetResult();
        }
        catch (SyncStoreException ex)
        {
            WriteError(ErrorRecords.From(ex, Database));
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
                new ItemNotFoundException($"There is no checkpoint for source '{Source}' in '{path}'. Sources with checkpoints: {(checkpoints.Count == 0 ? "none" : string.Join(", ", checkpoints.Select(c => c.Source)))}."),
                "SyncCheckpointNotFound", ErrorCategory.ObjectNotFound, Source));
        }
    }
}
