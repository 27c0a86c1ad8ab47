using MuseumSync.Storage;

namespace MuseumSync.Sync;

/// <summary>
/// Collects records into batches and works out how far the checkpoint may move: only to the end of a page whose every
/// record is in this batch or an earlier one. A page is known complete when its last record (<see cref="MuseumRecord.EndOfPage"/>)
/// arrives, or when a record of a later page does.
/// <para>
/// A batch holds one version of each object: a valid record whose object id is already in the open batch replaces the
/// earlier one (the last version wins, before any store compares content hashes), so a feed that sends a revision twice
/// writes it once, and a rerun over an unchanged feed writes nothing. The replaced records are counted in
/// <see cref="SyncBatch.Superseded"/>.
/// </para>
/// </summary>
internal sealed class BatchBuilder
{
    private readonly List<MuseumRecord> _valid;
    private readonly List<MuseumRecord> _invalid = new();
    private readonly List<MuseumRecord> _deleted = new();
    private readonly List<ResolvedDeadLetter> _resolved = new();
    private readonly Dictionary<string, int> _validAt = new(StringComparer.Ordinal);
    private int _superseded;
    private readonly string? _sourceOverride;
    private string? _source;
    private long _currentPage = -1;
    private string? _currentPageSource;
    private string? _currentPageResume;
    private bool _hasCandidate;
    private string? _watermark;
    private string? _candidate;

    /// <summary>Creates a builder; <paramref name="sourceOverride"/> stores every record under that source name.</summary>
    public BatchBuilder(int batchSize, string? sourceOverride)
    {
        if (batchSize is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Use a batch size from 1 to 1,000,000.");
        BatchSize = batchSize;
        _sourceOverride = sourceOverride;
        _valid = new List<MuseumRecord>(Math.Min(batchSize, 10_000));
    }

    /// <summary>Records per batch.</summary>
    public int BatchSize { get; }

    /// <summary>
    /// The payload bytes a batch may collect before it is full, whatever its record count (<see cref="SyncWriterOptions.MaxBatchBytes"/>).
    /// The default is <see cref="SyncWriterOptions.DefaultMaxBatchBytes"/>.
    /// </summary>
    public long MaxBatchBytes
    {
        get => _maxBatchBytes;
        init => _maxBatchBytes = value >= 1024 ? value : throw new ArgumentOutOfRangeException(nameof(MaxBatchBytes), value, "Allow a batch at least 1 KiB.");
    }

    private readonly long _maxBatchBytes = SyncWriterOptions.DefaultMaxBatchBytes;
    private long _payloadBytes;

    /// <summary>The payload bytes of the records in the open batch.</summary>
    public long PayloadBytes => _payloadBytes;

    /// <summary>Records in the open batch.</summary>
    public int Count => _valid.Count + _invalid.Count + _deleted.Count;

    /// <summary>
    /// True when <paramref name="record"/> is a deletion the store applies: the source reported it deleted and it has an
    /// object id. (A deletion without an id is dead-lettered like any other invalid record.)
    /// </summary>
    public static bool IsDeletion(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.IsDeleted && !string.IsNullOrWhiteSpace(record.ObjectId);
    }

    /// <summary>The source of the open batch.</summary>
    public string? Source => _source;

    /// <summary>True when adding <paramref name="record"/> must wait until the open batch is taken (it belongs to another source).</summary>
    public bool NeedsFlushBefore(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Count > 0 && _sourceOverride is null && !string.Equals(_source, record.Source, StringComparison.Ordinal);
    }

    /// <summary>Adds a record; returns true when the batch is full.</summary>
    public bool Add(MuseumRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Count == 0) _source = _sourceOverride ?? record.Source;
        if (!string.Equals(_currentPageSource, record.Source, StringComparison.Ordinal))
        {
            // Another source's pages say nothing about this one's.
            _currentPage = -1;
            _currentPageResume = null;
            _currentPageSource = record.Source;
        }
        if (record.PageNumber > 0)
        {
            if (_currentPage >= 0 && record.PageNumber != _currentPage)
            {
                // A record of another page: the previous page has been seen whole.
                SetCandidate(_currentPageResume);
            }
            _currentPage = record.PageNumber;
            _currentPageResume = record.ResumePosition;
            if (record.EndOfFeed && record.Watermark is not null)
            {
                _watermark = record.Watermark;
            }
            if (record.EndOfPage)
            {
                SetCandidate(record.ResumePosition);
                _currentPage = -1;
            }
        }
        _payloadBytes += PayloadSize(record);
        if (IsDeletion(record))
        {
            _deleted.Add(record);
        }
        else
        {
            if (record.IsValid && _deleted.Count > 0)
            {
                // Deleted, then sent again within one batch: the later record wins (the store deletes after it upserts).
                _deleted.RemoveAll(d => string.Equals(d.ObjectId, record.ObjectId, StringComparison.Ordinal));
            }
            if (!record.IsValid) _invalid.Add(record);
            else if (record.ObjectId is { } id && _validAt.TryGetValue(id, out var at)) Supersede(at, record);
            else
            {
                if (record.ObjectId is { } first) _validAt.Add(first, _valid.Count);
                _valid.Add(record);
            }
        }
        return Count + _superseded >= BatchSize || _payloadBytes >= _maxBatchBytes;
    }

    /// <summary>A later version of the object at <paramref name="at"/> in the open batch: it takes that row's place.</summary>
    private void Supersede(int at, MuseumRecord record)
    {
        _valid[at] = record;
        _superseded++;
    }

    /// <summary>A record's payload size: its bytes as read, or (a record made from text) its length in characters.</summary>
    private static long PayloadSize(MuseumRecord record) => record.RawJsonUtf8?.Length ?? record.RawJson?.Length ?? 0;

    /// <summary>
    /// Adds a dead letter's record again after re-validation (<see cref="DeadLetterReplay"/>): when it is valid now, the
    /// batch also removes the dead letter; when it is still invalid, the dead letter's attempt count goes up. Returns
    /// true when the batch is full.
    /// </summary>
    public bool AddReplay(MuseumRecord record, DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(letter);
        if (record.IsValid) _resolved.Add(new ResolvedDeadLetter(letter.Source, DeadLetterPayload.Stored(letter)));
        return Add(record);
    }

    /// <summary>Takes the open batch (null when empty and there is no checkpoint to store).</summary>
    public SyncBatch? Take(string? endpoint, DateTimeOffset now)
    {
        if (Count == 0 && !_hasCandidate && _watermark is null) return null;
        var batch = new SyncBatch
        {
            Source = _source ?? _sourceOverride ?? "default",
            Records = _valid.ToArray(),
            DeadLetters = _invalid.ToArray(),
            Deletions = _deleted.Count == 0 ? Array.Empty<MuseumRecord>() : _deleted.ToArray(),
            ResolvedDeadLetters = _resolved.Count == 0 ? Array.Empty<ResolvedDeadLetter>() : _resolved.ToArray(),
            Superseded = _superseded,
            AdvanceCheckpoint = _hasCandidate,
            CheckpointPosition = _candidate,
            Watermark = _watermark,
            Endpoint = endpoint,
            Now = now,
        };
        _valid.Clear();
        _payloadBytes = 0;
        _invalid.Clear();
        _deleted.Clear();
        _resolved.Clear();
        _validAt.Clear();
        _superseded = 0;
        _hasCandidate = false;
        _candidate = null;
        _watermark = null;
        return batch;
    }

    private void SetCandidate(string? position)
    {
        // A cursor with a NUL is one no store can keep (PostgreSQL refuses it): the checkpoint stays at the last position
        // it can keep, and a rerun reads the pages after it again instead of failing on every batch.
        if (position is not null && position.Contains('\0', StringComparison.Ordinal)) return;
        _hasCandidate = true;
        _candidate = position;
    }
}
