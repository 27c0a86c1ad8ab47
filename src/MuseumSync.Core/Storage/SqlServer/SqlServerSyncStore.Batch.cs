using System.Data;
using Microsoft.Data.SqlClient;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Storage.SqlServer;

/// <summary>The batch: SqlBulkCopy into temp tables, MERGE, deletions, dead letters, lease check, checkpoint — one transaction.</summary>
internal sealed partial class SqlServerSyncStore
{
    private static readonly StageColumn<PlannedRecord>[] s_recordColumns =
    [
        new("ordinal", typeof(int), p => p.Ordinal),
        new("source", typeof(string), _ => null), // replaced per batch (see RecordColumns)
        new("object_id", typeof(string), p => p.Record.ObjectId),
        new("accession_number", typeof(string), p => p.Record.AccessionNumber),
        new("title", typeof(string), p => p.Record.Title ?? string.Empty),
        new("creation_date", typeof(string), p => p.Record.CreationDate),
        new("rights_statement", typeof(string), p => p.Record.RightsStatement),
        new("embargo_date", typeof(DateTime), p => p.Record.EmbargoDate?.ToDateTime(TimeOnly.MinValue)),
        new("access_tier", typeof(string), p => SqliteSyncStore.TierText(p.Record.AccessTier)),
        new("iiif_manifest_url", typeof(string), p => p.Record.IiifManifestUrl),
        new("media_url", typeof(string), p => p.Record.MediaUrl),
        new("raw_json", typeof(string), p => p.Record.RawJson),
        new("content_hash", typeof(byte[]), p => p.Hash),
        new("first_hash", typeof(byte[]), p => p.FirstHash),
        new("force_write", typeof(bool), p => p.ForceWrite),
        new("position", typeof(string), p => p.Record.Position),
        new("source_url", typeof(string), p => p.Record.SourceUrl),
        new("correlation_id", typeof(string), p => p.Record.CorrelationId),
        new("access_tier_assigned", typeof(string), p => p.Record.AssignedAccessTier is { } assigned ? SqliteSyncStore.TierText(assigned) : null),
        new("tier_rule", typeof(string), p => p.Record.TierRule),
        new("creation_sort", typeof(long), p => p.CreationSort),
        new("creation_end_date", typeof(string), p => p.Record.CreationEndDate),
        new("creation_end_sort", typeof(long), p => p.CreationEndSort),
    ];

    /// <inheritdoc />
    public ISyncSession BeginSession(string source) => new PlannedSyncSession(source, CommitSessionAsync);

    private Task<BatchResult> CommitSessionAsync(PlannedSyncSession session, SessionCompletion done, CancellationToken cancellationToken)
    {
        CheckLengths(session);
        return RunAsync(static (s, b, ct) => s.CommitAsync(b.Session, b.Done, ct), (Session: session, Done: done),
            $"commit a batch of {session.RecordCount} records and {session.DeadLetters.Count} dead letters (nothing of it was written; run again to resume from the checkpoint) to", cancellationToken);
    }

    private async Task<BatchResult> CommitAsync(PlannedSyncSession batch, SessionCompletion done, CancellationToken ct)
    {
        var plan = batch.Plan;
        var deadPlan = DeadLetterPlan.Create(batch.DeadLetters);
        var now = Db(done.Now);
        var c = await ConnectionAsync(ct).ConfigureAwait(false);
        if (!_stagesReady)
        {
            // No parameters: sent as a plain batch, so the temp tables belong to the session, not to an sp_executesql scope.
            var create = Command(c, _sql.CreateStages);
            await using var createScope = create.ConfigureAwait(false);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            _stagesReady = true;
        }

        using var tx = (SqlTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        var clear = Command(c, _sql.ClearStages, tx);
        await using (clear.ConfigureAwait(false))
        {
            await clear.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        int inserted = 0, updated = 0, unchanged = 0, deleted = 0, resolved = 0, deadInserted = 0;
        if (plan.Rows.Count > 0)
        {
            var columns = s_recordColumns.Select(col => col.Name == "source" ? col with { Value = _ => batch.Source } : col).ToArray();
            await BulkCopyAsync(c, tx, SqlServerStatements.RecordStage, plan.Rows, columns, ct).ConfigureAwait(false);
            var stored = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            if (plan.DuplicateKeys > 0)
            {
                var q = Command(c, _sql.StoredHashOfRepeatedKeys, tx);
                await using var qScope = q.ConfigureAwait(false);
                var r = await q.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false)) stored[r.GetString(0)] = (byte[])r.GetValue(1);
            }
            var merge = Command(c, _sql.MergeRecords, tx);
            await using var mergeScope = merge.ConfigureAwait(false);
            merge.Parameters.Add("@now", SqlDbType.DateTime2).Value = now;
            int mergeInserted, mergeUpdated;
            var counts = await merge.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (counts.ConfigureAwait(false))
            {
                await counts.ReadAsync(ct).ConfigureAwait(false);
                mergeInserted = (int)counts.GetInt64(0);
                mergeUpdated = (int)counts.GetInt64(1);
            }
            (inserted, updated, unchanged) = plan.Count(mergeInserted, mergeUpdated, stored);
        }

        var keys = new List<(byte Kind, string Source, string? ObjectId, byte[]? Hash)>();
        foreach (var d in batch.Deletions) keys.Add((SqlServerStatements.KindDeletion, batch.Source, d.ObjectId, null));
        foreach (var d in batch.ResolvedDeadLetters) keys.Add((SqlServerStatements.KindResolvedDeadLetter, d.Source, null, RecordHash.Payload(d.Payload)));
        if (keys.Count > 0)
        {
            await BulkCopyAsync(c, tx, SqlServerStatements.KeyStage, keys,
            [
                new("kind", typeof(byte), k => k.Kind),
                new("source", typeof(string), k => k.Source),
                new("object_id", typeof(string), k => k.ObjectId),
                new("payload_hash", typeof(byte[]), k => k.Hash),
            ], ct).ConfigureAwait(false);
            if (batch.Deletions.Count > 0)
            {
                var del = Command(c, _sql.DeleteRecords, tx);
                await using var delScope = del.ConfigureAwait(false);
                deleted = await AffectedAsync(del, ct).ConfigureAwait(false);
            }
            if (batch.ResolvedDeadLetters.Count > 0)
            {
                var res = Command(c, _sql.ResolveDeadLetters, tx);
                await using var resScope = res.ConfigureAwait(false);
                resolved = await AffectedAsync(res, ct).ConfigureAwait(false);
            }
        }

        if (deadPlan.Rows.Count > 0)
        {
            await BulkCopyAsync(c, tx, SqlServerStatements.DeadStage, deadPlan.Rows,
            [
                new("source", typeof(string), _ => batch.Source),
                new("object_id", typeof(string), d => Truncate(d.Record.ObjectId, SqlServerSchema.MaxObjectIdLength)),
                new("payload", typeof(string), d => d.Payload),
                new("payload_hash", typeof(byte[]), d => d.PayloadHash),
                new("reasons", typeof(string), d => d.ReasonsJson),
                new("source_url", typeof(string), d => d.Record.SourceUrl),
                new("position", typeof(string), d => d.Record.Position),
                new("correlation_id", typeof(string), d => d.Record.CorrelationId),
                new("occurrences", typeof(int), d => d.Occurrences),
            ], ct).ConfigureAwait(false);
            var merge = Command(c, _sql.MergeDeadLetters, tx);
            await using var mergeScope = merge.ConfigureAwait(false);
            merge.Parameters.Add("@now", SqlDbType.DateTime2).Value = now;
            deadInserted = (int)(long)(await merge.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        var (dead, deadSeen) = deadPlan.Count(deadInserted);

        if (await RenewLeaseAndMarkJobAsync(c, tx, done, inserted + updated + unchanged + deleted + dead + deadSeen, ct).ConfigureAwait(false) is not { } completion) return BatchResult.JobAlreadyDone;
        done = completion;

        var cp = Command(c, _sql.AdvanceCheckpoint, tx);
        await using (cp.ConfigureAwait(false))
        {
            cp.Parameters.Add("@source", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = batch.Source;
            cp.Parameters.Add("@endpoint", SqlDbType.NVarChar, -1).Value = (object?)done.Endpoint ?? DBNull.Value;
            cp.Parameters.Add("@advance", SqlDbType.Bit).Value = done.AdvanceCheckpoint;
            cp.Parameters.Add("@position", SqlDbType.NVarChar, -1).Value = (object?)done.CheckpointPosition ?? DBNull.Value;
            cp.Parameters.Add("@now", SqlDbType.DateTime2).Value = now;
            cp.Parameters.Add("@committed", SqlDbType.BigInt).Value = (long)(inserted + updated + unchanged) + done.Superseded;
            cp.Parameters.Add("@dead", SqlDbType.BigInt).Value = (long)dead;
            cp.Parameters.Add("@watermark", SqlDbType.NVarChar, 200).Value = (object?)done.Watermark ?? DBNull.Value;
            await cp.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested();
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new BatchResult(inserted, updated, unchanged, dead, deadSeen) { Deleted = deleted, DeadLettersResolved = resolved };
    }

    private async Task BulkCopyAsync<T>(SqlConnection c, SqlTransaction tx, string table, IReadOnlyList<T> rows, IReadOnlyList<StageColumn<T>> columns, CancellationToken ct)
    {
        using var bulk = new SqlBulkCopy(c, SqlBulkCopyOptions.TableLock, tx)
        {
            DestinationTableName = table,
            BulkCopyTimeout = _commandTimeoutSeconds,
            BatchSize = 0,
        };
        foreach (var col in columns) bulk.ColumnMappings.Add(col.Name, col.Name);
        var reader = new StageReader<T>(rows, columns, ct);
        await using var readerScope = reader.ConfigureAwait(false);
        await bulk.WriteToServerAsync(reader, ct).ConfigureAwait(false);
    }

    /// <summary>SQL Server's key columns are bounded (a clustered key has 900 bytes); say so before the batch starts, not as a truncation error.</summary>
    private static void CheckLengths(PlannedSyncSession batch)
    {
        if (batch.Source.Length > SqlServerSchema.MaxSourceLength)
        {
            throw new ArgumentException($"The source name '{batch.Source}' is longer than {SqlServerSchema.MaxSourceLength} characters, the most the SQL Server store keeps; use a shorter -Source.", nameof(batch));
        }
        foreach (var r in batch.Plan.Rows.Select(p => p.Record).Concat(batch.Deletions))
        {
            if (r.ObjectId is { Length: > SqlServerSchema.MaxObjectIdLength } id)
            {
                throw new ArgumentException($"The object id '{id[..40]}…' of source '{batch.Source}' has {id.Length} characters; the SQL Server store keeps ids up to {SqlServerSchema.MaxObjectIdLength}.", nameof(batch));
            }
        }
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
