namespace MuseumSync.Storage;

/// <summary>
/// The set-based stores' view of a batch's records: one row per object id, and the counts the row-by-row SQLite store
/// would report for the same batch. A set-based upsert (MERGE, INSERT … ON CONFLICT) may touch a key only once, so
/// repeats of an id within a batch are folded here: the row to write is the occurrence that wrote last in arrival
/// order (forced, since a row-by-row store rewrote it whatever was stored), and the repeats are counted as the
/// row-by-row store counts them (a repeat whose hash equals its predecessor's is unchanged, otherwise updated).
/// </summary>
internal sealed class RecordPlan
{
    private readonly List<PlannedRecord> _rows = new();
    private Dictionary<string, int>? _index;
    private int _ordinal;

    /// <summary>One row per distinct object id, in order of first arrival.</summary>
    public IReadOnlyList<PlannedRecord> Rows => _rows;

    /// <summary>Keys that occur more than once in the batch.</summary>
    public int DuplicateKeys { get; private set; }

    /// <summary>Repeats whose content differs from the occurrence before them.</summary>
    public int TransitionsUpdated { get; private set; }

    /// <summary>Repeats whose content equals the occurrence before them.</summary>
    public int TransitionsUnchanged { get; private set; }

    public static RecordPlan Create(IReadOnlyList<MuseumRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var plan = new RecordPlan();
        foreach (var r in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            plan.Add(r);
        }
        return plan;
    }

    /// <summary>Adds the next valid record of the batch (its content hash and creation sort key are computed now).</summary>
    public void Add(MuseumRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var id = r.ObjectId ?? throw new ArgumentException("A valid record without an object id reached the store.", nameof(r));
        var hash = RecordHash.Content(r);
        _index ??= new Dictionary<string, int>(StringComparer.Ordinal);
        if (!_index.TryGetValue(id, out var at))
        {
            _index.Add(id, _rows.Count);
            _rows.Add(new PlannedRecord(_ordinal++, r, hash, FirstHash: null, ForceWrite: false, CreationSort.Of(r.CreationDate), CreationSort.Of(r.CreationEndDate)));
            return;
        }
        var row = _rows[at];
        if (row.FirstHash is null) DuplicateKeys++;
        if (hash.AsSpan().SequenceEqual(row.Hash))
        {
            // Same content as the occurrence before: a row-by-row store counts it unchanged and does not rewrite it.
            TransitionsUnchanged++;
            _rows[at] = row with { FirstHash = row.FirstHash ?? row.Hash };
        }
        else
        {
            TransitionsUpdated++;
            _rows[at] = row with { Record = r, Hash = hash, FirstHash = row.FirstHash ?? row.Hash, ForceWrite = true, CreationSort = CreationSort.Of(r.CreationDate), CreationEndSort = CreationSort.Of(r.CreationEndDate) };
        }
    }

    /// <summary>
    /// The batch's counts from what the upsert reported (<paramref name="upsertInserted"/> and <paramref name="upsertUpdated"/>
    /// rows) and, for the keys that repeat in the batch, the content hash stored before the upsert (absent: no row).
    /// </summary>
    public (int Inserted, int Updated, int Unchanged) Count(int upsertInserted, int upsertUpdated, IReadOnlyDictionary<string, byte[]> storedHashOfDuplicateKeys)
    {
        ArgumentNullException.ThrowIfNull(storedHashOfDuplicateKeys);
        int dupInserted = 0, dupFirstUpdated = 0, dupFirstUnchanged = 0, dupWritten = 0;
        foreach (var row in Rows)
        {
            if (row.FirstHash is null) continue;
            if (!storedHashOfDuplicateKeys.TryGetValue(row.Record.ObjectId!, out var stored))
            {
                dupInserted++;
                continue;
            }
            var firstSame = stored.AsSpan().SequenceEqual(row.FirstHash);
            if (firstSame) dupFirstUnchanged++;
            else dupFirstUpdated++;
            // The upsert rewrites a repeated key when forced, or when the stored hash differs (then the first occurrence's did too).
            if (row.ForceWrite || !stored.AsSpan().SequenceEqual(row.Hash)) dupWritten++;
        }
        var singleKeys = Rows.Count - DuplicateKeys;
        var singleInserted = upsertInserted - dupInserted;
        var singleUpdated = upsertUpdated - dupWritten;
        var singleUnchanged = singleKeys - singleInserted - singleUpdated;
        if (singleInserted < 0 || singleUpdated < 0 || singleUnchanged < 0)
        {
            throw new InvalidOperationException($"The upsert reported {upsertInserted} inserted and {upsertUpdated} updated rows for {Rows.Count} keys; the counts do not add up.");
        }
        return (upsertInserted, singleUpdated + dupFirstUpdated + TransitionsUpdated, singleUnchanged + dupFirstUnchanged + TransitionsUnchanged);
    }
}

/// <summary>The row written for one object id.</summary>
/// <param name="Ordinal">Its position among the batch's distinct ids.</param>
/// <param name="Record">The occurrence whose fields are written.</param>
/// <param name="Hash">The content hash of the last occurrence (the row's final content).</param>
/// <param name="FirstHash">The first occurrence's hash when the id repeats in the batch; null otherwise.</param>
/// <param name="ForceWrite">True when a repeat changed the content: the row is written whatever is stored.</param>
/// <param name="CreationSort">The row's <c>creation_sort</c> (<see cref="Storage.CreationSort"/>).</param>
/// <param name="CreationEndSort">The row's <c>creation_end_sort</c>, the same key of its creation end date.</param>
internal sealed record PlannedRecord(int Ordinal, MuseumRecord Record, byte[] Hash, byte[]? FirstHash, bool ForceWrite, long? CreationSort, long? CreationEndSort);

/// <summary>The batch's dead letters folded by payload: the first occurrence is stored, the others count as attempts.</summary>
internal sealed class DeadLetterPlan
{
    private DeadLetterPlan(List<PlannedDeadLetter> rows, int occurrences)
    {
        Rows = rows;
        Occurrences = occurrences;
    }

    public IReadOnlyList<PlannedDeadLetter> Rows { get; }

    public int Occurrences { get; }

    public static DeadLetterPlan Create(IReadOnlyList<MuseumRecord> deadLetters)
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        var rows = new List<PlannedDeadLetter>(deadLetters.Count);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in deadLetters)
        {
            var payload = DeadLetterPayload.Stored(r);
            var hash = RecordHash.Payload(payload);
            var key = Convert.ToHexString(hash);
            if (index.TryGetValue(key, out var at))
            {
                rows[at] = rows[at] with { Occurrences = rows[at].Occurrences + 1 };
                continue;
            }
            index.Add(key, rows.Count);
            rows.Add(new PlannedDeadLetter(r, payload, hash, DeadLetterReasons.ToJson(r.Issues), 1));
        }
        return new DeadLetterPlan(rows, deadLetters.Count);
    }

    /// <summary>(new dead letters, dead letters seen before) given the rows the insert created.</summary>
    public (int DeadLettered, int SeenBefore) Count(int inserted) => (inserted, Occurrences - inserted);
}

/// <summary>One distinct dead letter of a batch.</summary>
internal sealed record PlannedDeadLetter(MuseumRecord Record, string Payload, byte[] PayloadHash, string ReasonsJson, int Occurrences);
