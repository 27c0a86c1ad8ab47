using System.Globalization;
using System.Management.Automation;
using MuseumSync.Jobs;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Run;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Runs a Hangfire server for MuseumSync jobs in this process (help: docs/Start-MuseumSyncWorker.md).</summary>
[Cmdlet(VerbsLifecycle.Start, "MuseumSyncWorker")]
[OutputType(typeof(void))]
public sealed class StartMuseumSyncWorkerCommand : JobCommand
{
    /// <summary>Jobs this process runs at once. The default is 2.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int WorkerCount { get; set; } = 2;

    /// <summary>The Hangfire queue to take jobs from. The default is museumsync.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Queue { get; set; } = JobEngineOptions.DefaultQueue;

    /// <summary>Stop once no job is left (enqueued, running, or waiting for a retry), instead of running until Ctrl+C.</summary>
    [Parameter]
    public SwitchParameter StopWhenIdle { get; set; }

    /// <summary>Attempts of a job before it is left Failed. The default is 10.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int JobAttempts { get; set; } = 10;

    /// <summary>The first retry's delay in seconds (each next one doubles, up to 30 minutes). The default is 15.</summary>
    [Parameter]
    [ValidateRange(0.1, 3600.0)]
    public double RetryDelaySec { get; set; } = 15;

    /// <summary>Seconds a job taken by a worker that stopped answering stays invisible before another worker takes it. The default is 300.</summary>
    [Parameter]
    [ValidateRange(5, 86_400)]
    public int InvisibilityTimeoutSec { get; set; } = 300;

    /// <summary>Seconds between an idle worker's looks for new jobs. The default is 5.</summary>
    [Parameter]
    [ValidateRange(0.1, 600.0)]
    public double PollIntervalSec { get; set; } = 5;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var config = LoadConfig();
        var sources = Select(config);
        var engine = new JobEngineOptions
        {
            Queue = Queue,
            WorkerCount = WorkerCount,
            Attempts = JobAttempts,
            RetryDelay = TimeSpan.FromSeconds(RetryDelaySec),
            InvisibilityTimeout = TimeSpan.FromSeconds(InvisibilityTimeoutSec),
            PollInterval = TimeSpan.FromSeconds(PollIntervalSec),
        };
        try
        {
            engine.Validate();
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "WorkerOptionInvalid", ErrorCategory.InvalidArgument, Queue));
        }
        // The schema (job tables included) is brought up to date once here, not by every job.
        OpenStore(config).DisposeAsync().AsTask().GetAwaiter().GetResult();
        var service = new JobService(config.Store, engine);
        var events = NewEvents();
        var settings = sources.ToDictionary(s => s.Name, s => s.Settings, StringComparer.Ordinal);
        var context = new WorkerContext
        {
            Settings = name => settings.TryGetValue(name, out var s) ? s : null,
            Store = config.Store,
            Engine = engine,
            Events = events,
            LoadRules = ComplianceRuleFile.Load,
            Enqueue = (source, submission, keys) => service.Enqueue(source, submission, keys),
        };
        var name = string.Create(CultureInfo.InvariantCulture, $"museumsync:{Environment.MachineName}:{Environment.ProcessId}");
        WriteVerbose($"Worker {name}: {engine.WorkerCount} worker(s) on queue '{engine.Queue}' of {config.Store.Describe()}, sources {string.Join(", ", settings.Keys)}{(StopWhenIdle ? "; stops when no job is left" : "; Ctrl+C stops it")}.");
        using (service.StartServer(context, name))
        {
            var idleChecks = 0;
            var pollMs = (int)Math.Clamp(engine.PollInterval.TotalMilliseconds, 100, 1000);
            while (!IsStopping)
            {
                Drain(events);
                CancelToken.WaitHandle.WaitOne(pollMs);
                if (!StopWhenIdle) continue;
                // Idle for a whole second and more, checked each poll: a job between two states is not taken for none.
                idleChecks = service.Pending() == 0 ? idleChecks + 1 : 0;
                if (idleChecks * pollMs >= 1500 && idleChecks >= 3) break;
            }
        }
        Drain(events);
        WriteVerbose($"Worker {name} stopped.");
        if (IsStopping) throw new PipelineStoppedException();
    }

    private void Drain(QueuedEventSink events)
    {
        while (events.TryTake(out var e)) WriteEvent(e);
    }
}
