using System.Text;
using System.Text.Json;

namespace MuseumSync.Ocr;

/// <summary>
/// How an image that could not be read is kept in the dead-letter table: the payload is a small JSON document naming
/// the record and the image (<c>{"ocr":{"objectId":…,"mediaUrl":…}}</c>), the same for every failure of that image, so a
/// repeated failure counts again and a later success removes it.
/// </summary>
internal static class OcrDeadLetter
{
    public static string Payload(string objectId, string mediaUrl)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteStartObject("ocr");
            w.WriteString("objectId", objectId);
            w.WriteString("mediaUrl", mediaUrl);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}

/// <summary>URLs as OCR messages and dead letters show them: secret query values masked.</summary>
internal static class OcrUrl
{
    public static string Mask(string? url) =>
        url is null ? "(no URL)" : Uri.TryCreate(url, UriKind.Absolute, out var u) ? Http.UrlMasker.Mask(u) : url;
}
