namespace MuseumSync.Jobs;

/// <summary>What one job of a submission does.</summary>
internal enum JobKind
{
    /// <summary>Reads an ID fan-out's id list and plans a <see cref="Chunk"/> job per <see cref="JobOptions.IdsPerJob"/> ids.</summary>
    List,

    /// <summary>Fetches and commits one chunk of an ID fan-out's ids.</summary>
    Chunk,

    /// <summary>Reads a feed that cannot be split, whole.</summary>
    Feed,

    /// <summary>
    /// Finds a date-filtered source's lower bound (<c>-Since</c>, the checkpoint's watermark, or OAI-PMH Identify's
    /// <c>earliestDatestamp</c>) and plans a <see cref="Window"/> job per <see cref="JobOptions.WindowDays"/> days up to
    /// the submission's time.
    /// </summary>
    Windows,

    /// <summary>Fetches and commits the records modified in one date window (from, until).</summary>
    Window,
}
