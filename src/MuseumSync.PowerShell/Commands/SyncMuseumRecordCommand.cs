using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using MuseumSync.PowerShell.Internal;
using MuseumSync.Storage;
using MuseumSync.Storage.Sqlite;
using MuseumSync.Sync;

namespace MuseumSync.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Writes museum records to the database in batches, each batch with its checkpoint in one transaction.</para>
/// <para type="description">Valid records are upserted by (source, ObjectId): the last version wins and unchanged records are not rewritten. Invalid records go to the dead-letter table with their payload and reasons. The checkpoint moves only to the end of a page whose every record is committed, in the same transaction as the batch.</para>
/// </summary>
[Cmdlet(VerbsData.Sync, "MuseumRecord", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(SyncSummary))]
public sealed class SyncMuseumRecordCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Stopwatch _clock = new();
    private BatchBuilder _builder = null!;
    private ISyncStore? _store;
    private string _databasePath = string.Empty;
    private string? _endpoint;
    private string? _lastSource;
    private long _received, _inserted, _updated, _unchanged, _dead, _deadSeen, _batches, _skippedBatches;
    private string? _checkpoint;
    private bool _checkpointMoved;

    /// <summary>The record to store (from Invoke-MuseumPoll).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public MuseumRecord InputObject { get; set; } = null!;

    /// <summary>Store records under this source name (default: each record's own Source).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Source { get; set; }

    /// <summary>The SQLite database file; created on first use.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Database { get; set; } = null!;

    /// <summary>Records per transaction.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int BatchSize { get; set; } = 1000;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _databasePath = CmdletPaths.Resolve(this, Database);
        _builder = new BatchBuilder(BatchSize, Source);
        _clock.Start();
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var record = InputObject;
        _received++;
        if (_builder.NeedsFlushBefore(record)) Flush();
        _endpoint ??= Endpoint(record.SourceUrl);
        _lastSource = Source ?? record.Source;
        if (!record.IsValid) WriteDeadLetterError(record);
        if (_builder.Add(record)) Flush();
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
            DeadLettered = _dead,
            DeadLettersSeenBefore = _deadSeen,
            Batches = _batches,
            Checkpoint = _checkpointMoved ? _checkpoint : null,
            Duration = _clock.Elapsed,
            RecordsPerSecond = _clock.Elapsed.TotalSeconds > 0 ? Math.Round(_received / _clock.Elapsed.TotalSeconds, 1) : 0,
            Database = _databasePath,
        });
    }

    private void Flush()
    {
        var batch = _builder.Take(_endpoint, DateTimeOffset.UtcNow);
        if (batch is null) return;
        var action = string.Create(CultureInfo.InvariantCulture,
            $"Commit batch {_batches + _skippedBatches + 1} of source '{batch.Source}': {batch.Records.Count} records, {batch.DeadLetters.Count} dead letters{(batch.AdvanceCheckpoint ? $", checkpoint -> {batch.CheckpointPosition ?? "(start)"}" : string.Empty)}");
        if (!ShouldProcess(_databasePath, action))
        {
            _skippedBatches++;
            return;
        }
        var started = Stopwatch.GetTimestamp();
        BatchResult result;
        try
        {
            result = Task.Run(async () =>
            {
                if (_store is null)
                {
                    var store = await SqliteSyncStore.OpenAsync(_databasePath, create: true, _cts.Token).ConfigureAwait(false);
                    try
                    {
                        await store.InitializeAsync(_cts.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        await store.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                    _store = store;
                }
                return await _store.CommitBatchAsync(batch, _cts.Token).ConfigureAwait(false);
            }).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (SyncStoreException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, _databasePath));
            return;
        }
        _batches++;
        _inserted += result.Inserted;
        _updated += result.Updated;
        _unchanged += result.Unchanged;
        _dead += result.DeadLettered;
        _deadSeen += result.DeadLettersSeenBefore;
        if (batch.AdvanceCheckpoint)
        {
            _checkpoint = batch.CheckpointPosition;
            _checkpointMoved = true;
        }
        WriteVerbose(string.Create(CultureInfo.InvariantCulture,
            $"batch {_batches}: {result.Inserted} inserted, {result.Updated} updated, {result.Unchanged} unchanged, {result.DeadLettered} dead-lettered ({result.DeadLettersSeenBefore} seen before); checkpoint {(batch.AdvanceCheckpoint ? batch.CheckpointPosition ?? "(start)" : "unchanged (page not complete)")}; committed in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms"));
    }

    private void WriteDeadLetterError(MuseumRecord record)
    {
        var where = record.PageNumber > 0
            ? string.Create(CultureInfo.InvariantCulture, $" (line {record.LineNumber} of {record.SourceUrl}, correlation {record.CorrelationId})")
            : string.Empty;
        var reasons = string.Join("; ", record.Issues.Select(i => i.ToString()));
        var message = $"Record '{record.ObjectId ?? "(no id)"}' of source '{Source ?? record.Source}'{where} is invalid and is dead-lettered: {reasons}. Fix it at the source; its payload and reasons are in the sync_dead_letters table.";
        WriteError(new ErrorRecord(new InvalidDataException(message), "MuseumRecordInvalid", ErrorCategory.InvalidData, record));
    }

    private static string? Endpoint(string? url)
    {
        if (url is null) return null;
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : url[..q];
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cts.Cancel();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_store is not null)
        {
            _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _store = null;
        }
        _cts.Dispose();
    }
}
