using System.Collections;
using System.Globalization;
using System.Management.Automation.Language;

namespace MuseumSync.Packaging;

/// <summary>
/// A module manifest (.psd1) read as PowerShell reads data files: parsed with the PowerShell parser and evaluated
/// without running code (<see cref="Ast.SafeGetValue()"/>), so a manifest with anything but data is refused.
/// </summary>
public sealed class ModuleManifest
{
    private ModuleManifest(string path, IReadOnlyDictionary<string, object?> data, IReadOnlyDictionary<string, object?> psData)
    {
        Path = path;
        Name = System.IO.Path.GetFileNameWithoutExtension(path);
        ModuleVersion = Version.Parse(RequiredString(data, "ModuleVersion"));
        ModuleGuid = System.Guid.Parse(RequiredString(data, "GUID"));
        Author = RequiredString(data, "Author");
        Description = RequiredString(data, "Description");
        CompanyName = OptionalString(data, "CompanyName");
        Copyright = OptionalString(data, "Copyright");
        CompatiblePSEditions = Strings(data, "CompatiblePSEditions");
        CmdletsToExport = ExplicitNames(data, "CmdletsToExport");
        FunctionsToExport = ExplicitNames(data, "FunctionsToExport");
        if (data.TryGetValue("RequiredModules", out var required) && Strings(required, "RequiredModules").Count > 0)
        {
            throw new ModuleManifestException($"{path}: RequiredModules are not packed as dependencies yet; remove them or extend the packager.");
        }

        Tags = Strings(psData, "Tags");
        foreach (var tag in Tags)
        {
            if (tag.Length == 0 || tag.Any(char.IsWhiteSpace))
            {
                throw new ModuleManifestException($"{path}: the tag '{tag}' is empty or contains white space (NuGet tags are separated by spaces).");
            }
        }
        LicenseUri = OptionalUri(psData, "LicenseUri");
        ProjectUri = OptionalUri(psData, "ProjectUri");
        IconUri = OptionalUri(psData, "IconUri");
        ReleaseNotes = OptionalString(psData, "ReleaseNotes");
        Prerelease = OptionalString(psData, "Prerelease");
        if (Prerelease is not null && !Prerelease.All(char.IsAsciiLetterOrDigit))
        {
            throw new ModuleManifestException($"{path}: Prerelease must be ASCII letters and digits only (PowerShellGet's rule), not '{Prerelease}'.");
        }
    }

    /// <summary>The manifest file.</summary>
    public string Path { get; }

    /// <summary>The module name: the manifest's file name.</summary>
    public string Name { get; }

    /// <summary><c>ModuleVersion</c>.</summary>
    public Version ModuleVersion { get; }

    /// <summary><c>PrivateData.PSData.Prerelease</c>, when set.</summary>
    public string? Prerelease { get; }

    /// <summary>The package version: <c>ModuleVersion</c>, with <c>-Prerelease</c> when there is one.</summary>
    public string PackageVersion => Prerelease is null
        ? ModuleVersion.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"{ModuleVersion}-{Prerelease}");

    /// <summary><c>GUID</c>.</summary>
    public Guid ModuleGuid { get; }

    /// <summary><c>Author</c>.</summary>
    public string Author { get; }

    /// <summary><c>CompanyName</c>.</summary>
    public string? CompanyName { get; }

    /// <summary><c>Copyright</c>.</summary>
    public string? Copyright { get; }

    /// <summary><c>Description</c>.</summary>
    public string Description { get; }

    /// <summary><c>CompatiblePSEditions</c>.</summary>
    public IReadOnlyList<string> CompatiblePSEditions { get; }

    /// <summary><c>CmdletsToExport</c> (explicit names; wildcards are refused).</summary>
    public IReadOnlyList<string> CmdletsToExport { get; }

    /// <summary><c>FunctionsToExport</c> (explicit names; wildcards are refused).</summary>
    public IReadOnlyList<string> FunctionsToExport { get; }

    /// <summary><c>PrivateData.PSData.Tags</c>.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary><c>PrivateData.PSData.LicenseUri</c>.</summary>
    public Uri? LicenseUri { get; }

    /// <summary><c>PrivateData.PSData.ProjectUri</c>.</summary>
    public Uri? ProjectUri { get; }

    /// <summary><c>PrivateData.PSData.IconUri</c>.</summary>
    public Uri? IconUri { get; }

    /// <summary><c>PrivateData.PSData.ReleaseNotes</c>.</summary>
    public string? ReleaseNotes { get; }

    /// <summary>Reads and checks a manifest.</summary>
    /// <exception cref="ModuleManifestException">The file does not parse, is not a data-only hashtable, or lacks a required key.</exception>
    public static ModuleManifest Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path)) throw new ModuleManifestException($"The module manifest {path} does not exist.");

        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            var first = errors[0];
            throw new ModuleManifestException($"{path}:{first.Extent.StartLineNumber}:{first.Extent.StartColumnNumber}: {first.Message}");
        }
        if (ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) is not HashtableAst table)
        {
            throw new ModuleManifestException($"{path} holds no hashtable; a module manifest is one @{{ … }}.");
        }

        object? value;
        try
        {
            value = table.SafeGetValue();
        }
        catch (InvalidOperationException ex)
        {
            throw new ModuleManifestException($"{path} is not data only: {ex.Message}", ex);
        }

        var data = ToDictionary(value as Hashtable, path, "the manifest");
        var privateData = data.TryGetValue("PrivateData", out var pd) ? ToDictionary(pd as Hashtable, path, "PrivateData") : new Dictionary<string, object?>();
        var psData = privateData.TryGetValue("PSData", out var ps) ? ToDictionary(ps as Hashtable, path, "PrivateData.PSData") : new Dictionary<string, object?>();
        return new ModuleManifest(path, data, psData);
    }

    private static Dictionary<string, object?> ToDictionary(Hashtable? table, string path, string what)
    {
        if (table is null) throw new ModuleManifestException($"{path}: {what} must be a hashtable.");
        var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in table)
        {
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = entry.Value;
        }
        return result;
    }

    private static string RequiredString(IReadOnlyDictionary<string, object?> data, string key) =>
        OptionalString(data, key) ?? throw new ModuleManifestException($"The module manifest has no {key}.");

    private static string? OptionalString(IReadOnlyDictionary<string, object?> data, string key)
    {
        if (!data.TryGetValue(key, out var value) || value is null) return null;
        var text = value switch
        {
            string s => s,
            object[] lines => string.Join('\n', lines.Select(l => Convert.ToString(l, CultureInfo.InvariantCulture))),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static Uri? OptionalUri(IReadOnlyDictionary<string, object?> data, string key)
    {
        var text = OptionalString(data, key);
        if (text is null) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ModuleManifestException($"PSData.{key} must be an absolute http(s) URI, not '{text}'.");
        }
        return uri;
    }

    private static List<string> Strings(IReadOnlyDictionary<string, object?> data, string key) =>
        data.TryGetValue(key, out var value) ? Strings(value, key) : [];

    private static List<string> Strings(object? value, string key) => value switch
    {
        null => [],
        string s => [s],
        object[] items => items.Select(i => i as string ?? throw new ModuleManifestException($"{key} must hold strings only.")).ToList(),
        _ => throw new ModuleManifestException($"{key} must be a string or an array of strings."),
    };

    private static List<string> ExplicitNames(IReadOnlyDictionary<string, object?> data, string key)
    {
        var names = Strings(data, key);
        var wildcard = names.FirstOrDefault(n => n.IndexOfAny(['*', '?', '[']) >= 0);
        if (wildcard is not null)
        {
            throw new ModuleManifestException($"{key} must list names, not the wildcard '{wildcard}': a gallery indexes the exported commands from the manifest.");
        }
        return names;
    }
}

/// <summary>A module manifest that cannot be packed.</summary>
public sealed class ModuleManifestException : Exception
{
    public ModuleManifestException() { }

    public ModuleManifestException(string message) : base(message) { }

    public ModuleManifestException(string message, Exception innerException) : base(message, innerException) { }
}
