using System.Globalization;
using System.Security.Cryptography;
using MuseumSync.Paging;
using MuseumSync.Run;

namespace MuseumSync.Jobs;

/// <summary>
/// Turns one source's settings into a submission and its first jobs, without a request to the source: an ID fan-out
/// becomes one list job (which plans a chunk job per <see cref="JobOptions.IdsPerJob"/> ids when it runs, see
/// <see cref="Chunks"/>); a feed that cannot be split (a cursor, pages, a dump, OAI-PMH) becomes one job.
/// </summary>
internal static class JobPlanner
{
    /// <summary>The plan of an ID fan-out.</summary>
    public const string IdFanOut = "IdFanOut";

    /// <summary>The plan of a feed read whole by one job.</summary>
    public const string Feed = "Feed";

    /// <summary>Plans <paramref name="settings"/>; a setting that cannot work is an <see cref="ArgumentException"/>.</summary>
    public static (string Plan, JobSubmission Submission, IReadOnlyList<PlannedJob> Jobs) Plan(SyncSettings settings, JobOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        var profile = PollSettingsResolver.Profile(settings);
        var now = time.GetUtcNow();
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var fanOut = settings.Path is null && (settings.ItemUri ?? (settings.Uri is null ? profile.ItemUri : null)) is not null;
        if (!fanOut)
        {
            // One job reads the feed as Invoke-MuseumSync does, batch by batch with its checkpoint; its done-mark ends it.
            return (Feed, new JobSubmission { Id = id, Source = settings.Source, Created = now, PlannedJobs = 1 }, [new PlannedJob { Key = "feed", Kind = JobKind.Feed }]);
        }
        var paging = settings.Paging ?? profile.Paging;
        var incremental = (settings.SinceParameter ?? profile.SinceParameter) is not null || paging == PagingStyle.OaiPmh;
        var overlap = settings.Overlap ?? profile.Overlap;
        var submission = new JobSubmission
        {
            Id = id,
            Source = settings.Source,
            Created = now,
            PlannedJobs = 1,
            // The whole list is synced when the last job commits: the next run starts from the list's beginning again,
            // and an incremental source from this submission's start less the overlap.
            AdvanceCheckpoint = true,
            CheckpointPosition = null,
            Watermark = incremental ? (now - overlap).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null,
        };
        return (IdFanOut, submission, [new PlannedJob { Key = "list", Kind = JobKind.List, IdsPerJob = options.IdsPerJob }]);
    }

    /// <summary>
    /// The chunk jobs of an id list: <paramref name="idsPerJob"/> ids each, in list order, each id once (an id listed
    /// again is left out; an element that is not an id stays, and is dead-lettered by its chunk). Keys name the first
    /// id's index in the list (<c>ids:0</c>, <c>ids:500</c>, …).
    /// </summary>
    public static IReadOnlyList<PlannedJob> Chunks(IEnumerable<string?> ids, int idsPerJob)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (idsPerJob is < 1 or > JobOptions.MaxIdsPerJob) throw new ArgumentOutOfRangeException(nameof(idsPerJob), idsPerJob, $"-IdsPerJob must be from 1 to {JobOptions.MaxIdsPerJob:N0}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var jobs = new List<PlannedJob>();
        var chunk = new List<string>(idsPerJob);
        var start = 0;
        var index = 0;
        foreach (var id in ids)
        {
            if (id is null || seen.Add(id))
            {
                if (chunk.Count == 0) start = index;
                chunk.Add(id ?? string.Empty);
                if (chunk.Count == idsPerJob) Flush();
            }
            index++;
        }
        if (chunk.Count > 0) Flush();
        return jobs;

        void Flush()
        {
            if (jobs.Count >= JobOptions.MaxJobs)
            {
                throw new ArgumentException($"The id list has more than {JobOptions.MaxJobs:N0} × {idsPerJob} ids; raise -IdsPerJob (at most {JobOptions.MaxIdsPerJob:N0}) so that the plan stays within {JobOptions.MaxJobs:N0} jobs.");
            }
            jobs.Add(new PlannedJob { Key = string.Create(CultureInfo.InvariantCulture, $"ids:{start}"), Kind = JobKind.Chunk, Ids = chunk.ToArray() });
            chunk.Clear();
        }
    }
}
