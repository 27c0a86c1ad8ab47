using System.Text.RegularExpressions;

namespace MuseumSync.Ocr;

/// <summary>Tesseract's language argument: traineddata names joined with '+' (<c>eng+deu</c>, <c>chi_sim</c>).</summary>
internal static partial class TesseractLanguages
{
    /// <summary>The names in <paramref name="languages"/>; throws <see cref="ArgumentException"/> when one is not a traineddata name.</summary>
    public static IReadOnlyList<string> Parse(string languages)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(languages);
        var parts = languages.Split('+', StringSplitOptions.TrimEntries);
        foreach (var p in parts)
        {
            if (!Name().IsMatch(p))
            {
                throw new ArgumentException($"'{languages}' is not a Tesseract language list: give traineddata names joined with '+', such as eng or eng+deu ('tesseract --list-langs' lists those installed).", nameof(languages));
            }
        }
        return parts;
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{1,30}$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
