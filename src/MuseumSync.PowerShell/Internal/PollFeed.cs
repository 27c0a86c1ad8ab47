using System.Runtime.CompilerServices;
using MuseumSync.Polling;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// Links one Invoke-MuseumPoll run to the Sync-MuseumRecord it feeds. When the source fails, PowerShell ends the whole
/// pipeline at the poll's terminating error, and Sync-MuseumRecord never reaches its EndProcessing: the complete pages it
/// holds would be lost, and a source that always fails at page N would never get past it. So the poll marks the first
/// record of every chunk it writes; a Sync-MuseumRecord that meets a marked record subscribes, and the poll asks it to
/// commit what it received before it throws, and says in its error how far the run got.
/// <para>
/// The feed is also the run handle the two cmdlets meet through: it carries the poll's wire statistics, so a
/// Sync-MuseumRecord -MetricsPath reports the HTTP side of the poll feeding it without a process-wide registry.
/// </para>
/// </summary>
internal sealed class PollFeed(PollStatistics? statistics)
{
    private static readonly ConditionalWeakTable<MuseumRecord, PollFeed> s_marks = new();
    private Func<string>? _commitReceived;

    /// <summary>The wire statistics of the poll (null for a dump).</summary>
    public PollStatistics? Statistics { get; } = statistics;

    /// <summary>Marks <paramref name="record"/> as written by this feed.</summary>
    public void Mark(MuseumRecord record) => s_marks.AddOrUpdate(record, this);

    /// <summary>The feed that wrote <paramref name="record"/>, if it was marked.</summary>
    public static PollFeed? Of(MuseumRecord record) => s_marks.TryGetValue(record, out var feed) ? feed : null;

    /// <summary>Subscribes the consumer: <paramref name="commitReceived"/> commits what it holds and says how far the run got.</summary>
    public void Subscribe(Func<string> commitReceived) => _commitReceived = commitReceived;

    /// <summary>Called by the poll when its source failed: the consumer's account of what it committed, or null when none subscribed.</summary>
    public string? SourceFailed() => _commitReceived?.Invoke();
}
