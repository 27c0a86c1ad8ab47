using System.Management.Automation;
using MuseumSync.Compliance;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Run;
using MuseumSync.Storage;
using MuseumSync.Sync;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Syncs every source a config file names, in one call: the scheduled-task path (help: docs/Invoke-MuseumSync.md).</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MuseumSync", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SyncSummary))]
public sealed class InvokeMuseumSyncCommand : AsyncCmdlet
{
    /// <summary>The config file (.psd1): Store, Sources, optional Defaults, MetricsPath and MetricsIntervalSec.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "Path")]
    [ValidateNotNullOrEmpty]
    public string ConfigPath { get; set; } = null!;

    /// <summary>Sync only these sources of the file (by Name); the default is every enabled source.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ConfigSourceCompleter))]
    public string[]? Source { get; set; }

    /// <summary>Write Prometheus metrics to this file (overrides the file's MetricsPath), atomically, at the end and every -MetricsIntervalSec.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    /// <summary>Seconds between metrics file writes during the run (0: only at the end). The default is the file's MetricsIntervalSec, else 15.</summary>
    [Parameter]
    [ValidateRange(0, 86_400)]
    public int MetricsIntervalSec { get; set; } = 15;

    /// <summary>Write every invalid record as a non-terminating MuseumRecordInvalid error (after its batch is committed) instead of warnings, for every source (a source's EnableException key does it for that source): under -ErrorAction Stop the first one stops the run, with that batch committed.</summary>
    [Parameter]
    public SwitchParameter EnableException { get; set; }

    /// <summary>Delete every record the sources report deleted, however large a share of their rows that is, for every source (a source's ForceDeletes key does it for that source; MaxDeletePercent sets the share, 10 by default).</summary>
    [Parameter]
    public SwitchParameter ForceDeletes { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = CmdletPaths.Resolve(this, ConfigPath);
        SyncConfig config;
        try
        {
            config = SyncConfig.Load(path);
        }
        catch (SyncConfigException ex)
        {
            SetExitCode(1);
            ThrowTerminatingError(new ErrorRecord(ex, "SyncConfigInvalid", ErrorCategory.InvalidData, path));
            return;
        }
        var selected = Select(config);
        var runs = new List<SyncRun>();
        var metricsPath = MetricsPath is not null ? CmdletPaths.Resolve(this, MetricsPath) : config.MetricsPath;
        var interval = MyInvocation.BoundParameters.ContainsKey(nameof(MetricsIntervalSec)) ? MetricsIntervalSec : config.MetricsIntervalSec ?? MetricsIntervalSec;
        if (metricsPath is not null)
        {
            StartMetrics(metricsPath, interval, () =>
            {
                lock (runs) return runs.Select(r => r.Writer).OfType<SyncWriter>().SelectMany(w => w.Metrics).ToArray();
            }, () => SetExitCode(1));
        }

        var where = config.Store.Describe();
        var summaries = new List<SyncSummary>();
        ISyncStore? store = null;
        try
        {
            foreach (var source in selected)
            {
                if (!ShouldProcess(where, $"Sync source '{source.Name}'"))
                {
                    WriteObject(new SyncSummary { Source = source.Name, Status = "WhatIf", Database = where, Provider = config.Store.Provider.ToString() });
                    continue;
                }
                if (store is null)
                {
                    try
                    {
                        store = AsyncPump.Run(() => SyncStoreFactory.OpenAndInitializeAsync(config.Store, CancelToken));
                    }
                    catch (OperationCanceledException) when (IsStopping)
                    {
                        throw new PipelineStoppedException();
                    }
                    catch (SyncStoreException ex)
                    {
                        // Nothing can run without the store: one error says so, and the exit code is 1.
                        SetExitCode(1);
                        ThrowTerminatingError(ErrorRecords.FromStore(ex, where));
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        SetExitCode(1);
                        ThrowTerminatingError(ErrorRecords.FromStore(ErrorRecords.StoreFileError(ex, where), where));
                    }
                }
                var summary = RunSource(source, store!, config.Store, runs);
                summaries.Add(summary);
                WriteObject(summary);
            }
        }
        finally
        {
            StopMetrics("The sync itself is done.");
            store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var failed = summaries.Where(s => s.Status == "Failed").ToList();
        // Set first: under -ErrorAction Stop the first error below ends the command.
        SetExitCode(failed.Count > 0 ? 1 : 0);
        foreach (var f in failed)
        {
            WriteError(new ErrorRecord(new InvalidOperationException($"Source '{f.Source}' failed: {f.Error}"), "SyncSourceFailed", ErrorCategory.NotSpecified, f.Source));
        }
    }

    private List<SyncConfigSource> Select(SyncConfig config)
    {
        if (Source is null) return config.Sources.ToList();
        var unknown = Source.Where(n => !config.Sources.Any(s => string.Equals(s.Name, n, StringComparison.Ordinal))).ToList();
        if (unknown.Count > 0)
        {
            SetExitCode(1);
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"{string.Join(", ", unknown.Select(u => "'" + u + "'"))} {(unknown.Count == 1 ? "is" : "are")} not an enabled source of {Path.GetFileName(config.FilePath)}; its sources are {string.Join(", ", config.Sources.Select(s => s.Name))}."),
                "SyncSourceUnknown", ErrorCategory.ObjectNotFound, unknown[0]));
        }
        return config.Sources.Where(s => Source.Contains(s.Name, StringComparer.Ordinal)).ToList();
    }

    /// <summary>Runs one source through the core (<see cref="SyncRun"/>); every failure becomes the summary's Error.</summary>
    private SyncSummary RunSource(SyncConfigSource source, ISyncStore store, StoreOptions storeOptions, List<SyncRun> runs)
    {
        var settings = source.Settings;
        // -EnableException sets the source's EnableException key for every source.
        if (EnableException) settings.EnableException = true;
        // -ForceDeletes likewise sets every source's ForceDeletes key.
        if (ForceDeletes) settings.ForceDeletes = true;
        var enableException = settings.EnableException;
        var pump = NewPump(capacity: 1024);
        var progress = new ProgressReporter(this, activityId: 3, "Invoke-MuseumSync");
        var run = new SyncRun(settings, store, storeOptions, pump.Events)
        {
            Heartbeat = ct => pump.Writer.WriteAsync(ProgressTick.Instance, ct),
        };
        lock (runs) runs.Add(run);
        SyncSummary? summary = null;
        try
        {
            pump.Run(
                async ct =>
                {
                    summary = await run.RunAsync(ComplianceRuleFile.Load, ct).ConfigureAwait(false);
                },
                message =>
                {
                    if (message is ProgressTick && run.Writer is { } w) progress.Tick(w);
                },
                e => Write(e, enableException),
                CancelToken);
            if (IsStopping) throw new PipelineStoppedException();
            progress.Complete();
            return summary!;
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            throw new PipelineStoppedException();
        }
        catch (SyncSourceBusyException busy)
        {
            WriteWarning(busy.Message);
            return run.Summarize("Busy", busy.Message);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not OutOfMemoryException)
        {
            progress.Complete();
            var reason = ex is SyncConfigException or ArgumentException or ComplianceRulesException or MuseumPollException
                ? ex.Message
                : $"{ex.Message} Nothing after the last committed batch was written; the next run resumes from the checkpoint.";
            return run.Summarize("Failed", reason);
        }
        finally
        {
            run.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Writes one core event; with <paramref name="errors"/>, committed dead letters as MuseumRecordInvalid errors.</summary>
    private void Write(SyncEvent e, bool errors)
    {
        if (e.Id == SyncEventIds.RecordDeadLettered && errors && e.Record is { } record)
        {
            try
            {
                WriteError(ErrorRecords.InvalidRecord(e.Message, record));
            }
            catch
            {
                // -EnableException under Stop: this error ends the run (its batch is committed), and the exit code says so.
                SetExitCode(1);
                throw;
            }
            return;
        }
        WriteEvent(e);
    }

    /// <summary>Sets $LASTEXITCODE, which a script run with pwsh -File passes on with 'exit $LASTEXITCODE' (pwsh -Command exits 1 anyway: the failed sources' errors make its last statement fail).</summary>
    private void SetExitCode(int code) => SessionState.PSVariable.Set("global:LASTEXITCODE", code);

}
