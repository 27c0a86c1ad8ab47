using System.Globalization;
using System.Text.Json;
using MuseumSync.Ocr;

namespace MuseumSync.Iiif;

/// <summary>
/// Writes an OCR text layer as a canvas's <c>annotations</c>: one AnnotationPage of <c>supplementing</c> Annotations,
/// one per line, each a TextualBody whose target is the canvas with a <c>#xywh=</c> fragment: the line's box scaled
/// from the image's pixels to the canvas's size (Presentation 3.0, "Annotations" and "Media fragments").
/// </summary>
internal static class IiifTextAnnotations
{
    /// <summary>Writes <c>"annotations": [...]</c> into the open canvas object; nothing when the layer has no line with a box.</summary>
    public static void Write(Utf8JsonWriter w, string canvasId, int canvasWidth, int canvasHeight, MuseumRecordText text)
    {
        Hocr hocr;
        try
        {
            hocr = Hocr.Parse(text.Hocr);
        }
        catch (FormatException)
        {
            return; // a layer whose hOCR cannot be read adds no annotations; the manifest stays valid
        }
        var width = hocr.Width > 0 ? hocr.Width : text.ImageWidth;
        var height = hocr.Height > 0 ? hocr.Height : text.ImageHeight;
        if (width <= 0 || height <= 0 || hocr.Lines.Count == 0) return;
        double sx = (double)canvasWidth / width, sy = (double)canvasHeight / height;
        w.WriteStartArray("annotations");
        w.WriteStartObject();
        w.WriteString("id", $"{canvasId}/text");
        w.WriteString("type", "AnnotationPage");
        w.WriteStartArray("items");
        var n = 0;
        foreach (var line in hocr.Lines)
        {
            var x = Clamp((int)Math.Floor(line.Box.X * sx), canvasWidth - 1);
            var y = Clamp((int)Math.Floor(line.Box.Y * sy), canvasHeight - 1);
            var bw = Clamp(Math.Max(1, (int)Math.Ceiling(line.Box.Width * sx)), canvasWidth - x);
            var bh = Clamp(Math.Max(1, (int)Math.Ceiling(line.Box.Height * sy)), canvasHeight - y);
            w.WriteStartObject();
            w.WriteString("id", $"{canvasId}/text/line/{++n}");
            w.WriteString("type", "Annotation");
            w.WriteString("motivation", "supplementing");
            w.WritePropertyName("body");
            w.WriteStartObject();
            w.WriteString("type", "TextualBody");
            w.WriteString("value", line.Text);
            w.WriteString("format", "text/plain");
            w.WriteEndObject();
            w.WriteString("target", string.Create(CultureInfo.InvariantCulture, $"{canvasId}#xywh={x},{y},{bw},{bh}"));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static int Clamp(int value, int max) => Math.Max(0, Math.Min(value, max));
}
