using System.Management.Automation;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// What the standards validators (Test-IiifManifest, Test-LidoRecord) share: files by -Path (wildcards) or -LiteralPath,
/// resolved to file-system files, with what does not exist reported.
/// </summary>
public abstract class StandardsFileCommand : AsyncCmdlet
{
    /// <summary>Files by path, wildcards allowed.</summary>
    public const string PathSet = "Path";

    /// <summary>Files by literal path.</summary>
    public const string LiteralPathSet = "LiteralPath";

    /// <summary>The files to validate; wildcards allowed. Binds from the pipeline by property name (Path).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = null!;

    /// <summary>The files, taken literally (no wildcards). Get-ChildItem output binds here (PSPath), as do FileInfo objects (FullName).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>The files -Path or -LiteralPath names; a path that matches nothing, or is not a file, is a non-terminating error.</summary>
    private protected IEnumerable<string> Files()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var path in literal ? LiteralPath : Path)
        {
            List<string> resolved;
            try
            {
                resolved = literal
                    ? [SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)]
                    : [.. SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _)];
            }
            catch (ItemNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, path));
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
                    WriteError(new ErrorRecord(new IOException($"'{file}' is a folder. Give the files, for example -Path '{System.IO.Path.Combine(file, "*.xml")}'."), "PathIsFolder", ErrorCategory.InvalidArgument, file));
                }
                else
                {
                    WriteError(new ErrorRecord(new FileNotFoundException($"'{file}' does not exist.", file), "PathNotFound", ErrorCategory.ObjectNotFound, file));
                }
            }
        }
    }
}
