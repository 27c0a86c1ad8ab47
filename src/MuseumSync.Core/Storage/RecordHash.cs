using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace MuseumSync.Storage;

/// <summary>
/// Content hashes (XxHash128, 16 bytes): a record whose hash did not change is not rewritten, and a dead letter is kept
/// once per payload. Not a security boundary; a change detector.
/// </summary>
/// <remarks>
/// The hashed input is the UTF-16 code units of the raw payload and of each mapped field, each followed by U+001F
/// (or U+0000 for a null field), with the embargo day number, the tier and the assigned tier as 32-bit integers; the
/// creation end date comes last and only when the record has one.
/// The input is laid out in one buffer per thread and hashed in one call (the same value as appending it piece by
/// piece, at a fraction of the cost), and the result is kept on the record: <see cref="Sync.SyncWriter"/> hashes each record
/// on the producer's thread, so the store's commit only reads it.
/// </remarks>
internal static class RecordHash
{
    private const char Separator = '\u001f';

    /// <summary>The hash length in bytes.</summary>
    public const int Size = 16;

    [ThreadStatic]
    private static byte[]? t_scratch;

    /// <summary>The hash of the raw payload and the mapped fields (so a mapping change rewrites the row).</summary>
    public static byte[] Content(MuseumRecord r)
    {
        var hash = new byte[Size];
        Content(r, hash);
        return hash;
    }

    /// <summary>
    /// <see cref="Content(MuseumRecord)"/> written into <paramref name="destination"/> (16 bytes): the hash kept on the
    /// record when it is current, else computed (and kept). No allocation per record.
    /// </summary>
    public static void Content(MuseumRecord r, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.TryGetContentHash(destination)) return;
        Compute(r, destination);
        r.SetContentHash(destination);
    }

    /// <summary>Hashes the record now (on the calling thread), so that a later <see cref="Content(MuseumRecord, Span{byte})"/> only reads it.</summary>
    public static void Prepare(MuseumRecord r)
    {
        Span<byte> hash = stackalloc byte[Size];
        Content(r, hash);
    }

    /// <summary>The hash of the payload exactly as received.</summary>
    public static byte[] Payload(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var hash = new byte[Size];
        var w = new Writer(2 * raw.Length + 2);
        w.Text(raw);
        XxHash128.Hash(w.Written, hash);
        return hash;
    }

    private static void Compute(MuseumRecord r, Span<byte> destination)
    {
        var utf8 = r.RawJsonUtf8;
        var raw = utf8 is null ? r.RawJson : null;
        // UTF-8 decodes to at most one UTF-16 unit per byte.
        var estimate = 2 * ((utf8?.Length ?? raw!.Length) + Length(r.ObjectId) + Length(r.AccessionNumber) + Length(r.Title) + Length(r.CreationDate)
            + Length(r.RightsStatement) + Length(r.IiifManifestUrl) + Length(r.MediaUrl) + Length(r.TierRule) + Length(r.CreationEndDate)) + 64;
        var w = new Writer(estimate);
        if (utf8 is not null) w.Utf8(utf8);
        else w.Text(raw);
        w.Text(r.ObjectId);
        w.Text(r.AccessionNumber);
        w.Text(r.Title);
        w.Text(r.CreationDate);
        w.Text(r.RightsStatement);
        w.Int(r.EmbargoDate?.DayNumber ?? -1);
        w.Int((int)r.AccessTier);
        w.Text(r.IiifManifestUrl);
        w.Text(r.MediaUrl);
        w.Int(r.AssignedAccessTier is { } tier ? (int)tier : -1);
        w.Text(r.TierRule);
        // Last, and only when there is one: a record without an end date hashes as it did before the field existed, so an
        // upgrade rewrites no row (RecordHashTests pins that value).
        if (r.CreationEndDate is not null) w.Text(r.CreationEndDate);
        XxHash128.Hash(w.Written, destination);
    }

    private static int Length(string? s) => s?.Length ?? 0;

    /// <summary>Lays the hashed input out in the thread's scratch buffer.</summary>
    private ref struct Writer
    {
        private readonly Span<byte> _buffer;
        private int _at;

        public Writer(int capacity)
        {
            var scratch = t_scratch;
            if (scratch is null || scratch.Length < capacity)
            {
                scratch = new byte[Math.Max(capacity, 4096)];
                // A record with a huge payload does not pin its buffer to the thread for good.
                if (scratch.Length <= 1 << 20) t_scratch = scratch;
            }
            _buffer = scratch;
            _at = 0;
        }

        public readonly ReadOnlySpan<byte> Written => _buffer[.._at];

        public void Text(string? s)
        {
            if (s is not null)
            {
                MemoryMarshal.AsBytes(s.AsSpan()).CopyTo(_buffer[_at..]);
                _at += 2 * s.Length;
            }
            Char(s is null ? '\0' : Separator);
        }

        /// <summary>The text valid UTF-8 decodes to, as <see cref="Text"/> writes it.</summary>
        public void Utf8(byte[] utf8)
        {
            var chars = MemoryMarshal.Cast<byte, char>(_buffer[_at..]);
            var n = Encoding.UTF8.GetChars(utf8, chars);
            _at += 2 * n;
            Char(Separator);
        }

        public void Int(int value)
        {
            MemoryMarshal.Write(_buffer[_at..], in value);
            _at += sizeof(int);
        }

        private void Char(char c)
        {
            MemoryMarshal.Write(_buffer[_at..], in c);
            _at += sizeof(char);
        }
    }
}
