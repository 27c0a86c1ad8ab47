using System.Globalization;
using System.Text.RegularExpressions;

namespace MuseumSync.Ocr;

/// <summary>
/// The Tesseract executable, found and checked once per run: version 4 or newer (LSTM recognition, hOCR with word
/// confidences) and every language asked for installed. Each image is read by its own process in a folder of its own.
/// </summary>
internal sealed partial class TesseractEngine
{
    private const string InstallHelp =
        "Install Tesseract 4 or newer: on Windows the UB Mannheim installer (winget install UB-Mannheim.TesseractOCR), then put the folder of tesseract.exe on PATH or give it as -TesseractPath; "
        + "on Debian or Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng (plus tesseract-ocr-deu, -fra, -nld … for other languages).";

    /// <summary>How long <c>tesseract --version</c> and <c>--list-langs</c> may take.</summary>
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(30);

    private TesseractEngine(string executable, string version, IReadOnlyList<string> installedLanguages)
    {
        Executable = executable;
        Version = version;
        InstalledLanguages = installedLanguages;
    }

    /// <summary>The engine's name, as stored with each layer.</summary>
    public const string Name = "tesseract";

    /// <summary>The full path of the executable.</summary>
    public string Executable { get; }

    /// <summary>The version Tesseract reports (<c>5.3.0</c>).</summary>
    public string Version { get; }

    /// <summary>The language data installed (<c>tesseract --list-langs</c>).</summary>
    public IReadOnlyList<string> InstalledLanguages { get; }

    /// <summary>
    /// Finds Tesseract (<paramref name="tesseractPath"/>: the executable or its folder; else PATH), checks its version and
    /// that <paramref name="languages"/> are installed. Throws <see cref="OcrEngineException"/> with what to install.
    /// </summary>
    public static async Task<TesseractEngine> OpenAsync(string? tesseractPath, string languages, CancellationToken cancellationToken)
    {
        var wanted = TesseractLanguages.Parse(languages);
        var exe = Locate(tesseractPath);
        TesseractProcess.Result version;
        try
        {
            version = await TesseractProcess.RunAsync(exe, ["--version"], s_probeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            throw new OcrEngineException($"'{exe}' could not be started as Tesseract: {ex.Message}. {InstallHelp}", OcrEngineException.UnsupportedId, ex);
        }
        var m = VersionLine().Match(version.StandardOutput + "\n" + version.StandardError);
        if (version.TimedOut || !m.Success)
        {
            throw new OcrEngineException($"'{exe}' is not Tesseract, or it failed (tesseract --version printed no version; exit code {version.ExitCode}). {InstallHelp}", OcrEngineException.UnsupportedId);
        }
        var v = m.Groups["v"].Value;
        if (int.Parse(m.Groups["major"].Value, CultureInfo.InvariantCulture) < 4)
        {
            throw new OcrEngineException($"'{exe}' is Tesseract {v}; MuseumSync needs version 4 or newer (LSTM recognition and hOCR word confidences). {InstallHelp}", OcrEngineException.UnsupportedId);
        }
        var list = await TesseractProcess.RunAsync(exe, ["--list-langs"], s_probeTimeout, cancellationToken).ConfigureAwait(false);
        var installed = (list.StandardOutput + "\n" + list.StandardError)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("List of available languages", StringComparison.OrdinalIgnoreCase) && !l.Contains(' ', StringComparison.Ordinal))
            .ToArray();
        var missing = wanted.Where(w => !installed.Contains(w, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0)
        {
            throw new OcrEngineException(
                $"Tesseract {v} at '{exe}' has no language data for {string.Join(", ", missing)} (asked for by -Language {languages}); installed: {(installed.Length == 0 ? "none" : string.Join(", ", installed))} (tesseract --list-langs). "
                + $"On Debian or Ubuntu: apt-get install {string.Join(" ", missing.Select(l => "tesseract-ocr-" + l.Replace('_', '-').ToLowerInvariant()))}; on Windows, rerun the UB Mannheim installer and tick the language under 'Additional language data', or copy {string.Join(", ", missing.Select(l => l + ".traineddata"))} into its tessdata folder.",
                OcrEngineException.LanguageMissingId)
            { MissingLanguages = missing };
        }
        return new TesseractEngine(exe, v, installed);
    }

    /// <summary>Reads the image file <paramref name="imagePath"/> into hOCR and plain text (files written next to it).</summary>
    internal async Task<TesseractOutput> RecognizeAsync(string imagePath, string languages, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outputBase = Path.Combine(Path.GetDirectoryName(imagePath)!, "out");
        var run = await TesseractProcess.RunAsync(Executable, [imagePath, outputBase, "-l", languages, "hocr", "txt"], timeout, cancellationToken).ConfigureAwait(false);
        if (run.TimedOut) return TesseractOutput.Failed(OcrReasons.Timeout, $"Tesseract did not finish within {timeout.TotalSeconds:0.#} s (-ImageTimeout); its process was stopped");
        var hocr = outputBase + ".hocr";
        var txt = outputBase + ".txt";
        if (run.ExitCode != 0 || !File.Exists(hocr) || !File.Exists(txt))
        {
            var said = FirstLines(run.StandardError);
            var unreadable = said.Contains("pixRead", StringComparison.OrdinalIgnoreCase) || said.Contains("cannot be read", StringComparison.OrdinalIgnoreCase)
                || said.Contains("Unsupported image", StringComparison.OrdinalIgnoreCase) || said.Contains("read image", StringComparison.OrdinalIgnoreCase);
            return TesseractOutput.Failed(unreadable ? OcrReasons.Unreadable : OcrReasons.EngineFailed, $"Tesseract exit code {run.ExitCode}: {said}");
        }
        return new TesseractOutput(await File.ReadAllTextAsync(hocr, cancellationToken).ConfigureAwait(false), await File.ReadAllTextAsync(txt, cancellationToken).ConfigureAwait(false), null, null);
    }

    private static string FirstLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("Estimating resolution", StringComparison.Ordinal)).Take(3);
        var s = string.Join(" ", lines);
        return s.Length == 0 ? "(no message)" : s.Length > 500 ? s[..500] + "…" : s;
    }

    private static string Locate(string? tesseractPath)
    {
        var names = OperatingSystem.IsWindows() ? new[] { "tesseract.exe" } : new[] { "tesseract" };
        if (!string.IsNullOrWhiteSpace(tesseractPath))
        {
            var full = Path.GetFullPath(tesseractPath);
            if (File.Exists(full)) return full;
            if (Directory.Exists(full) && names.Select(n => Path.Combine(full, n)).FirstOrDefault(File.Exists) is { } inFolder) return inFolder;
            throw new OcrEngineException($"There is no Tesseract executable at '{full}' (-TesseractPath): give the path of {names[0]} or of its folder. {InstallHelp}", OcrEngineException.NotFoundId);
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var n in names)
            {
                var candidate = Path.Combine(dir, n);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new OcrEngineException($"Tesseract was not found: no {names[0]} on PATH, and no -TesseractPath was given. {InstallHelp} Check with: tesseract --version; tesseract --list-langs.", OcrEngineException.NotFoundId);
    }

    [GeneratedRegex(@"tesseract\s+v?(?<v>(?<major>\d+)\.\d+(\.\d+)?[\w.\-]*)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex VersionLine();
}

/// <summary>What one Tesseract run gave: hOCR and text, or why it failed.</summary>
internal sealed record TesseractOutput(string? Hocr, string? Text, string? FailureRule, string? FailureMessage)
{
    public static TesseractOutput Failed(string rule, string message) => new(null, null, rule, message);
}
