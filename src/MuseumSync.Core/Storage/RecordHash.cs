using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace MuseumSync.Storage;

/// <summary>Content hashes: a record whose hash did not change is not rewritten, and a dead letter is kept once per payload.</summary>
internal static class RecordHash
{
    /// <summary>16 bytes of SHA-256 over the raw payload and the mapped fields (so a mapping change rewrites the row).</summary>
    public static byte[] Content(MuseumRecord r)
    {
        var sb = new StringBuilder(r.RawJson.Length + 256);
        sb.Append(r.RawJson).Append('\u001f')
          .Append(r.ObjectId).Append('\u001f').Append(r.AccessionNumber).Append('\u001f').Append(r.Title).Append('\u001f')
          .Append(r.CreationDate).Append('\u001f').Append(r.RightsStatement).Append('\u001f')
          .Append(r.EmbargoDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Append('\u001f')
          .Append((int)r.AccessTier).Append('\u001f').Append(r.IiifManifestUrl).Append('\u001f').Append(r.MediaUrl);
        return Hash(sb.ToString());
    }

    /// <summary>16 bytes of SHA-256 over the payload exactly as received.</summary>
    public static byte[] Payload(string raw) => Hash(raw);

    private static byte[] Hash(string s)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encoding.UTF8.GetBytes(s, rented);
            Span<byte> full = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, n), full);
            return full[..16].ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
