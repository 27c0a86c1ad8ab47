namespace MuseumSync.Storage;

/// <summary>
/// What every store's session shares: the deletions, dead letters and resolved dead letters it collects, and the
/// rules of its life (rows only before completion, one completion, disposal discards). The records are the store's:
/// <see cref="OnRecord"/> keeps them as that store writes them.
/// </summary>
internal abstract class SyncSession : ISyncSession
{
    private readonly List<MuseumRecord> _deletions = new();
    private readonly List<MuseumRecord> _deadLetters = new();
    private readonly List<ResolvedDeadLetter> _resolved = new();
    private bool _finished;

    protected SyncSession(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        Source = source;
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <inheritdoc />
    public abstract int RecordCount { get; }

    /// <summary>The deletions added, in order.</summary>
    public IReadOnlyList<MuseumRecord> Deletions => _deletions;

    /// <summary>The dead letters added, in order.</summary>
    public IReadOnlyList<MuseumRecord> DeadLetters => _deadLetters;

    /// <summary>The resolved dead letters added, in order.</summary>
    public IReadOnlyList<ResolvedDeadLetter> ResolvedDeadLetters => _resolved;

    /// <inheritdoc />
    public void AddRecord(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfFinished();
        OnRecord(record);
    }

    /// <inheritdoc />
    public void AddDeletion(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfFinished();
        _deletions.Add(record);
    }

    /// <inheritdoc />
    public void AddDeadLetter(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ThrowIfFinished();
        _deadLetters.Add(record);
    }

    /// <inheritdoc />
    public void AddResolvedDeadLetter(ResolvedDeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ThrowIfFinished();
        _resolved.Add(letter);
    }

    /// <inheritdoc />
    public async Task<BatchResult> CompleteAsync(SessionCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ThrowIfFinished();
        _finished = true;
        try
        {
            return await CommitAsync(completion, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Discard();
        }
    }

    /// <summary>Keeps a valid record until the commit (and computes its content hash now).</summary>
    protected abstract void OnRecord(MuseumRecord record);

    /// <summary>Writes the session in one transaction (called once).</summary>
    protected abstract Task<BatchResult> CommitAsync(SessionCompletion completion, CancellationToken cancellationToken);

    /// <summary>Lets go of what the session holds (called once, after the commit or instead of it).</summary>
    protected virtual void OnDiscard()
    {
    }

    private void Discard()
    {
        _deletions.Clear();
        _deadLetters.Clear();
        _resolved.Clear();
        OnDiscard();
    }

    private void ThrowIfFinished()
    {
        if (_finished) throw new InvalidOperationException($"This batch session of source '{Source}' is completed or disposed; open a new one for the next batch.");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            Discard();
        }
        return ValueTask.CompletedTask;
    }
}
