using System.Text;

namespace MuseumSync.Host;

/// <summary>
/// Finds the MuseumSync module to import: <c>--module</c>, else the
/// <c>MUSEUMSYNC_MODULE_PATH</c> environment variable, else <c>out/MuseumSync/MuseumSync.psd1</c>
/// searched upward from the host's folder and from the current directory.
/// </summary>
internal static class ModuleLocator
{
    /// <summary>The environment variable that may name the module to import.</summary>
    public const string EnvironmentVariableName = "MUSEUMSYNC_MODULE_PATH";

    /// <summary>Where the module build writes the manifest, relative to the repository root.</summary>
    public static readonly string RelativeManifestPath = Path.Combine("out", "MuseumSync", "MuseumSync.psd1");

    private const string Fix =
        "To fix it, run `dotnet build -c Release` at the repository root (it writes out/MuseumSync/), "
        + "or pass --module PATH (or set " + EnvironmentVariableName + ") to point at MuseumSync.psd1.";

    /// <summary>Locates the module using the process environment and the usual search roots.</summary>
    /// <param name="explicitPath">The path given with <c>--module</c>, if any.</param>
    /// <returns>The result of the search.</returns>
    public static ModuleLocation Locate(string? explicitPath) =>
        Locate(
            explicitPath,
            Environment.GetEnvironmentVariable(EnvironmentVariableName),
            [AppContext.BaseDirectory, Environment.CurrentDirectory],
            Environment.CurrentDirectory);

    /// <summary>Locates the module.</summary>
    /// <param name="explicitPath">The path given with <c>--module</c>, if any.</param>
    /// <param name="environmentPath">The value of <see cref="EnvironmentVariableName"/>, if any.</param>
    /// <param name="searchRoots">Folders whose ancestors (themselves included) are searched.</param>
    /// <param name="currentDirectory">The folder relative paths are resolved against.</param>
    /// <returns>The result of the search.</returns>
    public static ModuleLocation Locate(
        string? explicitPath,
        string? environmentPath,
        IEnumerable<string> searchRoots,
        string currentDirectory)
    {
        ArgumentNullException.ThrowIfNull(searchRoots);

        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return FromGivenPath(explicitPath, currentDirectory, "--module");
        }

        if (!string.IsNullOrWhiteSpace(environmentPath))
        {
            return FromGivenPath(environmentPath, currentDirectory, "the environment variable " + EnvironmentVariableName);
        }

        var searched = new List<string>();
        foreach (string root in searchRoots)
        {
            if (string.IsNullOrWhiteSpace(root))
            {
                continue;
            }

            for (DirectoryInfo? dir = new(Path.GetFullPath(root, currentDirectory)); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RelativeManifestPath);
                if (searched.Contains(candidate, StringComparer.Ordinal))
                {
                    continue;
                }

                searched.Add(candidate);
                if (File.Exists(candidate))
                {
                    return ModuleLocation.Found(candidate, "found at " + candidate);
                }
            }
        }

        var message = new StringBuilder();
        message.Append("MuseumSync.Host: cannot find the MuseumSync module (")
            .Append(RelativeManifestPath)
            .AppendLine("): no --module was given, " + EnvironmentVariableName + " is not set, and none of these exist:");
        foreach (string candidate in searched)
        {
            message.Append("  ").AppendLine(candidate);
        }

        message.Append(Fix);
        return ModuleLocation.NotFound(message.ToString());
    }

    private static ModuleLocation FromGivenPath(string path, string currentDirectory, string source)
    {
        string fullPath = Path.GetFullPath(path, currentDirectory);
        if (File.Exists(fullPath) || Directory.Exists(fullPath))
        {
            return ModuleLocation.Found(fullPath, "given by " + source);
        }

        return ModuleLocation.NotFound(
            $"MuseumSync.Host: the module path '{fullPath}' given by {source} does not exist. {Fix}");
    }
}

/// <summary>The outcome of <see cref="ModuleLocator"/>: a module path, or why none was found.</summary>
internal sealed class ModuleLocation
{
    private ModuleLocation(string? path, string description)
    {
        Path = path;
        Description = description;
    }

    /// <summary>Gets the full path of the module to import, or <see langword="null"/> when none was found.</summary>
    public string? Path { get; }

    /// <summary>Gets where the path came from, or (when not found) the message for the user.</summary>
    public string Description { get; }

    /// <summary>Gets a value indicating whether a module was found.</summary>
    public bool IsFound => Path is not null;

    /// <summary>Creates a successful result.</summary>
    /// <param name="path">The module path.</param>
    /// <param name="description">Where it came from.</param>
    /// <returns>The result.</returns>
    public static ModuleLocation Found(string path, string description) => new(path, description);

    /// <summary>Creates a failed result.</summary>
    /// <param name="message">The message for the user: where the search looked and how to fix it.</param>
    /// <returns>The result.</returns>
    public static ModuleLocation NotFound(string message) => new(null, message);
}
