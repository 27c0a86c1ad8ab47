using System.Management.Automation;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Gets the records that failed validation, with their payload and reasons.</para>
/// <para type="description">Returns one MuseumSync.DeadLetter per distinct rejected payload: the raw payload, the reasons (field, rule, message), the page URL and correlation id it came from, when it was first and last seen, and how often.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "SyncDeadLetter")]
[OutputType(typeof(DeadLetter))]
public sealed class GetSyncDeadLetterCommand : PSCmdlet
{
    /// <summary>Only this source; all sources when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Source { get; set; }

    /// <summary>The SQLite database file.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Database { get; set; } = null!;

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
        var path = CmdletPaths.Resolve(this, Database);
        IReadOnlyList<DeadLetter> letters;
        try
        {
            var query = new DeadLetterQuery { Source = Source, Since = Since is { } s ? new DateTimeOffset(s.ToUniversalTime()) : null };
            letters = Task.Run(async () =>
            {
                await using var store = await SqliteSyncStore.OpenAsync(path, create: false, CancellationToken.None).ConfigureAwait(false);
                return await store.GetDeadLettersAsync(query, CancellationToken.None).ConfigureAwait(false);
            }).GetAwaiter().GetResult();
        }
        catch (SyncStoreException ex)
        {
            WriteError(ErrorRecords.From(ex, Database));
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
