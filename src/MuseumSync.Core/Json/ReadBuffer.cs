using System.Buffers;

namespace MuseumSync.Json;

/// <summary>
/// The read buffer the streaming readers (<see cref="JsonStreamReader"/>, <see cref="NdjsonReader"/>) share: the unread
/// bytes moved to the front before a read, and a full buffer doubled from the pool up to a limit.
/// </summary>
internal static class ReadBuffer
{
    /// <summary>Moves the unread bytes [<paramref name="start"/>, <paramref name="end"/>) to the front; returns how many bytes were dropped before them.</summary>
    public static int Compact(byte[] buffer, ref int start, ref int end)
    {
        var dropped = start;
        if (dropped > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        return dropped;
    }

    /// <summary>
    /// Replaces a full buffer with a pooled one twice its size, holding its first <paramref name="end"/> bytes: at most
    /// <paramref name="maxBytes"/> + 1 bytes, so that an item of exactly <paramref name="maxBytes"/> is still read whole.
    /// False, and nothing changed, when the buffer already holds more than <paramref name="maxBytes"/>.
    /// </summary>
    public static bool TryGrow(ref byte[] buffer, int end, int maxBytes)
    {
        if (buffer.Length > maxBytes) return false;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, buffer.Length * 2));
        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
        return true;
    }
}
