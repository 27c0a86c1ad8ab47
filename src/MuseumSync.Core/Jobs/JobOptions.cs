namespace MuseumSync.Jobs;

/// <summary>The scale-out's limits and defaults (<c>Submit-MuseumSync</c>, <c>Start-MuseumSyncWorker</c>, the <c>Jobs</c> keys of sync.psd1).</summary>
internal sealed class JobOptions
{
    /// <summary>The default of <see cref="IdsPerJob"/>: 500.</summary>
    public const int DefaultIdsPerJob = 500;

    /// <summary>The most ids one job may take: 10,000 (a job's records are committed in one transaction and held in memory until then).</summary>
    public const int MaxIdsPerJob = 10_000;

    /// <summary>The most jobs one submission may plan: 100,000.</summary>
    public const int MaxJobs = 100_000;

    /// <summary>Ids per chunk job of an ID fan-out. The default is 500.</summary>
    public int IdsPerJob { get; set; } = DefaultIdsPerJob;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value outside its range, saying which and the range.</summary>
    public void Validate()
    {
        if (IdsPerJob is < 1 or > MaxIdsPerJob) throw new ArgumentOutOfRangeException(nameof(IdsPerJob), IdsPerJob, $"-IdsPerJob must be from 1 to {MaxIdsPerJob:N0}.");
    }
}
