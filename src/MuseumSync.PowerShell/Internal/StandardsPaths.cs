using System.Management.Automation;

namespace MuseumSync.PowerShell.Internal;

/// <summary>Resolves the -Path (wildcards) and -LiteralPath of the standards cmdlets to file-system files, reporting what does not exist.</summary>
internal static class StandardsPaths
{
    /// <summary>The files <paramref name="paths"/> name; a path that matches nothing, or is not a file, is a non-terminating error.</summary>
    public static IEnumerable<string> Files(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal)
    {
        foreach (var path in paths)
        {
            List<string> resolved;
            try
            {
                resolved = literal
                    ? [cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)]
                    : [.. cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _)];
            }
            catch (ItemNotFoundException ex)
            {
                cmdlet.WriteError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }
            foreach (var file in resolved)
            {
                if (File.Exists(file))
                {
                    yield return file;
                }
                else if (Directory.Exists(file))
                {
                    cmdlet.WriteError(new ErrorRecord(new IOException($"'{file}' is a folder. Give the files, for example -Path '{Path.Combine(file, "*.xml")}'."), "PathIsFolder", ErrorCategory.InvalidArgument, file));
                }
                else
                {
                    cmdlet.WriteError(new ErrorRecord(new FileNotFoundException($"'{file}' does not exist.", file), "PathNotFound", ErrorCategory.ObjectNotFound, file));
                }
            }
        }
    }
}
