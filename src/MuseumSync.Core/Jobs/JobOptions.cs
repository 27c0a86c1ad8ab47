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

    /// <summary>The default of <see cref="WindowDays"/>: 7.</summary>
    public const int DefaultWindowDays = 7;

    /// <summary>The longest date window: 3,660 days (ten years).</summary>
    public const int MaxWindowDays = 3660;

    /// <summary>
    /// The most records one date-window job commits: 10,000 (its records are committed in one transaction and held in
    /// memory until then, as a chunk job's are). A window that holds more is split in two halves, planned as two jobs in
    /// the window job's own transaction; a window of one second (one day at day granularity) that still holds more fails
    /// with <c>MuseumJobWindowTooLarge</c>.
    /// </summary>
    public const int MaxRecordsPerWindow = 10_000;

    /// <summary>Ids per chunk job of an ID fan-out. The default is 500.</summary>
    public int IdsPerJob { get; set; } = DefaultIdsPerJob;

    /// <summary>Days per date-window job of a date-filtered source (OAI-PMH, or a REST API with a since and an until parameter). The default is 7.</summary>
    public int WindowDays { get; set; } = DefaultWindowDays;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value outside its range, saying which and the range.</summary>
    public void Validate()
    {
        if (IdsPerJob is < 1 or > MaxIdsPerJob) throw new ArgumentOutOfRangeException(nameof(IdsPerJob), IdsPerJob, $"-IdsPerJob must be from 1 to {MaxIdsPerJob:N0}.");
        if (WindowDays is < 1 or > MaxWindowDays) throw new ArgumentOutOfRangeException(nameof(WindowDays), WindowDays, $"-WindowDays must be from 1 to {MaxWindowDays:N0}.");
    }
}
