using Hangfire;
using MuseumSync.Jobs.Dashboard;
using MuseumSync.Storage;

namespace MuseumSync.Jobs;

/// <summary>
/// The job storage of one store, for the cmdlets: they live in PowerShell's default load context and must not name a
/// Hangfire type (Hangfire loads in the module's context), so everything they do with Hangfire goes through here.
/// </summary>
internal sealed class JobService
{
    private readonly JobStorage _storage;
    private readonly JobEngineOptions _options;

    /// <summary>The job storage beside <paramref name="store"/> (<see cref="JobStorageFactory"/>).</summary>
    public JobService(StoreOptions store, JobEngineOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _storage = JobStorageFactory.Create(store, options);
    }

    /// <summary>Enqueues jobs of a submission on the options' queue.</summary>
    public void Enqueue(string source, string submissionId, IEnumerable<string> keys) =>
        JobEngine.Enqueue(_storage, _options.Queue, source, submissionId, keys);

    /// <summary>Jobs still to run: enqueued on the queue, processing, or waiting for a retry.</summary>
    public long Pending() => JobEngine.Pending(_storage, _options.Queue);

    /// <summary>Starts a worker server; disposing the result stops it (jobs in flight are cancelled and come back).</summary>
    public IDisposable StartServer(WorkerContext context, string serverName) => new Server(JobEngine.StartServer(_storage, context, serverName));

    /// <summary>Serves Hangfire's dashboard of this job storage on 127.0.0.1 (<see cref="DashboardHost"/>); disposing the result stops it.</summary>
    public DashboardHost StartDashboard(DashboardHostOptions options) => DashboardHost.Start(_storage, options);

    private sealed class Server(BackgroundJobServer server) : IDisposable
    {
        public void Dispose()
        {
            server.SendStop();
            server.Dispose();
        }
    }
}
