using System.Collections.Concurrent;
using System.Globalization;
using MuseumSync.Run;
using MuseumSync.Storage;

namespace MuseumSync.Sync;

/// <summary>
/// What a <see cref="SyncWriter"/> says about invalid records: the first <see cref="SyncWriterOptions.MaxInvalidNotices"/>
/// of a run one by one, each only once its batch is committed (or, for a batch that was not committed, in the
/// conditional), and the rest as one closing line per source. Nothing is said before it is true, and a feed that is
/// mostly invalid costs a few lines, not one per record.
/// </summary>
internal sealed class DeadLetterNotices
{
    private readonly int _limit;
    private readonly List<Notice> _open = new();
    private readonly ConcurrentDictionary<string, long> _unlistedCommitted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _unlistedSkipped = new(StringComparer.Ordinal);
    private readonly ISyncEventSink _events;
    private int _taken;

    public DeadLetterNotices(int limit, ISyncEventSink events)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _limit = limit;
        _events = events;
    }

    /// <summary>An invalid record to report once its batch is committed or skipped.</summary>
    internal sealed record Notice(MuseumRecord Record, string Source, bool Replayed);

    /// <summary>Notes an invalid record of the open batch (producer thread).</summary>
    public void Add(MuseumRecord record, string source, bool replayed)
    {
        if (_taken >= _limit) return;
        _taken++;
        _open.Add(new Notice(record, source, replayed));
    }

    /// <summary>The open batch's notes, when the batch is taken (producer thread).</summary>
    public Notice[] Take()
    {
        if (_open.Count == 0) return Array.Empty<Notice>();
        var notes = _open.ToArray();
        _open.Clear();
        return notes;
    }

    /// <summary>Queues what a committed batch's dead letters are: they are in the dead-letter table now.</summary>
    public void Committed(SyncBatch batch, Notice[] notes)
    {
        foreach (var n in notes) _events.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.RecordDeadLettered, CommittedText(n)) { Source = n.Source, Record = n.Record });
        Count(_unlistedCommitted, batch.Source, batch.DeadLetters.Count - notes.Length);
    }

    /// <summary>Queues what a skipped batch's invalid records would have become (-WhatIf, or -Confirm answered No).</summary>
    public void Skipped(SyncBatch batch, Notice[] notes)
    {
        foreach (var n in notes) _events.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.RecordWouldBeDeadLettered, SkippedText(n)) { Source = n.Source });
        Count(_unlistedSkipped, batch.Source, batch.DeadLetters.Count - notes.Length);
    }

    /// <summary>Queues one line per source for the invalid records not reported one by one.</summary>
    public void Close(string storeDescription)
    {
        foreach (var (source, count) in _unlistedCommitted.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            _events.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.InvalidRecordsNotListed, string.Create(CultureInfo.InvariantCulture,
                $"... and {count} more invalid record{(count == 1 ? string.Empty : "s")} of source '{source}' {(count == 1 ? "was" : "were")} dead-lettered ({Listed()}); see Get-SyncDeadLetter -Source {source} on {storeDescription}."))
            { Source = source });
        }
        foreach (var (source, count) in _unlistedSkipped.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            _events.Publish(new SyncEvent(SyncEventLevel.Warning, SyncEventIds.InvalidRecordsNotListed, string.Create(CultureInfo.InvariantCulture,
                $"... and {count} more invalid record{(count == 1 ? string.Empty : "s")} of source '{source}' would be dead-lettered ({Listed()}); nothing was written for {(count == 1 ? "it" : "them")}."))
            { Source = source });
        }
        _unlistedCommitted.Clear();
        _unlistedSkipped.Clear();
    }

    private string Listed() => _limit == 0 ? "invalid records are not listed one by one" : string.Create(CultureInfo.InvariantCulture, $"only the first {_limit} of a run are listed one by one");

    private static void Count(ConcurrentDictionary<string, long> counts, string source, long n)
    {
        if (n > 0) counts.AddOrUpdate(source, n, (_, c) => c + n);
    }

    private static string CommittedText(Notice n) => n.Replayed
        ? $"Dead letter '{Id(n.Record)}' of source '{n.Source}' is still invalid and stays dead-lettered (its attempt count went up): {Reasons(n.Record)}."
        : $"Record '{Id(n.Record)}' of source '{n.Source}'{Where(n.Record)} is invalid and was dead-lettered: {Reasons(n.Record)}. Fix it at the source; its payload and reasons are in the sync_dead_letters table (Get-SyncDeadLetter -Source {n.Source}).";

    private static string SkippedText(Notice n) => n.Replayed
        ? $"Dead letter '{Id(n.Record)}' of source '{n.Source}' is still invalid: {Reasons(n.Record)}. It would stay dead-lettered; its batch was not committed (-WhatIf, or declined at -Confirm)."
        : $"Record '{Id(n.Record)}' of source '{n.Source}'{Where(n.Record)} is invalid: {Reasons(n.Record)}. It would be dead-lettered; its batch was not committed (-WhatIf, or declined at -Confirm).";

    private static string Id(MuseumRecord r) => r.ObjectId ?? "(no id)";

    private static string Reasons(MuseumRecord r) => string.Join("; ", r.Issues.Select(i => i.ToString()));

    private static string Where(MuseumRecord r) => r.PageNumber > 0
        ? string.Create(CultureInfo.InvariantCulture, $" (line {r.LineNumber} of {r.SourceUrl ?? $"page {r.PageNumber}"}{(r.CorrelationId is null ? string.Empty : ", correlation " + r.CorrelationId)})")
        : string.Empty;
}
