using System.Reflection;
using System.Runtime.Loader;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace MuseumSync.Jobs;

/// <summary>
/// MuseumSync's use of Hangfire in one place: type resolution inside the module's load context, the retry filter,
/// enqueueing a submission's jobs, and a worker server.
/// </summary>
internal static class JobEngine
{
    private static readonly object s_configure = new();
    private static bool s_configured;

    /// <summary>
    /// Sets Hangfire's process-wide configuration once: job types are written as "type, assembly" without versions and
    /// resolved in the load context that holds this assembly (the module's own: Hangfire's default resolver looks in
    /// the default context, where MuseumSync.Jobs is not).
    /// </summary>
    public static void Configure()
    {
        lock (s_configure)
        {
            if (s_configured) return;
            GlobalConfiguration.Configuration
                .UseSimpleAssemblyNameTypeSerializer()
                .UseTypeResolver(Resolve)
                .UseRecommendedSerializerSettings();
            s_configured = true;
        }
    }

    /// <summary>A job type by its serialized name, looked up in the module's load context first.</summary>
    internal static Type Resolve(string typeName)
    {
        var context = AssemblyLoadContext.GetLoadContext(typeof(JobEngine).Assembly) ?? AssemblyLoadContext.Default;
        return Type.GetType(typeName, name => Load(context, name), null, throwOnError: true)!;
    }

    private static Assembly Load(AssemblyLoadContext context, AssemblyName name)
    {
        foreach (var loaded in context.Assemblies)
        {
            if (string.Equals(loaded.GetName().Name, name.Name, StringComparison.Ordinal)) return loaded;
        }
        return context.LoadFromAssemblyName(new AssemblyName(name.Name!));
    }

    /// <summary>Enqueues jobs of a submission on <paramref name="queue"/>.</summary>
    public static void Enqueue(JobStorage storage, string queue, string source, string submissionId, IEnumerable<string> keys)
    {
        Configure();
        var client = new BackgroundJobClient(storage);
        var method = typeof(SyncJob).GetMethod(nameof(SyncJob.RunAsync))!;
        foreach (var key in keys)
        {
            var job = new Job(typeof(SyncJob), method, new object?[] { source, submissionId, key, null, CancellationToken.None }, queue);
            client.Create(job, new EnqueuedState(queue));
        }
    }

    /// <summary>Jobs still to run on <paramref name="queue"/>: enqueued, fetched by a worker, processing, or waiting for a retry.</summary>
    public static long Pending(JobStorage storage, string queue)
    {
        var monitor = storage.GetMonitoringApi();
        long fetched;
        try
        {
            // Between its fetch and its Processing state a job is in neither count.
            fetched = monitor.FetchedCount(queue);
        }
        catch (NotSupportedException)
        {
            fetched = 0;
        }
        return monitor.EnqueuedCount(queue) + fetched + monitor.ProcessingCount() + monitor.ScheduledCount();
    }

    /// <summary>Starts a Hangfire server for <paramref name="context"/>'s queue; disposing it stops the server (jobs in flight are cancelled and come back).</summary>
    public static BackgroundJobServer StartServer(JobStorage storage, WorkerContext context, string serverName)
    {
        ArgumentNullException.ThrowIfNull(context);
        Configure();
        var engine = context.Engine;
        var filters = new JobFilterCollection
        {
            new AutomaticRetryAttribute
            {
                Attempts = engine.Attempts - 1,
                DelaysInSeconds = engine.RetryDelaysInSeconds(),
                ExceptOn = [typeof(JobFailedException)],
                OnAttemptsExceeded = AttemptsExceededAction.Fail,
            },
        };
        return new BackgroundJobServer(new BackgroundJobServerOptions
        {
            ServerName = serverName,
            WorkerCount = engine.WorkerCount,
            Queues = [engine.Queue],
            Activator = new Activator(context),
            FilterProvider = new JobFilterProviderCollection(filters, new JobFilterAttributeFilterProvider()),
            SchedulePollingInterval = engine.PollInterval,
        }, storage);
    }

    private sealed class Activator(WorkerContext context) : JobActivator
    {
        public override object ActivateJob(Type jobType) =>
            jobType == typeof(SyncJob) ? new SyncJob(context) : throw new InvalidOperationException($"MuseumSync workers run MuseumSync jobs only, not {jobType.FullName}.");
    }
}
