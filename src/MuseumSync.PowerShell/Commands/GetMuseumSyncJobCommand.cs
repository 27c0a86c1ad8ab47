using System.Management.Automation;
using MuseumSync.Jobs;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Gets the scale-out jobs kept in the store (help: docs/Get-MuseumSyncJob.md).</summary>
[Cmdlet(VerbsCommon.Get, "MuseumSyncJob")]
[OutputType(typeof(SyncJobInfo))]
public sealed class GetMuseumSyncJobCommand : JobCommand
{
    /// <summary>Only this submission's jobs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string? Submission { get; set; }

    /// <summary>Only jobs in this state.</summary>
    [Parameter]
    [ValidateSet("Enqueued", "Processing", "Retrying", "Failed", "Done")]
    public string? State { get; set; }

    /// <summary>The most jobs written. The default is 10,000.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int First { get; set; } = 10_000;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var config = LoadConfig();
        var sources = Source is null ? null : Select(config);
        IReadOnlyList<SyncJobInfo> jobs;
        try
        {
            jobs = AsyncPump.Run(async () =>
            {
                var store = await SyncStoreFactory.OpenAsync(config.Store, create: false, CancelToken).ConfigureAwait(false);
                await using var storeScope = store.ConfigureAwait(false);
                return await ((IJobStore)store).GetJobsAsync(new JobQuery { Submission = Submission, Source = sources is { Count: 1 } ? sources[0].Name : null, State = State, Limit = sources is { Count: > 1 } ? int.MaxValue : First }, CancelToken).ConfigureAwait(false);
            });
        }
        catch (SyncStoreException ex)
        {
            WriteError(ErrorRecords.FromStore(ex, config.Store.Describe()));
            return;
        }
        foreach (var job in jobs.Where(j => sources is null || sources.Any(s => string.Equals(s.Name, j.Source, StringComparison.Ordinal))).Take(First))
        {
            WriteObject(job);
        }
    }
}
