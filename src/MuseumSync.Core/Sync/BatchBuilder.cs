using MuseumSync.Storage;

namespace MuseumSync.Sync;

/// <summary>
/// Collects records into batches and works out how far the checkpoint may move: only to the end of a page whose every
/// record is in this batch or an earlier one. A page is known complete when its last record (<see cref="MuseumRecord.EndOfPage"/>)
/// arrives, or when a record of a later page does.
/// </summary>
public sealed class BatchBuilder
{
    private readonly List<MuseumRecord> _valid;
    private readonly List<MuseumRecord> _invalid = new();
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

    /// <summary>Records in the open batch.</summary>
    public int Count => _valid.Count + _invalid.Count;

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
        (record.IsValid ? _valid : _invalid).Add(record);
        return Count >= BatchSize;
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
            AdvanceCheckpoint = _hasCandidate,
            CheckpointPosition = _candidate,
            Watermark = _watermark,
            Endpoint = endpoint,
            Now = now,
        };
        _valid.Clear();
        _invalid.Clear();
        _hasCandidate = false;
        _candidate = null;
        _watermark = null;
        return batch;
    }

    private void SetCandidate(string? position)
    {
        _hasCandidate = true;
        _candidate = position;
    }
}
