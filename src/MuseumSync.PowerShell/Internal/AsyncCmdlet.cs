using System.Management.Automation;
using MuseumSync.Metrics;
using MuseumSync.Run;

namespace MuseumSync.PowerShell.Internal;

/// <summary>
/// The base of the cmdlets that run async core work: one cancellation source that <see cref="StopProcessing"/> (Ctrl+C)
/// cancels and every I/O call receives, the pump and event queue that bring the core's output to the pipeline thread,
/// the check that the core's events are written on that thread, and the metrics file.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private int _pipelineThread;
    private MetricsFileWriter? _metricsFile;

    /// <summary>Cancelled when PowerShell stops the pipeline; every I/O call takes it.</summary>
    private protected CancellationToken CancelToken => _cts.Token;

    /// <summary>True once PowerShell asked the pipeline to stop.</summary>
    private protected bool IsStopping => _cts.IsCancellationRequested;

    /// <inheritdoc />
    protected override void BeginProcessing() => _pipelineThread = Environment.CurrentManagedThreadId;

    /// <summary>A queue for the core's events, verbose lines only when this cmdlet writes them.</summary>
    private protected QueuedEventSink NewEvents() => new(Preferences.IsVerbose(this));

    /// <summary>A pump of <paramref name="capacity"/> messages with its own event queue.</summary>
    private protected AsyncPump NewPump(int capacity) => new(capacity, NewEvents());

    /// <summary>Writes an event as a verbose line or a warning (progress ticks are the caller's); on the pipeline thread only.</summary>
    private protected void WriteEvent(SyncEvent syncEvent)
    {
        CheckPipelineThread();
        switch (syncEvent.Level)
        {
            case SyncEventLevel.Verbose:
                WriteVerbose(syncEvent.Message);
                break;
            case SyncEventLevel.Warning:
            case SyncEventLevel.Error:
                WriteWarning(syncEvent.Message);
                break;
        }
    }

    /// <summary>Throws when called off the pipeline thread, where PowerShell forbids Write* calls (a bug, never a user error).</summary>
    private protected void CheckPipelineThread()
    {
        var expected = Volatile.Read(ref _pipelineThread);
        if (expected != 0 && expected != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException($"{MyInvocation.MyCommand?.Name} wrote output off its pipeline thread (thread {Environment.CurrentManagedThreadId}, pipeline thread {expected}); this is a MuseumSync bug, please report it.");
        }
    }

    /// <summary>Starts writing <paramref name="metrics"/> to <paramref name="path"/> every <paramref name="intervalSec"/> seconds; a path that cannot work is a terminating SyncMetricsPathInvalid error.</summary>
    private protected void StartMetrics(string path, int intervalSec, Func<IEnumerable<SyncMetrics>> metrics, Action? onInvalid = null)
    {
        try
        {
            _metricsFile = new MetricsFileWriter(path, metrics, TimeSpan.FromSeconds(intervalSec));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            onInvalid?.Invoke();
            ThrowTerminatingError(new ErrorRecord(ex, "SyncMetricsPathInvalid", ErrorCategory.InvalidArgument, path));
        }
    }

    /// <summary>Writes the metrics file a last time and closes it; a failure is a warning, never a failed sync.</summary>
    private protected void StopMetrics(string done)
    {
        if (_metricsFile is null) return;
        var file = _metricsFile;
        _metricsFile = null;
        try
        {
            file.DisposeAsync().AsTask().GetAwaiter().GetResult();
            WriteVerbose($"metrics={file.FilePath} writes={file.Writes}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteWarning($"Could not write the metrics file '{file.FilePath}': {ex.Message} {done}");
        }
    }

    /// <summary>Cancels every I/O call in flight; derived cmdlets add what else must stop.</summary>
    protected override void StopProcessing() => _cts.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the cancellation source and a metrics file still open (its failure is dropped: a metrics file never fails a sync).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        if (_metricsFile is not null)
        {
            try
            {
                _metricsFile.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A metrics failure never fails a sync.
            }
            _metricsFile = null;
        }
        _cts.Dispose();
    }
}
