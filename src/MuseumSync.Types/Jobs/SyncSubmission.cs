namespace MuseumSync;

/// <summary>What <c>Submit-MuseumSync</c> planned and enqueued for one source.</summary>
public sealed class SyncSubmission
{
    /// <summary>The submission's id (<c>Get-MuseumSyncJob -Submission</c>).</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The source.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>How the source was split: IdFanOut (a list job, then chunk jobs) or Feed (one job).</summary>
    public string Plan { get; init; } = string.Empty;

    /// <summary>Jobs enqueued now (an ID fan-out's list job enqueues its chunk jobs when it runs).</summary>
    public int Jobs { get; init; }

    /// <summary>The Hangfire queue the jobs wait in.</summary>
    public string Queue { get; init; } = string.Empty;

    /// <summary>Where the records and the jobs are kept (never a secret).</summary>
    public string? Database { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset Submitted { get; init; }
}
