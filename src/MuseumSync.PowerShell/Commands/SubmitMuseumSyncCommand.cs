using System.Management.Automation;
using MuseumSync.Jobs;
using MuseumSync.PowerShell.Internal;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Plans sources into jobs and enqueues them for Start-MuseumSyncWorker (help: docs/Submit-MuseumSync.md).</summary>
[Cmdlet(VerbsLifecycle.Submit, "MuseumSync", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(SyncSubmission))]
public sealed class SubmitMuseumSyncCommand : JobCommand
{
    /// <summary>Ids per chunk job of an ID fan-out; the default is the source's IdsPerJob key, else 500.</summary>
    [Parameter]
    [ValidateRange(1, JobOptions.MaxIdsPerJob)]
    public int IdsPerJob { get; set; }

    /// <summary>The Hangfire queue the jobs wait in. The default is museumsync.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Queue { get; set; } = JobEngineOptions.DefaultQueue;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
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
                var options = new JobOptions { IdsPerJob = IdsPerJob > 0 ? IdsPerJob : source.Settings.IdsPerJob ?? JobOptions.DefaultIdsPerJob };
                SyncSubmission submitted;
                try
                {
                    var (plan, submission, jobs) = JobPlanner.Plan(source.Settings, options, TimeProvider.System);
                    AsyncPump.Run(async () =>
                    {
                        await ((IJobStore)store).CreateSubmissionAsync(submission, jobs, CancelToken).ConfigureAwait(false);
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
}
