using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using MuseumSync.Compliance;
using MuseumSync.Run;
using MuseumSync.PowerShell.Completion;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Storage;
using MuseumSync.Sync;

namespace MuseumSync.PowerShell.Commands;

/// <summary>Writes museum records to the database in batches, each batch with its checkpoint in one transaction (help: docs/Sync-MuseumRecord.md).</summary>
[Cmdlet(VerbsData.Sync, "MuseumRecord", DefaultParameterSetName = DatabaseSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SyncSummary))]
public sealed class SyncMuseumRecordCommand : SyncStoreCommand
{
    private readonly Stopwatch _clock = new();
    private readonly HashSet<string> _leased = new(StringComparer.Ordinal);
    private SyncWriter _writer = null!;
    private DeadLetterReplay? _replay;
    private QueuedEventSink _events = null!;
    private ProgressReporter? _progress;
    private bool _whatIf;
    private long _batchesAsked;
    private PollFeed? _feed;
    private bool _commitUnasked;
    private bool _upstreamFailed;

    /// <summary>The record to store (a MuseumSync.MuseumRecord from Invoke-MuseumPoll), or a MuseumSync.DeadLetter (from Get-SyncDeadLetter) to validate and commit again.</summary>
    // No [ValidateNotNull]: Mandatory already refuses null, and the attribute costs an allocating type inspection per
    // pipeline record.
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object InputObject { get; set; } = null!;

    /// <summary>Store records under this source name (default: each record's own Source). Given, the source is leased before anything is fetched.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SourceCompleter))]
    public string? Source { get; set; }

    /// <summary>Records per transaction.</summary>
    [Parameter]
    [ValidateRange(SyncSettings.BatchSizeMin, SyncSettings.BatchSizeMax)]
    public int BatchSize { get; set; }

    /// <summary>The payload bytes one transaction may collect; a batch of large records is committed before BatchSize records. The default is 64 MiB.</summary>
    [Parameter]
    [ValidateRange(SyncSettings.MaxBatchBytesMin, SyncSettings.MaxBatchBytesMax)]
    public long MaxBatchBytes { get; set; }

    /// <summary>The profile whose field map re-validates piped dead letters (Met, ArtInstituteOfChicago, …); the default is Generic.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    public string? Profile { get; set; }

    /// <summary>Seconds the lease lasts without a renewal (renewed by every batch and every third of this while idle); a dead worker's lease frees itself after this.</summary>
    [Parameter]
    [ValidateRange(SyncSettings.LeaseTimeoutSecMin, SyncSettings.LeaseTimeoutSecMax)]
    public int LeaseTimeoutSec { get; set; }

    /// <summary>A compliance rule file (.psd1, see the README, "Compliance routing") whose rules decide each record's assigned access tier before the built-in rules; without it the built-in rules decide. Records the rules cannot classify are dead-lettered.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ComplianceRules { get; set; }

    /// <summary>Store records without applying the compliance rules: access_tier_assigned and tier_rule stay NULL and no record is dead-lettered for its rights.</summary>
    [Parameter]
    public SwitchParameter SkipCompliance { get; set; }

    /// <summary>Write Prometheus metrics (text exposition format) to this file, atomically, at the end of the run and every -MetricsIntervalSec during it: for the node_exporter / windows_exporter textfile collector. The HTTP figures come from the Invoke-MuseumPoll feeding this run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    /// <summary>Seconds between metrics file writes during the run (0: only at the end).</summary>
    [Parameter]
    [ValidateRange(0, 86_400)]
    public int MetricsIntervalSec { get; set; } = 15;

    /// <summary>Invalid records listed one by one per run, as warnings written after their batch is committed; the rest are counted in one closing warning. 0 writes only that warning.</summary>
    [Parameter]
    [ValidateRange(SyncSettings.MaxInvalidWarningsMin, SyncSettings.MaxInvalidWarningsMax)]
    public int MaxInvalidWarnings { get; set; }

    /// <summary>Write every invalid record as a non-terminating MuseumRecordInvalid error (after its batch is committed) instead of the warnings: under -ErrorAction Stop the first one stops the run, with that batch committed.</summary>
    [Parameter]
    public SwitchParameter EnableException { get; set; }

    /// <summary>The share of the source's rows (percent) one run may delete; the run stops with a SyncDeleteThreshold error before the batch that would delete more. The default is 10.</summary>
    [Parameter]
    [ValidateRange(SyncSettings.MaxDeletePercentMin, SyncSettings.MaxDeletePercentMax)]
    public double MaxDeletePercent { get; set; }

    /// <summary>Delete every record the source reports deleted, however large a share of the rows that is (-MaxDeletePercent does not apply).</summary>
    [Parameter]
    public SwitchParameter ForceDeletes { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var options = StoreOptions; // a terminating error now when the store parameters cannot work
        try
        {
            _replay = new DeadLetterReplay(Profile is null ? null : Profiles.SourceProfiles.Get(Profile).FieldMap);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "SyncProfileUnknown", ErrorCategory.InvalidArgument, Profile));
        }
        // The same settings and writer options as Invoke-MuseumSync: the parameters map once (SettingKeys), the core decides the rest.
        var settings = new SyncSettings { Source = Source ?? string.Empty };
        SettingKeys.ApplyBound(settings, MyInvocation.BoundParameters);
        if (ComplianceRules is not null) settings.ComplianceRules = CmdletPaths.Resolve(this, ComplianceRules);
        _whatIf = IsWhatIf();
        _events = NewEvents();
        SyncWriterOptions writerOptions = null!;
        try
        {
            writerOptions = SyncRun.WriterOptions(settings, StoreDescription, _events, ComplianceRuleFile.Load,
                useLeases: !_whatIf, shouldCommit: AskCommit, perRecordSource: Source is null);
        }
        catch (ComplianceRulesException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, ComplianceRules));
        }
        _writer = new SyncWriter(ct => SyncStoreFactory.OpenAndInitializeAsync(options, ct), writerOptions);
        if (MetricsPath is not null) StartMetrics(CmdletPaths.Resolve(this, MetricsPath), MetricsIntervalSec, () => _writer.Metrics);
        _progress = new ProgressReporter(this, activityId: 2, "Sync-MuseumRecord");
        _clock.Start();
        // PowerShell runs every BeginProcessing before the first ProcessRecord: leasing here means a busy source stops the
        // pipeline before Invoke-MuseumPoll has fetched a single page.
        if (!_whatIf && Source is not null) Lease(Source);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        MuseumRecord record;
        DeadLetter? replay = null;
        switch (InputObject is PSObject ps ? ps.BaseObject : InputObject)
        {
            case PolledRecords polled:
                // A chunk of the Invoke-MuseumPoll that writes to this command directly: each record as if piped alone.
                if (!ReferenceEquals(polled.Feed, _feed)) Subscribe(polled.Feed, Source ?? polled.Records[0].Source);
                foreach (var r in polled.Records)
                {
                    if (Stopping) throw new PipelineStoppedException();
                    Add(r, null);
                }
                return;
            case MuseumRecord r:
                record = r;
                if (PollFeed.Of(r) is { } feed && !ReferenceEquals(feed, _feed)) Subscribe(feed, Source ?? r.Source);
                break;
            case DeadLetter d:
                record = _replay!.Revalidate(d);
                replay = d;
                break;
            default:
                WriteError(new ErrorRecord(
                    new ArgumentException($"Sync-MuseumRecord takes MuseumSync.MuseumRecord objects (from Invoke-MuseumPoll) or MuseumSync.DeadLetter objects (from Get-SyncDeadLetter), not {InputObject.GetType().FullName}."),
                    "SyncMuseumRecordInvalidInput", ErrorCategory.InvalidType, InputObject));
                return;
        }
        Add(record, replay);
    }

    /// <summary>Hands one record (or a dead letter's revalidated record) to the writer; on the pipeline thread.</summary>
    private void Add(MuseumRecord record, DeadLetter? replay)
    {
        if (!_whatIf) Lease(Source ?? record.Source);
        var add = _writer.AddAsync(record, replay, CancelToken);
        if (!add.IsCompletedSuccessfully) Wait(add.AsTask());
        if (_events.HasPending) DrainMessages();
        _progress!.Tick(_writer);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Wait(_writer.CompleteAsync(CancelToken));
        _clock.Stop();
        DrainMessages();
        _progress?.Complete();
        StopMetrics("The sync itself is complete.");
        WriteObject(_writer.Summarize(_writer.OnlySkipped ? "WhatIf" : "Completed", _clock.Elapsed, StoreOptions.Provider.ToString()));
    }

    /// <summary>
    /// Meets the Invoke-MuseumPoll feeding this run through the feed its records carry: its wire statistics join this
    /// run's metrics, and, when it fails, this run commits what was received before the failure.
    /// </summary>
    private void Subscribe(PollFeed feed, string source)
    {
        _feed = feed;
        if (feed.Statistics is { } poll && string.Equals(poll.Source, source, StringComparison.Ordinal)) _writer.MetricsFor(source).Attach(poll);
        // Asked later, inside the poll's turn, where PowerShell lets this cmdlet neither write nor ask: so decided now.
        _commitUnasked = !_whatIf && !(MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) && c is SwitchParameter { IsPresent: true })
            && !(GetVariableValue("ConfirmPreference") is ConfirmImpact preference && preference <= ConfirmImpact.Medium);
        feed.Subscribe(CommitReceived);
    }

    private string CommitReceived()
    {
        if (!_commitUnasked) return "Nothing was committed (-WhatIf or -Confirm asks before each batch); the next run starts where this one did.";
        _upstreamFailed = true;
        try
        {
            _writer.CompleteAsync(CancelToken).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is MuseumSyncException or OperationCanceledException or ArgumentException or InvalidOperationException)
        {
            return $"The pages received before it could not be committed ({ex.Message}). {RunProgress.Describe(_writer)}";
        }
        return RunProgress.Describe(_writer);
    }

    private bool AskCommit(SyncBatch batch)
    {
        if (_upstreamFailed) return true; // decided in Subscribe

        var action = string.Create(CultureInfo.InvariantCulture,
            $"Commit batch {++_batchesAsked} of source '{batch.Source}': {batch.Records.Count} records, {batch.Deletions.Count} deletions, {batch.DeadLetters.Count} dead letters{(batch.AdvanceCheckpoint ? $", checkpoint -> {batch.CheckpointPosition ?? "(start)"}" : string.Empty)}");
        return ShouldProcess(StoreDescription, action);
    }

    /// <summary>Takes the source's lease on the pipeline thread (once per source), so every later call of the writer runs without waiting for it.</summary>
    private void Lease(string source)
    {
        if (!_leased.Add(source)) return;
        try
        {
            Wait(_writer.EnsureLeaseAsync(source, CancelToken).AsTask());
        }
        finally
        {
            DrainMessages();
        }
    }

    /// <summary>Waits for the writer on the pipeline thread; its errors become this cmdlet's terminating errors.</summary>
    private void Wait(Task task)
    {
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (IsStopping)
        {
            throw new PipelineStoppedException();
        }
        catch (SyncSourceBusyException busy)
        {
            // Said as a warning too: -ErrorAction SilentlyContinue also silences a cmdlet's terminating error, and a busy
            // source must always be said plainly.
            DrainMessages(failing: true);
            WriteWarning(busy.Message);
            ThrowTerminatingError(ErrorRecords.FromStore(busy, StoreDescription));
        }
        catch (Exception ex) when (ex is SyncStoreException or SyncLeaseLostException or SyncDeleteThresholdException or ArgumentException)
        {
            DrainMessages(failing: true);
            ThrowTerminatingError(ErrorRecords.FromStore(ex, StoreDescription));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DrainMessages(failing: true);
            ThrowTerminatingError(ErrorRecords.FromStore(ErrorRecords.StoreFileError(ex, StoreDescription), StoreDescription));
        }
    }

    /// <summary>
    /// Writes the writer's queued lines: verbose lines, warnings, and the dead letters of committed batches (warnings,
    /// or with -EnableException non-terminating errors). While the run is failing, dead letters stay warnings, so that
    /// the error that stops the run is the one written.
    /// </summary>
    private void DrainMessages(bool failing = false)
    {
        while (_events.TryTake(out var e))
        {
            if (e.Id == SyncEventIds.RecordDeadLettered && e.Record is { } record && EnableException && !failing) WriteError(ErrorRecords.InvalidRecord(e.Message, record));
            else WriteEvent(e);
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing()
    {
        base.StopProcessing();
        _writer?.Cancel();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
