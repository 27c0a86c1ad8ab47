using System.Collections.Concurrent;

namespace MuseumSync.Polling;

/// <summary>
/// The wire statistics of the polls running in this process, by source: <c>Sync-MuseumRecord -MetricsPath</c> reports
/// the HTTP side of the <c>Invoke-MuseumPoll</c> feeding it (same source, started after the sync began) in one file.
/// </summary>
public static class LivePolls
{
    private static readonly ConcurrentDictionary<string, (PollStatistics Statistics, long Started)> s_polls = new(StringComparer.Ordinal);

    /// <summary>Announces a poll of <paramref name="source"/> that is starting now.</summary>
    public static void Register(string source, PollStatistics statistics)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(statistics);
        s_polls[source] = (statistics, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>The statistics of the latest poll of <paramref name="source"/> that started at or after <paramref name="since"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public static PollStatistics? Find(string source, long since)
    {
        ArgumentNullException.ThrowIfNull(source);
        return s_polls.TryGetValue(source, out var entry) && entry.Started >= since ? entry.Statistics : null;
    }
}
