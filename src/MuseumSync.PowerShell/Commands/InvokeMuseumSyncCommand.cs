using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using MuseumSync.Compliance;
using MuseumSync.Http;
using MuseumSync.Metrics;
using MuseumSync.Polling;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Profiles;
using MuseumSync.Storage;
using MuseumSync.Sync;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Syncs every source a config file names, in one call: the scheduled-task path.</para>
/// <para type="description">Reads a .psd1 config (store, sources, defaults, metrics) as data, checks every key, then syncs each source in turn through the same core as Invoke-MuseumPoll | Sync-MuseumRecord, without a PowerShell pipeline in between. Writes one MuseumSync.SyncSummary per source. A failed source does not stop the others; when any failed, an error is written per failed source and $LASTEXITCODE is 1, so pwsh -Command and scheduled tasks exit non-zero.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "MuseumSync", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SyncSummary))]
public sealed class InvokeMuseumSyncCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cts = new();

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
        var writers = new List<SyncWriter>();
        var metricsPath = MetricsPath is not null ? CmdletPaths.Resolve(this, MetricsPath) : config.MetricsPath;
        var interval = MyInvocation.BoundParameters.ContainsKey(nameof(MetricsIntervalSec)) ? MetricsIntervalSec : config.MetricsIntervalSec ?? MetricsIntervalSec;
        MetricsFileWriter? metrics = null;
        if (metricsPath is not null)
        {
            try
            {
                metrics = new MetricsFileWriter(metricsPath, () => writers.ToArray().SelectMany(w => w.Metrics), TimeSpan.FromSeconds(interval));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                SetExitCode(1);
                ThrowTerminatingError(new ErrorRecord(ex, "SyncMetricsPathInvalid", ErrorCategory.InvalidArgument, metricsPath));
            }
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
                        store = AsyncPump.Run(() => SyncStoreFactory.OpenAndInitializeAsync(config.Store, _cts.Token));
                    }
                    catch (OperationCanceledException) when (_cts.IsCancellationRequested)
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
                var summary = RunSource(source, store!, config.Store, writers);
                summaries.Add(summary);
                WriteObject(summary);
            }
        }
        finally
        {
            if (metrics is not null) StopMetrics(metrics);
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

    /// <summary>Polls one source into the store through the shared core (MuseumPoller → SyncWriter); every failure becomes the summary's Error.</summary>
    private SyncSummary RunSource(SyncConfigSource source, ISyncStore store, StoreOptions storeOptions, List<SyncWriter> writers)
    {
        var clock = Stopwatch.StartNew();
        var where = storeOptions.Describe();
        var verbose = Preferences.IsVerbose(this);
        var pump = new AsyncPump(capacity: 1024);
        Action<string>? log = verbose ? m => pump.Post(new VerboseMessage(m), _cts.Token) : null;
        Action<string> warnOrLog = m =>
        {
            if (m.StartsWith("circuit opened", StringComparison.Ordinal)) pump.Post(new WarningMessage(m), _cts.Token);
            else log?.Invoke(m);
        };
        var progress = new ProgressReporter(this, activityId: 3, "Invoke-MuseumSync");
        SyncWriter? writer = null;
        try
        {
            var poll = source.Poll;
            var profile = poll.Profile is null ? SourceProfiles.Generic : SourceProfiles.Get(poll.Profile);
            var map = FieldMapParameter.Apply(profile.FieldMap, poll.FieldMap);
            var (start, watermark) = poll.NoResume ? (null, null) : ReadCheckpoint(store, source.Name);
            Func<CancellationToken, IAsyncEnumerable<MuseumRecord>> produce;
            PollStatistics? statistics = null;
            if (poll.Path is not null)
            {
                var dump = poll.BuildDump(poll.Path, map, start, source.PollBound.Contains);
                produce = ct => DumpReader.ReadAsync(dump, TimeProvider.System, log, ct);
            }
            else
            {
                var request = poll.BuildRequest(profile, map, start, watermark, warnOrLog, source.PollBound.Contains, m => WriteVerbose($"{source.Name}: {m}"));
                request.Validate();
                var poller = new MuseumPoller(MuseumHttp.ForConcurrency(request.ThrottleLimit), TimeProvider.System, warnOrLog);
                statistics = poller.Statistics;
                produce = ct => poller.PollAsync(request, ct);
            }
            var sync = source.Sync;
            var enableException = EnableException || sync.EnableException;
            var compliance = sync.SkipCompliance
                ? null
                : new ComplianceEngine(sync.ComplianceRules is null ? ComplianceRuleSet.Default : ComplianceRuleFile.Load(sync.ComplianceRules), TimeProvider.System);
            SyncPartition? partition = sync.Partition is null ? null : SyncPartition.Parse(sync.Partition, CultureInfo.InvariantCulture);
            writer = new SyncWriter(store, new SyncWriterOptions
            {
                BatchSize = sync.BatchSize,
                MaxBatchBytes = sync.MaxBatchBytes,
                Source = source.Name,
                Partition = partition,
                LeaseDuration = TimeSpan.FromSeconds(sync.LeaseTimeoutSec),
                Compliance = compliance,
                StoreDescription = where,
                CompactRecords = store is MuseumSync.Storage.Sqlite.SqliteSyncStore,
                MaxInvalidNotices = enableException ? int.MaxValue : sync.MaxInvalidWarnings,
                MaxDeletePercent = sync.MaxDeletePercent,
                ForceDeletes = ForceDeletes || sync.ForceDeletes,
            });
            lock (writers) writers.Add(writer);
            if (statistics is not null) writer.MetricsFor(source.Name).Attach(statistics);
            var w = writer;
            pump.Run(
                async ct =>
                {
                    await w.EnsureLeaseAsync(source.Name, ct).ConfigureAwait(false);
                    var next = Environment.TickCount64;
                    try
                    {
                        await foreach (var record in produce(ct).ConfigureAwait(false))
                        {
                            await w.AddAsync(record, null, ct).ConfigureAwait(false);
                            if (w.HasMessages || Environment.TickCount64 >= next)
                            {
                                next = Environment.TickCount64 + 250;
                                await Forward(w, enableException, pump, ct).ConfigureAwait(false);
                            }
                        }
                    }
                    catch (MuseumPollException upstream) when (!ct.IsCancellationRequested)
                    {
                        // The source failed: the complete pages received before it are committed with their checkpoint.
                        await w.CompleteAsync(ct).ConfigureAwait(false);
                        await Forward(w, enableException, pump, ct).ConfigureAwait(false);
                        throw RunProgress.WithProgress(upstream, RunProgress.Describe(w));
                    }
                    await w.CompleteAsync(ct).ConfigureAwait(false);
                    await Forward(w, enableException, pump, ct).ConfigureAwait(false);
                },
                message => Write(message, w, progress),
                _cts.Token);
            if (_cts.IsCancellationRequested) throw new PipelineStoppedException();
            progress.Complete();
            if (statistics?.Incomplete is { } incomplete && !w.OnlySkipped)
            {
                WriteWarning(incomplete);
                return w.Summarize("Incomplete", clock.Elapsed, storeOptions.Provider.ToString(), incomplete);
            }
            return w.Summarize(w.OnlySkipped ? "WhatIf" : "Completed", clock.Elapsed, storeOptions.Provider.ToString());
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (SyncSourceBusyException busy)
        {
            WriteWarning(busy.Message);
            return Summarize(writer, source.Name, "Busy", clock.Elapsed, storeOptions, busy.Message);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not OutOfMemoryException)
        {
            progress.Complete();
            var reason = ex is SyncConfigException or ArgumentException or ComplianceRulesException or MuseumPollException
                ? ex.Message
                : $"{ex.Message} Nothing after the last committed batch was written; the next run resumes from the checkpoint.";
            return Summarize(writer, source.Name, "Failed", clock.Elapsed, storeOptions, reason);
        }
        finally
        {
            writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static SyncSummary Summarize(SyncWriter? writer, string source, string status, TimeSpan elapsed, StoreOptions store, string error) =>
        writer?.Summarize(status, elapsed, store.Provider.ToString(), error)
        ?? new SyncSummary { Source = source, Status = status, Error = error, Duration = elapsed, Database = store.Describe(), Provider = store.Provider.ToString() };

    /// <summary>Hands the writer's queued lines (and a progress tick) to the pipeline thread; with <paramref name="errors"/>, committed dead letters as errors.</summary>
    private static async ValueTask Forward(SyncWriter writer, bool errors, AsyncPump pump, CancellationToken ct)
    {
        while (writer.TryTakeMessage(out var m))
        {
            PipelineMessage message = m.DeadLettered is { } record && errors ? new InvalidRecordMessage(m.Text, record)
                : m.IsWarning ? new WarningMessage(m.Text)
                : new VerboseMessage(m.Text);
            await pump.Writer.WriteAsync(message, ct).ConfigureAwait(false);
        }
        await pump.Writer.WriteAsync(ProgressTick.Instance, ct).ConfigureAwait(false);
    }

    private void Write(PipelineMessage message, SyncWriter writer, ProgressReporter progress)
    {
        switch (message)
        {
            case VerboseMessage v:
                WriteVerbose(v.Text);
                break;
            case WarningMessage w:
                WriteWarning(w.Text);
                break;
            case InvalidRecordMessage i:
                try
                {
                    WriteError(ErrorRecords.InvalidRecord(i.Text, i.Record));
                }
                catch
                {
                    // -EnableException under Stop: this error ends the run (its batch is committed), and the exit code says so.
                    SetExitCode(1);
                    throw;
                }
                break;
            case ProgressTick:
                progress.Tick(writer);
                break;
        }
    }

    private (string? Cursor, string? Watermark) ReadCheckpoint(ISyncStore store, string source)
    {
        var list = AsyncPump.Run(() => store.GetCheckpointsAsync(source, _cts.Token));
        var checkpoint = list.Count > 0 ? list[0] : null;
        WriteVerbose(checkpoint is null
            ? $"{source}: no checkpoint; starting from the first page."
            : $"{source}: resuming from checkpoint {(checkpoint.Cursor is null ? "(start)" : $"'{UrlMasker.MaskPosition(checkpoint.Cursor)}'")} of {checkpoint.LastSyncTime:u}{(checkpoint.Watermark is null ? string.Empty : $", watermark {checkpoint.Watermark}")}.");
        return (checkpoint?.Cursor, checkpoint?.Watermark);
    }

    private void StopMetrics(MetricsFileWriter metrics)
    {
        try
        {
            metrics.DisposeAsync().AsTask().GetAwaiter().GetResult();
            WriteVerbose($"metrics={metrics.FilePath} writes={metrics.Writes}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteWarning($"Could not write the metrics file '{metrics.FilePath}': {ex.Message} The sync itself is done.");
        }
    }

    /// <summary>Sets $LASTEXITCODE, which a script run with pwsh -File passes on with 'exit $LASTEXITCODE' (pwsh -Command exits 1 anyway: the failed sources' errors make its last statement fail).</summary>
    private void SetExitCode(int code) => SessionState.PSVariable.Set("global:LASTEXITCODE", code);

    /// <inheritdoc />
    protected override void StopProcessing() => _cts.Cancel();

    /// <inheritdoc />
    public void Dispose() => _cts.Dispose();
}
