namespace MuseumSync;

/// <summary>One job of a scale-out submission, as <c>Get-MuseumSyncJob</c> shows it (read from the store's <c>sync_jobs</c> table).</summary>
public sealed class SyncJobInfo
{
    /// <summary>The submission the job belongs to.</summary>
    public string Submission { get; init; } = string.Empty;

    /// <summary>The source it syncs.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>The job's key in its submission (<c>list</c>, <c>ids:500</c>, <c>feed</c>).</summary>
    public string Key { get; init; } = string.Empty;

    /// <summary>List, Chunk or Feed.</summary>
    public string Kind { get; init; } = string.Empty;

    /// <summary>What it covers: a chunk's id range, the id list, or the whole feed.</summary>
    public string Range { get; init; } = string.Empty;

    /// <summary>Enqueued, Processing, Retrying, Failed or Done.</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>Attempts started so far.</summary>
    public int Attempts { get; init; }

    /// <summary>The last attempt's error (null when none failed): what, where and what to do.</summary>
    public string? LastError { get; init; }

    /// <summary>When the job's row last changed.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>When its records were committed with its done-mark; null while it is not done.</summary>
    public DateTimeOffset? Done { get; init; }

    /// <summary>Records (valid, deleted and dead-lettered) the job committed; null while it is not done.</summary>
    public int? Records { get; init; }
}
