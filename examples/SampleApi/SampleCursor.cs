using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace MuseumSync.SampleApi;

/// <summary>Opaque paging cursor: base64url of "o:{offset}:{checksum}", the checksum binding offset and seed.</summary>
internal static class SampleCursor
{
    private const int MaxCursorLength = 96;

    public static string Encode(int offset, int seed)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"o:{offset}:{Checksum(offset, seed)}");
        return Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));
    }

    public static bool TryDecode(string cursor, int seed, out int offset)
    {
        offset = 0;
        if (cursor.Length == 0 || cursor.Length > MaxCursorLength)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[MaxCursorLength];
        if (!Base64Url.TryDecodeFromChars(cursor, buffer, out var written))
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(buffer[..written]).Split(':');
        if (parts.Length != 3 || parts[0] != "o"
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            || parts[1] != parsed.ToString(CultureInfo.InvariantCulture)
            || parts[2] != Checksum(parsed, seed))
        {
            return false;
        }

        // Re-encoding must give the same text: rejects padded or otherwise non-canonical variants.
        if (Encode(parsed, seed) != cursor)
        {
            return false;
        }

        offset = parsed;
        return true;
    }

    private static string Checksum(int offset, int seed) =>
        SplitMix64.Mix(((ulong)(uint)offset << 32) ^ (uint)seed ^ 0xC0FF_EE00_5A17_0000UL)
            .ToString("x12", CultureInfo.InvariantCulture)[..12];
}
