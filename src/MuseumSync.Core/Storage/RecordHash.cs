using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace MuseumSync.Storage;

/// <summary>
/// Content hashes (XxHash128, 16 bytes): a record whose hash did not change is not rewritten, and a dead letter is kept
/// once per payload. Not a security boundary; a change detector, computed without copying the text.
/// </summary>
internal static class RecordHash
{
    private const char Separator = '\u001f';

    /// <summary>The hash of the raw payload and the mapped fields (so a mapping change rewrites the row).</summary>
    public static byte[] Content(MuseumRecord r)
    {
        var hash = new byte[Size];
        Content(r, hash);
        return hash;
    }

    /// <summary>The hash length in bytes.</summary>
    public const int Size = 16;

    [ThreadStatic]
    private static XxHash128? t_hasher;

    /// <summary>
    /// <see cref="Content(MuseumRecord)"/> written into <paramref name="destination"/> (16 bytes), with one hasher per
    /// thread: no allocation per record. The same bytes as <see cref="Content(MuseumRecord)"/>.
    /// </summary>
    public static void Content(MuseumRecord r, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(r);
        var h = t_hasher ??= new XxHash128();
        h.Reset();
        if (r.RawJsonUtf8 is { } utf8) AppendUtf8(h, utf8);
        else Append(h, r.RawJson);
        Append(h, r.ObjectId);
        Append(h, r.AccessionNumber);
        Append(h, r.Title);
        Append(h, r.CreationDate);
        Append(h, r.RightsStatement);
        Span<int> numbers = [r.EmbargoDate?.DayNumber ?? -1, (int)r.AccessTier];
        h.Append(MemoryMarshal.AsBytes(numbers));
        Append(h, r.IiifManifestUrl);
        Append(h, r.MediaUrl);
        Span<int> assigned = [r.AssignedAccessTier is { } tier ? (int)tier : -1];
        h.Append(MemoryMarshal.AsBytes(assigned));
        Append(h, r.TierRule);
        h.GetCurrentHash(destination);
    }

    /// <summary>The hash of the payload exactly as received.</summary>
    public static byte[] Payload(string raw)
    {
        var h = new XxHash128();
        Append(h, raw);
        return h.GetCurrentHash();
    }

    /// <summary>The same as <see cref="Append"/> of the text the (valid) UTF-8 decodes to, decoded into a pooled buffer.</summary>
    private static void AppendUtf8(XxHash128 h, byte[] utf8)
    {
        var chars = System.Buffers.ArrayPool<char>.Shared.Rent(Math.Max(1, utf8.Length));
        try
        {
            var n = System.Text.Encoding.UTF8.GetChars(utf8, chars);
            h.Append(MemoryMarshal.AsBytes(chars.AsSpan(0, n)));
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(chars);
        }
        ReadOnlySpan<char> sep = [Separator];
        h.Append(MemoryMarshal.AsBytes(sep));
    }

    private static void Append(XxHash128 h, string? s)
    {
        if (s is not null) h.Append(MemoryMarshal.AsBytes(s.AsSpan()));
        ReadOnlySpan<char> sep = [s is null ? '\0' : Separator];
        h.Append(MemoryMarshal.AsBytes(sep));
    }
}
