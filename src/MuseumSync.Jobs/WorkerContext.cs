using MuseumSync.Compliance;
using MuseumSync.Run;
using MuseumSync.Storage;

namespace MuseumSync.Jobs;

/// <summary>
/// What a worker process knows that jobs do not carry: its own settings of each source (credentials included, read
/// from its config file and environment), the store, and where it says what it does.
/// </summary>
internal sealed class WorkerContext
{
    /// <summary>The worker's settings of a source; null when its config has no such source.</summary>
    public required Func<string, SyncSettings?> Settings { get; init; }

    /// <summary>The store (the same database as the job storage).</summary>
    public required StoreOptions Store { get; init; }

    /// <summary>The planning options (a list job's ids per chunk).</summary>
    public JobOptions Jobs { get; init; } = new();

    /// <summary>The engine options (queue, retries).</summary>
    public required JobEngineOptions Engine { get; init; }

    /// <summary>Where jobs say what they do; must not block.</summary>
    public ISyncEventSink Events { get; init; } = SyncEventSinks.None;

    /// <summary>Reads a compliance rule file.</summary>
    public Func<string, ComplianceRuleSet>? LoadRules { get; init; }

    /// <summary>Hands jobs to the job storage (a list job's chunks).</summary>
    public required Action<string, string, IReadOnlyList<string>> Enqueue { get; init; }
}
