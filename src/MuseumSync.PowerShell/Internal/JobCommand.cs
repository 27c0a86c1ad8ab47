using System.Management.Automation;
using MuseumSync.PowerShell.Completion;
using MuseumSync.Storage;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// What the scale-out cmdlets (Submit-MuseumSync, Start-MuseumSyncWorker, Get-MuseumSyncJob) share: the config file,
/// its store, and its sources.
/// </summary>
public abstract class JobCommand : AsyncCmdlet
{
    /// <summary>The sync.psd1 file: the store (where the records and the jobs are kept) and the sources.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Path")]
    [ValidateNotNullOrEmpty]
    public string ConfigPath { get; set; } = null!;

    /// <summary>Only these sources of the config file; all enabled sources when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConfigSourceCompleter))]
    public string[]? Source { get; set; }

    /// <summary>Loads the config file; an unreadable one is a terminating SyncConfigInvalid error.</summary>
    private protected SyncConfig LoadConfig()
    {
        var path = CmdletPaths.Resolve(this, ConfigPath);
        try
        {
            return SyncConfig.Load(path);
        }
        catch (SyncConfigException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "SyncConfigInvalid", ErrorCategory.InvalidData, path));
            throw; // not reached
        }
    }

    /// <summary>The sources -Source names (an unknown name is a terminating SyncSourceUnknown error).</summary>
    private protected IReadOnlyList<SyncConfigSource> Select(SyncConfig config)
    {
        if (Source is null) return config.Sources;
        var unknown = Source.Where(n => !config.Sources.Any(s => string.Equals(s.Name, n, StringComparison.Ordinal))).ToList();
        if (unknown.Count > 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"{string.Join(", ", unknown.Select(u => "'" + u + "'"))} {(unknown.Count == 1 ? "is" : "are")} not an enabled source of {Path.GetFileName(config.FilePath)}; its sources are {string.Join(", ", config.Sources.Select(s => s.Name))}."),
                "SyncSourceUnknown", ErrorCategory.ObjectNotFound, unknown[0]));
        }
        return config.Sources.Where(s => Source.Contains(s.Name, StringComparer.Ordinal)).ToList();
    }

    /// <summary>Opens the config's store and brings its schema (the job tables included) up to date; a failure is terminating.</summary>
    private protected ISyncStore OpenStore(SyncConfig config)
    {
        var where = config.Store.Describe();
        try
        {
            return AsyncPump.Run(() => SyncStoreFactory.OpenAndInitializeAsync(config.Store, CancelToken));
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            throw new PipelineStoppedException();
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(ErrorRecords.FromStore(ex, where));
            throw; // not reached
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorRecords.FromStore(ErrorRecords.StoreFileError(ex, where), where));
            throw; // not reached
        }
    }
}
