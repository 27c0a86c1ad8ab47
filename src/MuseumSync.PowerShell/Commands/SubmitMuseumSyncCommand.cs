using System.Management.Automation;
using MuseumSync.Jobs;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Run;
using MuseumSync.Storage;
using MuseumSync.Storage.Leases;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Plans sources into jobs and enqueues them for Start-MuseumSyncWorker (help: docs/Submit-MuseumSync.md).</summary>
[Cmdlet(VerbsLifecycle.Submit, "MuseumSync", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = SubmitSet)]
[OutputType(typeof(SyncSubmission), ParameterSetName = [SubmitSet])]
public sealed class SubmitMuseumSyncCommand : JobCommand
{
    private const string SubmitSet = "Submit";
    private const string AbandonSet = "Abandon";

    /// <summary>How long Submit-MuseumSync holds the source's lease while it writes a submission.</summary>
    private static readonly TimeSpan s_leaseDuration = TimeSpan.FromSeconds(30);

    /// <summary>Ids per chunk job of an ID fan-out; the default is the source's IdsPerJob key, else 500.</summary>
    [Parameter(ParameterSetName = SubmitSet)]
    [ValidateRange(SyncSettings.IdsPerJobMin, SyncSettings.IdsPerJobMax)]
    public int IdsPerJob { get; set; }

    /// <summary>Days per date-window job of a source whose API bounds the date at both ends (OAI-PMH, a REST API with SinceParameter and UntilParameter); the default is the source's WindowDays key, else 7.</summary>
    [Parameter(ParameterSetName = SubmitSet)]
    [ValidateRange(SyncSettings.WindowDaysMin, SyncSettings.WindowDaysMax)]
    public int WindowDays { get; set; }

    /// <summary>The Hangfire queue the jobs wait in. The default is museumsync.</summary>
    [Parameter(ParameterSetName = SubmitSet)]
    [ValidateNotNullOrEmpty]
    public string Queue { get; set; } = JobEngineOptions.DefaultQueue;

    /// <summary>Abandons this unfinished submission: its open jobs write nothing, the checkpoint stays, and its source is free for plain runs and new submissions.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AbandonSet)]
    [ValidatePattern("^[0-9a-fA-F]{32}$")]
    public string Abandon { get; set; } = null!;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == AbandonSet)
        {
            AbandonSubmission();
            return;
        }
        var config = LoadConfig();
        var sources = Select(config);
        var where = config.Store.Describe();
        var engine = new JobEngineOptions { Queue = Queue };
        try
        {
            engine.Validate();
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "SubmitQueueInvalid", ErrorCategory.InvalidArgument, Queue));
        }
        // Asked once per source, on the pipeline thread: only the sources answered Yes are submitted.
        sources = sources.Where(s => ShouldProcess(where, $"Plan and enqueue the jobs of source '{s.Name}'")).ToList();
        if (sources.Count == 0) return;
        var store = OpenStore(config);
        try
        {
            var service = new JobService(config.Store, engine);
            foreach (var source in sources)
            {
                var options = new JobOptions
                {
                    IdsPerJob = IdsPerJob > 0 ? IdsPerJob : source.Settings.IdsPerJob ?? JobOptions.DefaultIdsPerJob,
                    WindowDays = WindowDays > 0 ? WindowDays : source.Settings.WindowDays ?? JobOptions.DefaultWindowDays,
                };
                SyncSubmission submitted;
                try
                {
                    var (plan, submission, jobs) = JobPlanner.Plan(source.Settings, options, TimeProvider.System);
                    AsyncPump.Run(async () =>
                    {
                        await CreateUnderLeaseAsync(store, submission, jobs, where).ConfigureAwait(false);
                        return true;
                    });
                    service.Enqueue(source.Name, submission.Id, jobs.Select(j => j.Key));
                    WriteVerbose($"Submitted '{source.Name}' to {where}: plan {plan}, submission {submission.Id}, {jobs.Count} job(s) on queue '{engine.Queue}'.");
                    submitted = new SyncSubmission { Id = submission.Id, Source = source.Name, Plan = plan, Jobs = jobs.Count, Queue = engine.Queue, Database = where, Submitted = submission.Created };
                }
                catch (ArgumentException ex)
                {
                    WriteError(new ErrorRecord(ex, "SubmitSourceInvalid", ErrorCategory.InvalidArgument, source.Name));
                    continue;
                }
                catch (SyncSourceBusyException ex)
                {
                    // A plain run holds the source, or another submission does: this source is not submitted now.
                    WriteError(ErrorRecords.FromStore(ex, where));
                    continue;
                }
                catch (SyncStoreException ex)
                {
                    ThrowTerminatingError(ErrorRecords.FromStore(ex, where));
                    return;
                }
                WriteObject(submitted);
            }
        }
        finally
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Writes the submission while holding the source's lease: a plain run that holds it keeps the submission out, and
    /// once written the submission keeps plain runs (and a second submission) out until its last job commits.
    /// </summary>
    private async Task CreateUnderLeaseAsync(ISyncStore store, JobSubmission submission, IReadOnlyList<PlannedJob> jobs, string where)
    {
        var attempt = await store.TryAcquireLeaseAsync(new LeaseRequest { Resource = LeaseResource.For(submission.Source), Duration = s_leaseDuration }, CancelToken).ConfigureAwait(false);
        if (!attempt.Acquired) throw new SyncSourceBusyException(attempt.Holder!, where);
        try
        {
            await SubmissionGate.ThrowIfHeldAsync(store, submission.Source, null, where, CancelToken).ConfigureAwait(false);
            await ((IJobStore)store).CreateSubmissionAsync(submission, jobs, CancelToken).ConfigureAwait(false);
        }
        finally
        {
            await store.ReleaseLeaseAsync(attempt.Lease!, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void AbandonSubmission()
    {
        var config = LoadConfig();
        var where = config.Store.Describe();
        if (!ShouldProcess(where, $"Abandon submission {Abandon} (its open jobs write nothing; the checkpoint stays)")) return;
        var store = OpenStore(config);
        try
        {
            var id = Abandon.ToLowerInvariant();
            var abandoned = AsyncPump.Run(() => ((IJobStore)store).AbandonSubmissionAsync(id, CancelToken));
            if (!abandoned)
            {
                WriteError(new ErrorRecord(new ArgumentException($"Submission {id} is not an unfinished submission in {where}: it finished, was abandoned before, or was never written there. Get-MuseumSyncJob -ConfigPath {ConfigPath} lists the submissions and their jobs."),
                    "SubmitAbandonNotOpen", ErrorCategory.ObjectNotFound, id));
                return;
            }
            WriteVerbose($"Abandoned submission {id} in {where}: its open jobs are marked Abandoned and write nothing; the source's checkpoint stays where it was.");
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromStore(ex, where));
        }
        finally
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
