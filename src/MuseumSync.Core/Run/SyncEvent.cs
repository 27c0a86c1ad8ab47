namespace MuseumSync.Run;

/// <summary>How a <see cref="SyncEvent"/> is meant to be shown (PowerShell: the verbose, warning, error or progress stream).</summary>
internal enum SyncEventLevel
{
    /// <summary>A decision or a figure worth a line when someone asks (retries, waits, committed batches).</summary>
    Verbose,

    /// <summary>Something the admin should see even when nobody asked (a circuit opened, an invalid record dead-lettered).</summary>
    Warning,

    /// <summary>A failure the caller reports as an error.</summary>
    Error,

    /// <summary>Time to refresh a progress display; carries no text a person must read.</summary>
    Progress,
}

/// <summary>
/// Something the core says while a run goes on: a level, a stable id (<see cref="SyncEventIds"/>) a caller may key on
/// instead of reading the text, the text for people, and the fields it is about.
/// </summary>
/// <param name="Level">How it is meant to be shown.</param>
/// <param name="Id">A stable id, one of <see cref="SyncEventIds"/>.</param>
/// <param name="Message">The text for people (credentials masked).</param>
internal sealed record SyncEvent(SyncEventLevel Level, string Id, string Message)
{
    /// <summary>The source it is about, when it is about one.</summary>
    public string? Source { get; init; }

    /// <summary>The record it is about (<see cref="SyncEventIds.RecordDeadLettered"/>: the record now in the dead-letter table).</summary>
    public MuseumRecord? Record { get; init; }

    /// <summary>True for what may be dropped when the reader falls behind (verbose lines, progress ticks), never warnings or errors.</summary>
    public bool IsDroppable => Level is SyncEventLevel.Verbose or SyncEventLevel.Progress;
}

/// <summary>
/// Where the core's <see cref="SyncEvent"/>s go: one sink per caller (a cmdlet writes them on its pipeline thread, a
/// background worker logs them). <see cref="Publish"/> is called from any thread and must never block it: a network
/// or commit thread must not wait for a console.
/// </summary>
internal interface ISyncEventSink
{
    /// <summary>False when nobody listens at <paramref name="level"/>: the core then does not even build the text.</summary>
    bool IsEnabled(SyncEventLevel level);

    /// <summary>Takes an event without blocking (queue it, or drop it when <see cref="SyncEvent.IsDroppable"/>).</summary>
    void Publish(SyncEvent syncEvent);
}

/// <summary>The stable ids of <see cref="SyncEvent"/>s.</summary>
internal static class SyncEventIds
{
    /// <summary>A decision of the poller (a retry, a wait, a redirect, a page read again), verbose.</summary>
    public const string PollDecision = "PollDecision";

    /// <summary>A source's circuit opened: it failed repeatedly and is paused; a warning.</summary>
    public const string CircuitOpened = "CircuitOpened";

    /// <summary>Where a run starts: the checkpoint it resumes from, or the first page; verbose.</summary>
    public const string RunStart = "RunStart";

    /// <summary>A batch committed with its counts and checkpoint; verbose.</summary>
    public const string BatchCommitted = "BatchCommitted";

    /// <summary>A source's lease was taken; verbose.</summary>
    public const string LeaseTaken = "LeaseTaken";

    /// <summary>A lease was taken over from a worker that is gone; a warning.</summary>
    public const string LeaseTakenOver = "LeaseTakenOver";

    /// <summary>An invalid record is in the dead-letter table now (its batch committed); a warning carrying the record.</summary>
    public const string RecordDeadLettered = "RecordDeadLettered";

    /// <summary>An invalid record of a batch that was not committed (-WhatIf, -Confirm No); a warning.</summary>
    public const string RecordWouldBeDeadLettered = "RecordWouldBeDeadLettered";

    /// <summary>How many more invalid records there were than were listed one by one; a warning.</summary>
    public const string InvalidRecordsNotListed = "InvalidRecordsNotListed";

    /// <summary>Verbose lines were dropped because their reader fell behind; verbose, with the count.</summary>
    public const string EventsDropped = "EventsDropped";

    /// <summary>An OCR run's line about one image or request (verbose).</summary>
    public const string OcrActivity = "OcrActivity";

    /// <summary>A feed that ended while its own total said there was more (warning; the run's status is Incomplete).</summary>
    public const string FeedIncomplete = "FeedIncomplete";

    /// <summary>An image an OCR run could not read; it became a dead letter (warning).</summary>
    public const string OcrImageFailed = "OcrImageFailed";

    /// <summary>An image a -WhatIf OCR run would read (never dropped: it is the run's answer).</summary>
    public const string OcrWouldRead = "OcrWouldRead";
}
