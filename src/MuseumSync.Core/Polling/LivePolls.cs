using System.Collections.Concurrent;
using System.Diagnostics;

namespace MuseumSync.Polling;

/// <summary>
/// The wire statistics of the polls running in this process: <c>Sync-MuseumRecord -MetricsPath</c> reports the HTTP
/// side of the <c>Invoke-MuseumPoll</c> feeding it (same source, same scope, started after the sync began) in one file.
/// <para>
/// A poll is found by its scope (the PowerShell runspace it runs in) as well as its source name: a runspace runs one
/// pipeline at a time, so the poll of a source that started in the sync's own runspace after the sync began is the one
/// feeding it, while polls of the same source name in other runspaces of the process (parallel scheduled jobs,
/// ForEach-Object -Parallel, hosted runspaces) are never mistaken for it.
/// </para>
/// </summary>
internal static class LivePolls
{
    private static readonly ConcurrentDictionary<(Guid Scope, string Source), Entry> s_polls = new();

    /// <summary>
    /// Announces a poll of <paramref name="source"/> in <paramref name="scope"/> that is starting now. Dispose the
    /// result when the poll's pipeline is over: the entry is removed (unless a later poll of the same source in the
    /// same scope replaced it), so the registry holds only live polls.
    /// </summary>
    public static IDisposable Register(Guid scope, string source, PollStatistics statistics)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentNullException.ThrowIfNull(statistics);
        var key = (scope, source);
        var entry = new Entry(key, statistics, Stopwatch.GetTimestamp());
        s_polls[key] = entry;
        return entry;
    }

    /// <summary>
    /// The statistics of the latest poll of <paramref name="source"/> in <paramref name="scope"/> that started at or
    /// after <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) and is still registered.
    /// </summary>
    public static PollStatistics? Find(Guid scope, string source, long since)
    {
        ArgumentNullException.ThrowIfNull(source);
        return s_polls.TryGetValue((scope, source), out var entry) && entry.Started >= since ? entry.Statistics : null;
    }

    private sealed class Entry((Guid, string) key, PollStatistics statistics, long started) : IDisposable
    {
        public PollStatistics Statistics { get; } = statistics;

        public long Started { get; } = started;

        public void Dispose() => s_polls.TryRemove(KeyValuePair.Create(key, this));
    }
}
