namespace MuseumSync.Run;

/// <summary>Small sinks for callers that are not a cmdlet.</summary>
internal static class SyncEventSinks
{
    /// <summary>A sink that listens to nothing.</summary>
    public static ISyncEventSink None { get; } = new Delegating(null, static _ => false);

    /// <summary>A sink that hands each event at <paramref name="levels"/> to <paramref name="publish"/> (which must not block).</summary>
    public static ISyncEventSink From(Action<SyncEvent> publish, params SyncEventLevel[] levels)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(levels);
        var wanted = levels.Length == 0 ? Enum.GetValues<SyncEventLevel>() : levels;
        return new Delegating(publish, level => Array.IndexOf(wanted, level) >= 0);
    }

    /// <summary>Publishes a verbose <see cref="SyncEventIds.PollDecision"/> line (the poller's log callback shape).</summary>
    internal static Action<string>? PollLog(ISyncEventSink sink, string source) =>
        sink.IsEnabled(SyncEventLevel.Verbose) ? m => sink.Publish(new SyncEvent(SyncEventLevel.Verbose, SyncEventIds.PollDecision, m) { Source = source }) : null;

    /// <summary>Publishes a <see cref="SyncEventIds.CircuitOpened"/> warning (the poller's warning callback shape).</summary>
    internal static Action<string> CircuitWarning(ISyncEventSink sink, string source) =>
        m => sink.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.CircuitOpened, m) { Source = source });

    private sealed class Delegating(Action<SyncEvent>? publish, Func<SyncEventLevel, bool> enabled) : ISyncEventSink
    {
        public bool IsEnabled(SyncEventLevel level) => publish is not null && enabled(level);

        public void Publish(SyncEvent syncEvent)
        {
            if (publish is not null && enabled(syncEvent.Level)) publish(syncEvent);
        }
    }
}
