using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// The SQLite session's buffer: a batch's valid records packed as the store writes them, each row's text as UTF-8 in
/// pooled byte chunks, with the content hash (computed on <see cref="Add"/>), the object id and the few non-text fields
/// beside it. The <see cref="MuseumRecord"/> objects are not kept, so they die young. <see cref="Release"/> gives the
/// chunks back once the session is completed or discarded.
/// </summary>
internal sealed class CompactRecords
{
    /// <summary>The text fields of a row, in the order <see cref="Add"/> writes them.</summary>
    public enum Field
    {
        ObjectId,
        AccessionNumber,
        Title,
        CreationDate,
        RightsStatement,
        IiifManifestUrl,
        MediaUrl,
        RawJson,
        Position,
        SourceUrl,
        CorrelationId,
        TierRule,
        CreationEndDate,
    }

    private const int FieldCount = 13;
    private const int ChunkBytes = 256 * 1024;

    private readonly List<byte[]> _chunks = new();
    private int _chunkUsed;
    private int _count;
    private bool _released;

    // Per row: its chunk and offset, the length of each field (-1 for null), the hash, the object id, the embargo day
    // number (-1 for none), the tier and the assigned tier (-1 for none), the creation sort keys of the date and its end.
    private int[] _chunkOf;
    private int[] _offset;
    private int[] _lengths;
    private byte[] _hashes;
    private string?[] _ids;
    private int[] _embargo;
    private sbyte[] _tiers;
    private long?[] _creationSort;
    private long?[] _creationEndSort;

    /// <summary>An empty batch, with room for <paramref name="capacity"/> before it grows.</summary>
    public CompactRecords(int capacity = 64)
    {
        var n = Math.Clamp(capacity, 1, 10_000);
        _chunkOf = new int[n];
        _offset = new int[n];
        _lengths = new int[n * FieldCount];
        _hashes = new byte[n * RecordHash.Size];
        _ids = new string?[n];
        _embargo = new int[n];
        _tiers = new sbyte[n * 2];
        _creationSort = new long?[n];
        _creationEndSort = new long?[n];
    }

    /// <summary>The rows; still right after <see cref="Release"/>.</summary>
    public int Count => _count;

    /// <summary>Packs a valid record (its content hash and creation sort key are computed now).</summary>
    public void Add(MuseumRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        ObjectDisposedException.ThrowIf(_released, this);
        if (_count == _ids.Length) Grow();
        Write(_count, r);
        _count++;
    }

    private void Write(int i, MuseumRecord r)
    {
        var raw = r.RawJsonUtf8;
        var max = MaxTextBytes(r);
        if (_chunks.Count == 0 || _chunks[^1].Length - _chunkUsed < max)
        {
            _chunks.Add(ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, max)));
            _chunkUsed = 0;
        }
        var chunk = _chunks[^1];
        _chunkOf[i] = _chunks.Count - 1;
        _offset[i] = _chunkUsed;
        var at = _chunkUsed;
        var lengths = _lengths.AsSpan(i * FieldCount, FieldCount);
        Text(chunk, ref at, lengths, Field.ObjectId, r.ObjectId);
        Text(chunk, ref at, lengths, Field.AccessionNumber, r.AccessionNumber);
        Text(chunk, ref at, lengths, Field.Title, r.Title);
        Text(chunk, ref at, lengths, Field.CreationDate, r.CreationDate);
        Text(chunk, ref at, lengths, Field.RightsStatement, r.RightsStatement);
        Text(chunk, ref at, lengths, Field.IiifManifestUrl, r.IiifManifestUrl);
        Text(chunk, ref at, lengths, Field.MediaUrl, r.MediaUrl);
        if (raw is not null)
        {
            raw.CopyTo(chunk, at);
            lengths[(int)Field.RawJson] = raw.Length;
            at += raw.Length;
        }
        else
        {
            Text(chunk, ref at, lengths, Field.RawJson, r.RawJson);
        }
        Text(chunk, ref at, lengths, Field.Position, r.Position);
        Text(chunk, ref at, lengths, Field.SourceUrl, r.SourceUrl);
        Text(chunk, ref at, lengths, Field.CorrelationId, r.CorrelationId);
        Text(chunk, ref at, lengths, Field.TierRule, r.TierRule);
        Text(chunk, ref at, lengths, Field.CreationEndDate, r.CreationEndDate);
        _chunkUsed = at;
        RecordHash.Content(r, _hashes.AsSpan(i * RecordHash.Size, RecordHash.Size));
        _ids[i] = r.ObjectId;
        _embargo[i] = r.EmbargoDate?.DayNumber ?? -1;
        _tiers[2 * i] = (sbyte)r.AccessTier;
        _tiers[2 * i + 1] = r.AssignedAccessTier is { } assigned ? (sbyte)assigned : (sbyte)-1;
        _creationSort[i] = CreationSort.Of(r.CreationDate);
        _creationEndSort[i] = CreationSort.Of(r.CreationEndDate);
    }

    /// <summary>The row's object id (the same string the record had).</summary>
    public string? ObjectId(int i) => _ids[Check(i)];

    /// <summary>The row's content hash.</summary>
    public ReadOnlySpan<byte> Hash(int i) => _hashes.AsSpan(Check(i) * RecordHash.Size, RecordHash.Size);

    /// <summary>A text field as UTF-8; false when it is null.</summary>
    public bool TryGet(int i, Field field, out ReadOnlySpan<byte> utf8)
    {
        Check(i);
        ObjectDisposedException.ThrowIf(_released, this);
        var lengths = _lengths.AsSpan(i * FieldCount, FieldCount);
        var length = lengths[(int)field];
        if (length < 0)
        {
            utf8 = default;
            return false;
        }
        var at = _offset[i];
        for (var f = 0; f < (int)field; f++) at += Math.Max(0, lengths[f]);
        utf8 = _chunks[_chunkOf[i]].AsSpan(at, length);
        return true;
    }

    /// <summary>The row's text fields, to be read in <see cref="Field"/> order (<see cref="RowText.Next"/>): no offset sums per field.</summary>
    public RowText Text(int i)
    {
        Check(i);
        ObjectDisposedException.ThrowIf(_released, this);
        return new RowText(_chunks[_chunkOf[i]].AsSpan(_offset[i]), _lengths.AsSpan(i * FieldCount, FieldCount));
    }

    /// <summary>A row's text fields, one after the other (<see cref="Text(int)"/>).</summary>
    public ref struct RowText
    {
        private ReadOnlySpan<byte> _rest;
        private readonly ReadOnlySpan<int> _lengths;
        private int _next;

        internal RowText(ReadOnlySpan<byte> rest, ReadOnlySpan<int> lengths)
        {
            _rest = rest;
            _lengths = lengths;
        }

        /// <summary>The next field as UTF-8, which must be <paramref name="field"/>; false when it is null.</summary>
        public bool Next(Field field, out ReadOnlySpan<byte> utf8)
        {
            if ((int)field != _next) throw new InvalidOperationException($"The row's fields are read in order: {(Field)_next} comes before {field}.");
            var length = _lengths[_next++];
            if (length < 0)
            {
                utf8 = default;
                return false;
            }
            utf8 = _rest[..length];
            _rest = _rest[length..];
            return true;
        }
    }

    /// <summary>The bytes of all the row's text fields together (for sizing a buffer).</summary>
    public int TextBytes(int i)
    {
        var total = 0;
        foreach (var n in _lengths.AsSpan(Check(i) * FieldCount, FieldCount)) total += Math.Max(0, n);
        return total;
    }

    public DateOnly? EmbargoDate(int i) => _embargo[Check(i)] is var day and >= 0 ? DateOnly.FromDayNumber(day) : null;

    public AccessTier AccessTier(int i) => (AccessTier)_tiers[2 * Check(i)];

    /// <summary>The row's <c>creation_sort</c> (<see cref="Storage.CreationSort"/>).</summary>
    public long? CreationSortKey(int i) => _creationSort[Check(i)];

    /// <summary>The row's <c>creation_end_sort</c>: the <see cref="Storage.CreationSort"/> key of its creation end date.</summary>
    public long? CreationEndSortKey(int i) => _creationEndSort[Check(i)];

    public AccessTier? AssignedAccessTier(int i) => _tiers[2 * Check(i) + 1] is var t and >= 0 ? (AccessTier)t : null;

    /// <summary>
    /// Pins the chunks until the result is disposed, so the spans <see cref="TryGet"/> returns keep their addresses
    /// (SQLite reads them in place: <see cref="RawStatement.Utf8Pinned"/>). Dispose it before <see cref="Release"/>.
    /// </summary>
    public PinnedChunks Pin()
    {
        ObjectDisposedException.ThrowIf(_released, this);
        var handles = new GCHandle[_chunks.Count];
        var pinned = 0;
        try
        {
            for (; pinned < handles.Length; pinned++) handles[pinned] = GCHandle.Alloc(_chunks[pinned], GCHandleType.Pinned);
        }
        catch
        {
            for (var i = 0; i < pinned; i++) handles[i].Free();
            throw;
        }
        return new PinnedChunks(handles);
    }

    /// <summary>The pins of <see cref="Pin"/>.</summary>
    public readonly struct PinnedChunks : IDisposable
    {
        private readonly GCHandle[]? _handles;

        internal PinnedChunks(GCHandle[] handles) => _handles = handles;

        public void Dispose()
        {
            if (_handles is null) return;
            foreach (var h in _handles) h.Free();
        }
    }

    /// <summary>Gives the chunks back to the pool; the rows cannot be read after this (their <see cref="Count"/> can).</summary>
    public void Release()
    {
        if (_released) return;
        _released = true;
        foreach (var chunk in _chunks) ArrayPool<byte>.Shared.Return(chunk);
        _chunks.Clear();
    }

    /// <summary>Gives the chunks back and empties the rows, keeping the per-row arrays for the next batch.</summary>
    public void Reset()
    {
        Release();
        Array.Clear(_ids, 0, _count); // no object id outlives its batch
        _count = 0;
        _chunkUsed = 0;
        _released = false;
    }

    private int Check(int i)
    {
        if ((uint)i >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(i), i, $"The batch has {_count} rows.");
        return i;
    }

    /// <summary>The most UTF-8 bytes the record's stored text fields (the <see cref="Field"/>s) can take together.</summary>
    public static int MaxTextBytes(MuseumRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return (r.RawJsonUtf8?.Length ?? Max(r.RawJson)) + Max(r.ObjectId) + Max(r.AccessionNumber) + Max(r.Title) + Max(r.CreationDate)
            + Max(r.RightsStatement) + Max(r.IiifManifestUrl) + Max(r.MediaUrl) + Max(r.Position) + Max(r.SourceUrl)
            + Max(r.CorrelationId) + Max(r.TierRule) + Max(r.CreationEndDate);
    }

    private static int Max(string? s) => s is null ? 0 : Encoding.UTF8.GetMaxByteCount(s.Length);

    private static void Text(byte[] chunk, ref int at, Span<int> lengths, Field field, string? value)
    {
        if (value is null)
        {
            lengths[(int)field] = -1;
            return;
        }
        var n = Encoding.UTF8.GetBytes(value, chunk.AsSpan(at));
        lengths[(int)field] = n;
        at += n;
    }

    private void Grow()
    {
        var n = _ids.Length * 2;
        Array.Resize(ref _chunkOf, n);
        Array.Resize(ref _offset, n);
        Array.Resize(ref _lengths, n * FieldCount);
        Array.Resize(ref _hashes, n * RecordHash.Size);
        Array.Resize(ref _ids, n);
        Array.Resize(ref _embargo, n);
        Array.Resize(ref _tiers, n * 2);
        Array.Resize(ref _creationSort, n);
        Array.Resize(ref _creationEndSort, n);
    }
}
