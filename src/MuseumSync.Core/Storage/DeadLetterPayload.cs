using System.Text;

namespace MuseumSync.Storage;

/// <summary>
/// How a dead letter's payload is kept in the text column <c>payload</c> of every store, losslessly: text as it came;
/// bytes that are not valid UTF-8 (which text would hold only with U+FFFD in their place) as <see cref="BytesPrefix"/>
/// followed by their Base64. A text payload that itself starts with the prefix is kept the same way, so reading a
/// payload back is never ambiguous. The dedup hash is the hash of the stored form.
/// </summary>
internal static class DeadLetterPayload
{
    /// <summary>Starts a payload kept as Base64 bytes.</summary>
    public const string BytesPrefix = "museumsync-bytes;base64,";

    /// <summary>The stored form of a payload: <paramref name="text"/>, or Base64 of <paramref name="bytes"/> when there are bytes to keep.</summary>
    public static string Stored(string text, byte[]? bytes)
    {
        if (bytes is null && !text.StartsWith(BytesPrefix, StringComparison.Ordinal)) return text;
        return BytesPrefix + Convert.ToBase64String(bytes ?? Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The stored form of an invalid record's payload.</summary>
    public static string Stored(MuseumRecord record) => Stored(record.RawJson, record.OriginalBytes);

    /// <summary>The stored form of a dead letter read back (the same string as when it was written).</summary>
    public static string Stored(DeadLetter letter) => Stored(letter.Payload, letter.PayloadBytes);

    /// <summary>A stored payload as text (invalid bytes shown as U+FFFD) and, when it was kept as bytes, those bytes.</summary>
    public static (string Text, byte[]? Bytes) Read(string stored)
    {
        if (!stored.StartsWith(BytesPrefix, StringComparison.Ordinal)) return (stored, null);
        var bytes = Convert.FromBase64String(stored[BytesPrefix.Length..]);
        return (Encoding.UTF8.GetString(bytes), bytes);
    }
}
