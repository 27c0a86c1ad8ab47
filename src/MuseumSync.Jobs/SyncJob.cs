using System.ComponentModel;
using Hangfire.Server;
using MuseumSync.Storage;

namespace MuseumSync.Jobs;

/// <summary>
/// The one Hangfire job type of MuseumSync: its arguments are the source's name, the submission id and the job's key,
/// nothing else (no settings, no credentials); the worker runs it with its own <see cref="WorkerContext"/>.
/// </summary>
public sealed class SyncJob
{
    private readonly WorkerContext _context;

    internal SyncJob(WorkerContext context) => _context = context;

    /// <summary>Runs job <paramref name="key"/> of <paramref name="submissionId"/>; Hangfire passes <paramref name="perform"/> and <paramref name="cancellationToken"/>.</summary>
    [DisplayName("MuseumSync {0}: {2} of submission {1}")]
    public async Task RunAsync(string source, string submissionId, string key, PerformContext? perform, CancellationToken cancellationToken)
    {
        var settings = _context.Settings(source);
        if (settings is null)
        {
            throw new JobFailedException($"This worker's config has no enabled source '{source}' (job {key} of submission {submissionId}); start the worker with the config file Submit-MuseumSync used.");
        }
        var store = await SyncStoreFactory.OpenAsync(_context.Store, create: false, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            var jobs = (IJobStore)store;
            await jobs.RecordAttemptAsync(submissionId, key, "Processing", started: true, null, cancellationToken).ConfigureAwait(false);
            try
            {
                var outcome = await new JobRunner(store, _context.Store, _context.Events).RunAsync(settings, submissionId, key, _context.Jobs, _context.LoadRules, cancellationToken).ConfigureAwait(false);
                if (outcome.Enqueue.Count > 0) _context.Enqueue(source, submissionId, outcome.Enqueue);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var permanent = ex is ArgumentException or JobFailedException or MuseumPollException { IsTransient: false };
                var attempt = (perform?.GetJobParameter<int>("RetryCount") ?? 0) + 1;
                var state = permanent || attempt >= _context.Engine.Attempts ? "Failed" : "Retrying";
                try
                {
                    await jobs.RecordAttemptAsync(submissionId, key, state, started: false, ex.Message, CancellationToken.None).ConfigureAwait(false);
                }
                catch (SyncStoreException)
                {
                    // The store is what failed: Hangfire keeps the error, and the job's row says Processing until the retry.
                }
                if (permanent && ex is not JobFailedException) throw new JobFailedException(ex.Message, ex);
                throw;
            }
        }
    }
}

/// <summary>A job that cannot succeed by trying again (bad configuration, a permanent source error): Hangfire does not retry it.</summary>
public sealed class JobFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobFailedException(string message, Exception? inner = null) : base(message, inner) { }
}
