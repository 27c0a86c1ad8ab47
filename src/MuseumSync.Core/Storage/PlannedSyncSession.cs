namespace MuseumSync.Storage;

/// <summary>
/// The session of the set-based stores (PostgreSQL, SQL Server): valid records go into a <see cref="RecordPlan"/> as they
/// are added (hashed and folded by object id then), which the store stages and merges on completion.
/// </summary>
internal sealed class PlannedSyncSession(string source, Func<PlannedSyncSession, SessionCompletion, CancellationToken, Task<BatchResult>> commit)
    : SyncSession(source)
{
    private int _records;

    /// <summary>The valid records, one row per object id.</summary>
    public RecordPlan Plan { get; private set; } = new();

    /// <inheritdoc />
    public override int RecordCount => _records;

    protected override void OnRecord(MuseumRecord record)
    {
        Plan.Add(record);
        _records++;
    }

    protected override Task<BatchResult> CommitAsync(SessionCompletion completion, CancellationToken cancellationToken) => commit(this, completion, cancellationToken);

    protected override void OnDiscard() => Plan = new RecordPlan();
}
