using System.Management.Automation;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Gets the records that failed validation, with their payload and reasons (help: docs/Get-SyncDeadLetter.md).</summary>
[Cmdlet(VerbsCommon.Get, "SyncDeadLetter", DefaultParameterSetName = DatabaseSet)]
[OutputType(typeof(DeadLetter))]
public sealed class GetSyncDeadLetterCommand : SyncStoreCommand
{
    /// <summary>Only this source; all sources when omitted. Binds from the pipeline by property name (Get-SyncCheckpoint output). Not by value: Get-ChildItem *.db output binds -Database (FullName), and a file must not become a source name.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SourceCompleter))]
    public string? Source { get; set; }

    /// <summary>Only dead letters with a reason whose rule or field matches this pattern (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Reason { get; set; }

    /// <summary>Only dead letters last seen at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        ResetStoreOptions();
        IReadOnlyList<DeadLetter> letters;
        try
        {
            var query = new DeadLetterQuery { Source = Source, Since = Since is { } s ? new DateTimeOffset(s.ToUniversalTime()) : null };
            letters = AsyncPump.Run(async () =>
            {
                var store = OpenStore(create: false, initialize: false, CancellationToken.None);
                await using var storeScope = store.ConfigureAwait(false);
                return await store.GetDeadLettersAsync(query, CancellationToken.None).ConfigureAwait(false);
            });
        }
        catch (SyncStoreException ex)
        {
            WriteError(ErrorRecords.FromStore(ex, StoreDescription));
            return;
        }
        var pattern = Reason is null ? null : new WildcardPattern(Reason, WildcardOptions.IgnoreCase);
        foreach (var letter in letters)
        {
            if (pattern is not null && !letter.Reasons.Any(r => pattern.IsMatch(r.Rule) || pattern.IsMatch(r.Field))) continue;
            WriteObject(letter);
        }
    }
}
