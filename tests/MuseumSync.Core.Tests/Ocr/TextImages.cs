using SkiaSharp;

namespace MuseumSync.Core.Tests.Ocr;

/// <summary>
/// Renders known text into images for the OCR tests: DejaVu fonts from Debian's fonts-dejavu-core (.ci/run installs
/// it), several sizes, an optional rotation and a noisy, scan-like background (seeded, so every run draws the same image).
/// </summary>
internal static class TextImages
{
    public const string FontFolder = "/usr/share/fonts/truetype/dejavu";

    public static string Font(string file)
    {
        var path = Path.Combine(FontFolder, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"The test font {path} is missing: apt-get install fonts-dejavu-core (.ci/run does).", path);
        return path;
    }

    /// <summary>Draws <paramref name="lines"/> black on white (or on grey noise), one line per row.</summary>
    public static byte[] Render(IReadOnlyList<string> lines, string fontFile = "DejaVuSans.ttf", float size = 36, float rotateDegrees = 0, bool noise = false,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png, int width = 1400)
    {
        var lineHeight = (int)(size * 1.8f);
        var height = lineHeight * lines.Count + (int)(size * 2);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(noise ? new SKColor(226, 222, 210) : SKColors.White);
            if (noise)
            {
                var random = new Random(17);
                using var speck = new SKPaint { IsAntialias = false };
                for (var i = 0; i < width * height / 60; i++)
                {
                    var g = (byte)random.Next(150, 250);
                    speck.Color = new SKColor(g, g, (byte)(g - 10));
                    canvas.DrawRect(random.Next(width), random.Next(height), 1 + random.Next(2), 1 + random.Next(2), speck);
                }
            }
            using var typeface = SKTypeface.FromFile(Font(fontFile));
            using var paint = new SKPaint { Typeface = typeface, TextSize = size, IsAntialias = true, Color = noise ? new SKColor(40, 36, 30) : SKColors.Black };
            canvas.Save();
            if (rotateDegrees != 0) canvas.RotateDegrees(rotateDegrees, width / 2f, height / 2f);
            for (var i = 0; i < lines.Count; i++) canvas.DrawText(lines[i], size, size * 1.5f + i * lineHeight, paint);
            canvas.Restore();
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>The share of <paramref name="expected"/>'s words found in <paramref name="text"/>, case-insensitively.</summary>
    public static double WordRecall(string expected, string text)
    {
        var found = Words(text).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var wanted = Words(expected).ToArray();
        return wanted.Count(found.Contains) / (double)wanted.Length;
    }

    public static IEnumerable<string> Words(string text) =>
        text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray()))
            .Where(w => w.Length > 0);
}
