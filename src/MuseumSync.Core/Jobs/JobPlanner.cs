using System.Globalization;
using System.Security.Cryptography;
using MuseumSync.Paging;
using MuseumSync.Run;

namespace MuseumSync.Jobs;

/// <summary>
/// Turns one source's settings into a submission and its first jobs, without a request to the source: an ID fan-out
/// becomes one list job (which plans a chunk job per <see cref="JobOptions.IdsPerJob"/> ids when it runs, see
/// <see cref="Chunks"/>); a source whose API bounds the modification date at both ends (OAI-PMH <c>from</c>/<c>until</c>,
/// a REST API with a since and an until parameter) becomes one planning job, which plans a job per date window when it
/// runs (<see cref="Windows"/>); a feed that cannot be split (a cursor, pages, a dump, IIIF Change Discovery) becomes one job.
/// </summary>
internal static class JobPlanner
{
    /// <summary>The plan of an ID fan-out.</summary>
    public const string IdFanOut = "IdFanOut";

    /// <summary>The plan of a feed read whole by one job.</summary>
    public const string Feed = "Feed";

    /// <summary>The plan of a date-filtered source split into date windows.</summary>
    public const string DateWindows = "DateWindows";

    /// <summary>How window bounds are written in keys and for people: ISO 8601 UTC to the second.</summary>
    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>True when the source's API bounds the modification date at both ends, so a submission splits it into date windows.</summary>
    public static bool BoundsBothEnds(SyncSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var profile = PollSettingsResolver.Profile(settings);
        var paging = settings.Paging ?? profile.Paging;
        if (settings.Path is not null || paging == PagingStyle.ChangeDiscovery) return false;
        if ((settings.ItemUri ?? (settings.Uri is null ? profile.ItemUri : null)) is not null) return false; // a fan-out splits by id chunks
        return paging == PagingStyle.OaiPmh
            || ((settings.SinceParameter ?? profile.SinceParameter) is { Length: > 0 } && (settings.UntilParameter ?? profile.UntilParameter) is { Length: > 0 });
    }

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
        if (!fanOut && BoundsBothEnds(settings))
        {
            // The windows are planned by the first job, which may ask the repository (Identify's earliestDatestamp); the
            // upper bound is this submission's time, and the last window job moves the watermark to it less the overlap.
            return (DateWindows, new JobSubmission
            {
                Id = id,
                Source = settings.Source,
                Created = now,
                PlannedJobs = 1,
                AdvanceCheckpoint = true,
                CheckpointPosition = null,
                Watermark = Stamp(now - (settings.Overlap ?? profile.Overlap)),
            }, [new PlannedJob { Key = "windows", Kind = JobKind.Windows, WindowDays = options.WindowDays }]);
        }
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
            Watermark = incremental ? Stamp(now - overlap) : null,
        };
        return (IdFanOut, submission, [new PlannedJob { Key = "list", Kind = JobKind.List, IdsPerJob = options.IdsPerJob }]);
    }

    /// <summary>
    /// A date-window plan's lower bound: <paramref name="since"/> (<c>-Since</c>), else the checkpoint's
    /// <paramref name="watermark"/> (unless <paramref name="noResume"/>), else the repository's
    /// <paramref name="earliestDatestamp"/> (OAI-PMH Identify); null when none is known (one window from the beginning).
    /// </summary>
    public static DateTimeOffset? LowerBound(DateTimeOffset? since, string? watermark, bool noResume, string? earliestDatestamp)
    {
        if (since is { } s) return s;
        if (!noResume && watermark is not null && DateTimeOffset.TryParse(watermark, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var w)) return w;
        return Oai.OaiRepository.TryParseDatestamp(earliestDatestamp, out var e) ? e : null;
    }

    /// <summary>
    /// The window jobs from <paramref name="from"/> to <paramref name="until"/> (both to the whole second; null
    /// <paramref name="from"/>: one window from the source's beginning): the boundaries between windows fall on UTC
    /// midnight every <paramref name="windowDays"/> days, so a day-granularity repository's windows do not share a day
    /// (see <see cref="Polling.OaiSession.UntilValue"/>). None when <paramref name="from"/> is not before <paramref name="until"/>.
    /// </summary>
    public static IReadOnlyList<PlannedJob> Windows(DateTimeOffset? from, DateTimeOffset until, int windowDays)
    {
        if (windowDays is < 1 or > JobOptions.MaxWindowDays) throw new ArgumentOutOfRangeException(nameof(windowDays), windowDays, $"-WindowDays must be from 1 to {JobOptions.MaxWindowDays:N0}.");
        var end = Second(until);
        if (from is null) return [Window(null, end)];
        var start = Second(from.Value);
        if (start >= end) return [];
        var jobs = new List<PlannedJob>();
        var boundary = new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero).AddDays(windowDays);
        while (start < end)
        {
            if (jobs.Count >= JobOptions.MaxJobs)
            {
                throw new ArgumentException($"The date range {Stamp(from.Value)}..{Stamp(until)} makes more than {JobOptions.MaxJobs:N0} windows of {windowDays} days; raise -WindowDays (at most {JobOptions.MaxWindowDays:N0}).");
            }
            var stop = boundary < end ? boundary : end;
            jobs.Add(Window(start, stop));
            start = stop;
            boundary = boundary.AddDays(windowDays);
        }
        return jobs;
    }

    /// <summary>A window job over [<paramref name="from"/>, <paramref name="until"/>).</summary>
    public static PlannedJob Window(DateTimeOffset? from, DateTimeOffset until) => new()
    {
        Key = $"window:{(from is { } f ? Stamp(f) : "beginning")}..{Stamp(until)}",
        Kind = JobKind.Window,
        From = from,
        Until = until,
    };

    /// <summary>
    /// The two halves of a window that holds more than <see cref="JobOptions.MaxRecordsPerWindow"/> records: split at the
    /// UTC midnight nearest its middle, or, inside one day, at its middle second when the API filters to the second
    /// (<paramref name="seconds"/>). Null when it cannot be split (no lower bound, one second, or one day at day granularity).
    /// </summary>
    public static (PlannedJob First, PlannedJob Second)? Halves(PlannedJob window, bool seconds)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Kind != JobKind.Window || window.From is not { } from || window.Until is not { } until) return null;
        var middle = Second(from + ((until - from) / 2));
        var midnight = new DateTimeOffset(middle.UtcDateTime.Date, TimeSpan.Zero);
        var nextMidnight = midnight.AddDays(1);
        DateTimeOffset? cut = null;
        foreach (var m in new[] { midnight, nextMidnight }.OrderBy(m => (m - middle).Duration()))
        {
            if (m > from && m < until)
            {
                cut = m;
                break;
            }
        }
        if (cut is null && seconds && middle > from && middle < until) cut = middle;
        return cut is { } c ? (Window(from, c), Window(c, until)) : null;
    }

    /// <summary>True when job <paramref name="key"/> is a window inside <paramref name="window"/> (one of its halves, or theirs).</summary>
    public static bool Within(string key, PlannedJob window)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(window);
        if (window.Kind != JobKind.Window || !key.StartsWith("window:", StringComparison.Ordinal) || key == window.Key) return false;
        var range = key["window:".Length..].Split("..");
        if (range.Length != 2 || !DateTimeOffset.TryParse(range[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var until)) return false;
        DateTimeOffset? from = DateTimeOffset.TryParse(range[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var f) ? f : null;
        return (window.From is null || (from is { } a && a >= window.From)) && until <= window.Until;
    }

    private static DateTimeOffset Second(DateTimeOffset t)
    {
        var u = t.UtcDateTime;
        return new DateTimeOffset(u.Ticks - (u.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
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
