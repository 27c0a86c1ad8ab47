using System.Management.Automation;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Resilience;

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
        IReadOnlyList<RequestBudgetRow> budgets;
        try
        {
            (checkpoints, budgets) = AsyncPump.Run(async () =>
            {
                var store = OpenStore(create: false, initialize: false, CancellationToken.None);
                await using var storeScope = store.ConfigureAwait(false);
                var list = await store.GetCheckpointsAsync(null, CancellationToken.None).ConfigureAwait(false);
                var rows = store is IRequestBudgetStore b ? await b.GetRequestBudgetsAsync(null, CancellationToken.None).ConfigureAwait(false) : [];
                return (list, rows);
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
            WriteObject(WithBudget(c, budgets));
        }
        if (!found && Source is not null && !WildcardPattern.ContainsWildcardCharacters(Source))
        {
            WriteError(new ErrorRecord(
                new ItemNotFoundException($"There is no checkpoint for source '{Source}' in '{StoreDescription}'. Sources with checkpoints: {(checkpoints.Count == 0 ? "none" : string.Join(", ", checkpoints.Select(c => c.Source)))}."),
                "SyncCheckpointNotFound", ErrorCategory.ObjectNotFound, Source));
        }
    }

    /// <summary>
    /// The checkpoint, and where a daily request budget is set for its source, the day's count beside it:
    /// DailyRequestBudget, RequestsToday, RequestsLeftToday and BudgetResetsAt (the next UTC midnight).
    /// </summary>
    private static object WithBudget(SyncCheckpoint checkpoint, IReadOnlyList<RequestBudgetRow> budgets)
    {
        var row = budgets.FirstOrDefault(b => b.Source == checkpoint.Source);
        if (row?.DayLimit is not { } limit) return checkpoint;
        var o = PSObject.AsPSObject(checkpoint);
        o.Properties.Add(new PSNoteProperty("DailyRequestBudget", limit));
        o.Properties.Add(new PSNoteProperty("RequestsToday", row.UsedToday));
        o.Properties.Add(new PSNoteProperty("RequestsLeftToday", row.LeftToday));
        o.Properties.Add(new PSNoteProperty("BudgetResetsAt", row.ResetsAt));
        return o;
    }
}
