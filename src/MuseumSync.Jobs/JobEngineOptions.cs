namespace MuseumSync.Jobs;

/// <summary>How MuseumSync uses Hangfire: the queue, the workers, retries and the storage's timeouts, with their defaults.</summary>
internal sealed class JobEngineOptions
{
    /// <summary>The default of <see cref="Queue"/>.</summary>
    public const string DefaultQueue = "museumsync";

    /// <summary>The Hangfire queue jobs wait in (lower-case letters, digits, '_' and '-', as Hangfire requires). The default is <c>museumsync</c>.</summary>
    public string Queue { get; set; } = DefaultQueue;

    /// <summary>Jobs this process runs at once. The default is 2.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>Attempts of a job before it is left Failed (Hangfire's AutomaticRetry). The default is 10.</summary>
    public int Attempts { get; set; } = 10;

    /// <summary>The first retry's delay; each next one doubles, up to 30 minutes. The default is 15 seconds.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a job fetched by a worker that stopped answering stays invisible before another worker takes it again
    /// (a live worker keeps extending it where the storage allows: PostgreSQL and SQL Server). The default is 5 minutes.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker looks for new jobs. The default is 5 seconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentException"/> for a value outside its range.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Queue) || Queue.Length > 50 || !Queue.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-'))
        {
            throw new ArgumentException($"-Queue '{Queue}' is not a queue name: use up to 50 lower-case letters, digits, '_' and '-'.");
        }
        if (WorkerCount is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(WorkerCount), WorkerCount, "-WorkerCount must be from 1 to 64.");
        if (Attempts is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(Attempts), Attempts, "Job attempts must be from 1 to 100.");
        if (RetryDelay < TimeSpan.FromMilliseconds(100) || RetryDelay > TimeSpan.FromHours(1)) throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "The job retry delay must be from 0.1 s to 1 hour.");
        if (InvisibilityTimeout < TimeSpan.FromSeconds(5) || InvisibilityTimeout > TimeSpan.FromDays(1)) throw new ArgumentOutOfRangeException(nameof(InvisibilityTimeout), InvisibilityTimeout, "The job invisibility timeout must be from 5 seconds to 1 day.");
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromMinutes(10)) throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "The job poll interval must be from 0.1 s to 10 minutes.");
    }

    /// <summary>The retry delays in whole seconds: <see cref="RetryDelay"/>, doubling, at most 30 minutes.</summary>
    public int[] RetryDelaysInSeconds() =>
        Enumerable.Range(0, Attempts).Select(i => (int)Math.Max(1, Math.Min(1800, Math.Ceiling(RetryDelay.TotalSeconds * Math.Pow(2, Math.Min(i, 20)))))).ToArray();
}
