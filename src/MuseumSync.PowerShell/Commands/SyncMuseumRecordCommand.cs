using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using MuseumSync.Compliance;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Storage;
using MuseumSync.Storage.Leases;
using MuseumSync.Sync;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes museum records to the database in batches, each batch with its checkpoint in one transaction.</para>
/// <para type="description">Valid records are upserted by (source, ObjectId): the last version wins and unchanged records are not rewritten. Records the source reports deleted are deleted. Invalid records go to the dead-letter table with their payload and reasons. The checkpoint moves only to the end of a page whose every record is committed, in the same transaction as the batch. The source (or -Partition of it) is leased in the database for the run, so scheduled tasks on several servers never sync it twice at once: a second worker stops at once with a SyncSourceBusy error naming the holder. Dead letters piped in (from Get-SyncDeadLetter) are validated again: the ones that pass are committed and leave the dead-letter table in the same transaction.</para>
/// <example><code>Invoke-MuseumPoll -Uri $uri -Source met -Database ./museum.db | Sync-MuseumRecord -Source met -Database ./museum.db</code></example>
/// <example><code>Invoke-MuseumPoll -Uri $uri -Source met | Sync-MuseumRecord -Source met -ConnectionString 'Server=sql01;Database=Mirror;Integrated Security=true;Encrypt=true'</code></example>
/// <example><code>Get-SyncDeadLetter -Source met -Database ./museum.db | Sync-MuseumRecord -Database ./museum.db</code></example>
/// </summary>
[Cmdlet(VerbsData.Sync, "MuseumRecord", DefaultParameterSetName = DatabaseSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SyncSummary))]
public sealed class SyncMuseumRecordCommand : SyncStoreCommand, IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Stopwatch _clock = new();
    private readonly Dictionary<string, LeaseKeeper> _leases = new(StringComparer.Ordinal);
    private readonly LeaseIdentity _identity = LeaseIdentity.Create();
    private BatchBuilder _builder = null!;
    private DeadLetterReplay? _replay;
    private ComplianceEngine? _compliance;
    private ISyncStore? _store;
    private bool _whatIf;
    private string? _endpoint;
    private string? _lastSource;
    private long _received, _inserted, _updated, _unchanged, _deleted, _dead, _deadSeen, _resolved, _batches, _skippedBatches;
    private string? _checkpoint;
    private bool _checkpointMoved;

    /// <summary>The record to store (a MuseumSync.MuseumRecord from Invoke-MuseumPoll), or a MuseumSync.DeadLetter (from Get-SyncDeadLetter) to validate and commit again.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object InputObject { get; set; } = null!;

    /// <summary>Store records under this source name (default: each record's own Source). Given, the source is leased before anything is fetched.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Source { get; set; }

    /// <summary>Records per transaction.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>The partition of an ID fan-out this worker syncs, as N/M (for example 2/8): the lease is on that partition only.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Partition { get; set; }

    /// <summary>The profile whose field map re-validates piped dead letters (Met, ArtInstituteOfChicago, …); the default is Generic.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Profile { get; set; }

    /// <summary>Seconds the lease lasts without a renewal (renewed by every batch and every third of this while idle); a dead worker's lease frees itself after this.</summary>
    [Parameter]
    [ValidateRange(5, 86_400)]
    public int LeaseTimeoutSec { get; set; } = 120;

    /// <summary>A compliance rule file (.psd1, see the README, "Compliance routing") whose rules decide each record's assigned access tier before the built-in rules; without it the built-in rules decide. Records the rules cannot classify are dead-lettered.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ComplianceRules { get; set; }

    /// <summary>Store records without applying the compliance rules: access_tier_assigned and tier_rule stay NULL and no record is dead-lettered for its rights.</summary>
    [Parameter]
    public SwitchParameter SkipCompliance { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _ = StoreOptions; // a terminating error now when the store parameters cannot work
        if (Partition is not null && !SyncPartition.TryParse(Partition, CultureInfo.InvariantCulture, out _))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Partition '{Partition}' is not a partition: write N/M with 1 <= N <= M, for example 2/8."), "SyncPartitionInvalid", ErrorCategory.InvalidArgument, Partition));
        }
        _builder = new BatchBuilder(BatchSize, Source);
        try
        {
            _replay = new DeadLetterReplay(Profile is null ? null : Profiles.SourceProfiles.Get(Profile).FieldMap);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "SyncProfileUnknown", ErrorCategory.InvalidArgument, Profile));
        }
        try
        {
            _compliance = SkipCompliance
                ? null
                : new ComplianceEngine(ComplianceRules is null ? ComplianceRuleSet.Default : ComplianceRuleFile.Load(CmdletPaths.Resolve(this, ComplianceRules)), TimeProvider.System);
        }
        catch (ComplianceRulesException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, ComplianceRules));
        }
        _whatIf = IsWhatIf();
        _clock.Start();
        // PowerShell runs every BeginProcessing before the first ProcessRecord: leasing here means a busy source stops the
        // pipeline before Invoke-MuseumPoll has fetched a single page.
        if (!_whatIf && Source is not null) EnsureLease(Source);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        MuseumRecord record;
        DeadLetter? replay = null;
        switch (InputObject is PSObject ps ? ps.BaseObject : InputObject)
        {
            case MuseumRecord r:
                record = r;
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
        record = _compliance?.Apply(record, out _) ?? record;
        _received++;
        if (_builder.NeedsFlushBefore(record)) Flush();
        ThrowIfLeaseLost();
        if (!_whatIf) EnsureLease(Source ?? record.Source);
        _endpoint ??= Endpoint(record.SourceUrl);
        _lastSource = Source ?? record.Source;
        if (!record.IsValid && !BatchBuilder.IsDeletion(record)) WriteDeadLetterError(record, replay is not null);
        if (replay is null ? _builder.Add(record) : _builder.AddReplay(record, replay)) Flush();
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        Flush();
        _clock.Stop();
        WriteObject(new SyncSummary
        {
            Source = _lastSource ?? Source,
            Status = _skippedBatches > 0 && _batches == 0 ? "WhatIf" : "Completed",
            Received = _received,
            Inserted = _inserted,
            Updated = _updated,
            Unchanged = _unchanged,
            Deleted = _deleted,
            DeadLettered = _dead,
            DeadLettersSeenBefore = _deadSeen,
            DeadLettersResolved = _resolved,
            Batches = _batches,
            Checkpoint = _checkpointMoved ? _checkpoint : null,
            Duration = _clock.Elapsed,
            RecordsPerSecond = _clock.Elapsed.TotalSeconds > 0 ? Math.Round(_received / _clock.Elapsed.TotalSeconds, 1) : 0,
            Database = StoreDescription,
            Provider = StoreOptions.Provider.ToString(),
        });
        ReleaseLeases();
    }

    private ISyncStore EnsureStore()
    {
        if (_store is not null) return _store;
        try
        {
            _store = OpenStore(create: true, initialize: true, _cts.Token);
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(StoreErrors.From(ex, StoreDescription));
        }
        return _store!;
    }

    private void EnsureLease(string source)
    {
        if (_leases.ContainsKey(source)) return;
        var store = EnsureStore();
        var partition = Partition is null ? (SyncPartition?)null : SyncPartition.Parse(Partition, CultureInfo.InvariantCulture);
        var request = new LeaseRequest { Resource = LeaseResource.For(source, partition), Identity = _identity, Duration = TimeSpan.FromSeconds(LeaseTimeoutSec) };
        LeaseAttempt attempt;
        try
        {
            attempt = StoreErrors.Run(() => store.TryAcquireLeaseAsync(request, _cts.Token));
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(StoreErrors.From(ex, StoreDescription));
            return;
        }
        if (!attempt.Acquired)
        {
            var busy = new SyncSourceBusyException(attempt.Holder!, StoreDescription);
            // Said as a warning too: -ErrorAction SilentlyContinue (used to hide the per-record dead-letter errors) also
            // silences a cmdlet's terminating error, and a busy source must always be said plainly.
            WriteWarning(busy.Message);
            ThrowTerminatingError(StoreErrors.From(busy, StoreDescription));
        }
        if (attempt.TookOverFrom is { } previous)
        {
            WriteWarning($"Took over the lease on '{request.Resource}' from a worker that is gone ({previous}); its last batch was rolled back, this run resumes from the checkpoint.");
        }
        var lease = attempt.Lease!;
        WriteVerbose(string.Create(CultureInfo.InvariantCulture, $"Leased '{lease.Resource}' in {StoreDescription} as {_identity.Host} pid {_identity.ProcessId} (renewed by every batch; expires {lease.ExpiresAt:u} unless renewed)."));
        _leases[source] = new LeaseKeeper(store, lease, TimeProvider.System);
    }

    private void ThrowIfLeaseLost()
    {
        foreach (var keeper in _leases.Values)
        {
            if (!keeper.IsLost) continue;
            ThrowTerminatingError(StoreErrors.From(new SyncLeaseLostException(
                $"The lease on '{keeper.Lease.Resource}' in {StoreDescription} was taken by another worker (this one could not renew it within {LeaseTimeoutSec} s). This run stops; nothing after the last committed batch was written."), StoreDescription));
        }
    }

    private void Flush()
    {
        var batch = _builder.Take(_endpoint, DateTimeOffset.UtcNow);
        if (batch is null) return;
        var action = string.Create(CultureInfo.InvariantCulture,
            $"Commit batch {_batches + _skippedBatches + 1} of source '{batch.Source}': {batch.Records.Count} records, {batch.Deletions.Count} deletions, {batch.DeadLetters.Count} dead letters{(batch.AdvanceCheckpoint ? $", checkpoint -> {batch.CheckpointPosition ?? "(start)"}" : string.Empty)}");
        if (!ShouldProcess(StoreDescription, action))
        {
            _skippedBatches++;
            return;
        }
        var store = EnsureStore();
        if (!_whatIf) EnsureLease(batch.Source);
        var leased = _leases.TryGetValue(batch.Source, out var keeper) ? keeper.Lease : null;
        if (leased is not null) batch = WithLease(batch, leased);
        var started = Stopwatch.GetTimestamp();
        BatchResult result;
        try
        {
            result = StoreErrors.Run(() => store.CommitBatchAsync(batch, _cts.Token));
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is SyncStoreException or SyncLeaseLostException or ArgumentException)
        {
            ThrowTerminatingError(StoreErrors.From(ex, StoreDescription));
            return;
        }
        _batches++;
        _inserted += result.Inserted;
        _updated += result.Updated;
        _unchanged += result.Unchanged;
        _deleted += result.Deleted;
        _dead += result.DeadLettered;
        _deadSeen += result.DeadLettersSeenBefore;
        _resolved += result.DeadLettersResolved;
        if (batch.AdvanceCheckpoint)
        {
            _checkpoint = batch.CheckpointPosition;
            _checkpointMoved = true;
        }
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"batch {_batches}: {result.Inserted} inserted, {result.Updated} updated, {result.Unchanged} unchanged, {result.Deleted} deleted, {result.DeadLettered} dead-lettered ({result.DeadLettersSeenBefore} seen before, {result.DeadLettersResolved} resolved); checkpoint {(batch.AdvanceCheckpoint ? batch.CheckpointPosition ?? "(start)" : "unchanged (page not complete)")}; committed in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms"));
    }

    private static SyncBatch WithLease(SyncBatch b, SyncLease lease) => new()
    {
        Source = b.Source,
        Records = b.Records,
        DeadLetters = b.DeadLetters,
        Deletions = b.Deletions,
        ResolvedDeadLetters = b.ResolvedDeadLetters,
        CheckpointPosition = b.CheckpointPosition,
        AdvanceCheckpoint = b.AdvanceCheckpoint,
        Watermark = b.Watermark,
        Endpoint = b.Endpoint,
        Lease = lease,
        Now = b.Now,
    };

    private void WriteDeadLetterError(MuseumRecord record, bool replayed)
    {
        var where = record.PageNumber > 0
            ? string.Create(CultureInfo.InvariantCulture, $" (line {record.LineNumber} of {record.SourceUrl}, correlation {record.CorrelationId})")
            : string.Empty;
        var reasons = string.Join("; ", record.Issues.Select(i => i.ToString()));
        var message = replayed
            ? $"Dead letter '{record.ObjectId ?? "(no id)"}' of source '{Source ?? record.Source}' is still invalid and stays dead-lettered (its attempt count goes up): {reasons}."
            : $"Record '{record.ObjectId ?? "(no id)"}' of source '{Source ?? record.Source}'{where} is invalid and is dead-lettered: {reasons}. Fix it at the source; its payload and reasons are in the sync_dead_letters table.";
        WriteError(new ErrorRecord(new InvalidDataException(message), "MuseumRecordInvalid", ErrorCategory.InvalidData, record));
    }

    private static string? Endpoint(string? url)
    {
        if (url is null) return null;
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : url[..q];
    }

    /// <summary>Stops renewing and gives the leases back (a crashed run's leases expire, or are taken over at once on the same host).</summary>
    private void ReleaseLeases()
    {
        if (_leases.Count == 0) return;
        var store = _store;
        var keepers = _leases.Values.ToArray();
        _leases.Clear();
        try
        {
            StoreErrors.Run(async () =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                foreach (var keeper in keepers)
                {
                    await keeper.DisposeAsync().ConfigureAwait(false);
                    if (store is not null && !keeper.IsLost) await store.ReleaseLeaseAsync(keeper.Lease, timeout.Token).ConfigureAwait(false);
                }
                return 0;
            });
        }
        catch (Exception ex) when (ex is SyncStoreException or OperationCanceledException)
        {
            // The lease expires by itself; nothing is lost.
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cts.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseLeases();
        if (_store is not null)
        {
            _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _store = null;
        }
        _cts.Dispose();
    }
}
