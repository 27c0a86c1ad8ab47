using Npgsql;
using NpgsqlTypes;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>The batch: COPY, upsert, deletions, dead letters, lease check, checkpoint — one transaction.</summary>
internal sealed partial class PostgresSyncStore
{
    /// <inheritdoc />
    public ISyncSession BeginSession(string source) => new PlannedSyncSession(source, CommitSessionAsync);

    private Task<BatchResult> CommitSessionAsync(PlannedSyncSession session, SessionCompletion done, CancellationToken cancellationToken) =>
        RunAsync(static (s, b, ct) => s.CommitAsync(b.Session, b.Done, ct), (Session: session, Done: done),
            $"commit a batch of {session.RecordCount} records and {session.DeadLetters.Count} dead letters (nothing of it was written; run again to resume from the checkpoint) to", cancellationToken);

    private async Task<BatchResult> CommitAsync(PlannedSyncSession batch, SessionCompletion done, CancellationToken ct)
    {
        var plan = batch.Plan;
        var deadPlan = DeadLetterPlan.Create(batch.DeadLetters);
        var now = Utc(done.Now);
        var c = await ConnectionAsync(ct).ConfigureAwait(false);
        if (!_stagesReady)
        {
            var create = Command(c, _sql.CreateStages);
            await using var createScope = create.ConfigureAwait(false);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            _stagesReady = true;
        }

        var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        int inserted = 0, updated = 0, unchanged = 0, deleted = 0, resolved = 0, deadInserted = 0;
        if (plan.Rows.Count > 0)
        {
            await CopyRecordsAsync(c, batch.Source, plan, ct).ConfigureAwait(false);
            var stored = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            if (plan.DuplicateKeys > 0)
            {
                var q = Command(c, _sql.StoredHashOfRepeatedKeys, tx);
                await using var qScope = q.ConfigureAwait(false);
                var r = await q.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var rScope = r.ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false)) stored[r.GetString(0)] = r.GetFieldValue<byte[]>(1);
            }
            var (ins, upd) = await UpsertAsync(c, tx, now, forced: false, ct).ConfigureAwait(false);
            if (plan.Rows.Any(p => p.ForceWrite))
            {
                var (fi, fu) = await UpsertAsync(c, tx, now, forced: true, ct).ConfigureAwait(false);
                ins += fi;
                upd += fu;
            }
            (inserted, updated, unchanged) = plan.Count(ins, upd, stored);
        }

        if (batch.Deletions.Count > 0)
        {
            var del = Command(c, _sql.DeleteRecords, tx);
            await using var delScope = del.ConfigureAwait(false);
            del.Parameters.AddWithValue("source", batch.Source);
            del.Parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Text, batch.Deletions.Select(d => d.ObjectId!).ToArray());
            deleted = await del.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (deadPlan.Rows.Count > 0)
        {
            await CopyDeadLettersAsync(c, batch.Source, deadPlan, ct).ConfigureAwait(false);
            var up = Command(c, _sql.UpsertDeadLetters, tx);
            await using var upScope = up.ConfigureAwait(false);
            up.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now);
            deadInserted = (int)(long)(await up.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        var (dead, deadSeen) = deadPlan.Count(deadInserted);

        if (batch.ResolvedDeadLetters.Count > 0)
        {
            var res = Command(c, _sql.ResolveDeadLetters, tx);
            await using var resScope = res.ConfigureAwait(false);
            res.Parameters.AddWithValue("sources", NpgsqlDbType.Array | NpgsqlDbType.Text, batch.ResolvedDeadLetters.Select(d => d.Source).ToArray());
            res.Parameters.AddWithValue("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea, batch.ResolvedDeadLetters.Select(d => RecordHash.Payload(d.Payload)).ToArray());
            resolved = await res.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (done.Lease is { } lease && !await RenewLeaseAsync(c, tx, lease, ct).ConfigureAwait(false))
        {
            throw new SyncLeaseLostException($"The lease on '{lease.Resource}' in {DisplayName} is held by another worker now (this one did not renew it in time). The batch was rolled back; this run stops, and the other worker carries on from the checkpoint.");
        }

        if (done.Job is { } job)
        {
            // The job's done-mark in this transaction: a job done already writes nothing; only the last job moves the checkpoint.
            var jobCommit = await Jobs.CommitAsync(c, tx, job, inserted + updated + unchanged + deleted + dead + deadSeen, done.Now, ct).ConfigureAwait(false);
            if (!jobCommit.Claimed) return BatchResult.JobAlreadyDone;
            done = jobCommit.Apply(done);
        }

        var cp = Command(c, _sql.AdvanceCheckpoint, tx);
        await using (cp.ConfigureAwait(false))
        {
            cp.Parameters.AddWithValue("source", batch.Source);
            cp.Parameters.AddWithValue("endpoint", NpgsqlDbType.Text, (object?)done.Endpoint ?? DBNull.Value);
            cp.Parameters.AddWithValue("advance", done.AdvanceCheckpoint);
            cp.Parameters.AddWithValue("position", NpgsqlDbType.Text, (object?)done.CheckpointPosition ?? DBNull.Value);
            cp.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now);
            cp.Parameters.AddWithValue("committed", (long)(inserted + updated + unchanged) + done.Superseded);
            cp.Parameters.AddWithValue("dead", (long)dead);
            cp.Parameters.AddWithValue("watermark", NpgsqlDbType.Text, (object?)done.Watermark ?? DBNull.Value);
            await cp.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested();
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new BatchResult(inserted, updated, unchanged, dead, deadSeen) { Deleted = deleted, DeadLettersResolved = resolved };
    }

    private async Task<(int Inserted, int Updated)> UpsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, DateTimeOffset now, bool forced, CancellationToken ct)
    {
        var up = Command(c, _sql.Upsert, tx);
        await using var upScope = up.ConfigureAwait(false);
        up.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now);
        up.Parameters.AddWithValue("forced", forced);
        var r = await up.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        return ((int)r.GetInt64(0), (int)r.GetInt64(1));
    }

    private async Task CopyRecordsAsync(NpgsqlConnection c, string source, RecordPlan plan, CancellationToken ct)
    {
        // Like every Npgsql binary import: rows go in only when Complete runs; disposing without it aborts the COPY.
        var w = await c.BeginBinaryImportAsync(_sql.CopyRecords, ct).ConfigureAwait(false);
        await using var wScope = w.ConfigureAwait(false);
        w.Timeout = TimeSpan.FromSeconds(_commandTimeoutSeconds);
        foreach (var p in plan.Rows)
        {
            ct.ThrowIfCancellationRequested();
            var r = p.Record;
            await w.StartRowAsync(ct).ConfigureAwait(false);
            await w.WriteAsync(p.Ordinal, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            await w.WriteAsync(source, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(r.ObjectId!, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.AccessionNumber, ct).ConfigureAwait(false);
            await w.WriteAsync(r.Title ?? string.Empty, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.CreationDate, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.RightsStatement, ct).ConfigureAwait(false);
            if (r.EmbargoDate is { } embargo) await w.WriteAsync(embargo, NpgsqlDbType.Date, ct).ConfigureAwait(false);
            else await w.WriteNullAsync(ct).ConfigureAwait(false);
            await w.WriteAsync(SqliteSyncStore.TierText(r.AccessTier), NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.IiifManifestUrl, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.MediaUrl, ct).ConfigureAwait(false);
            await w.WriteAsync(r.RawJson, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(p.Hash, NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
            if (p.FirstHash is { } first) await w.WriteAsync(first, NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
            else await w.WriteNullAsync(ct).ConfigureAwait(false);
            await w.WriteAsync(p.ForceWrite, NpgsqlDbType.Boolean, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.Position, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.SourceUrl, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.CorrelationId, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.AssignedAccessTier is { } assigned ? SqliteSyncStore.TierText(assigned) : null, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.TierRule, ct).ConfigureAwait(false);
        }
        await w.CompleteAsync(ct).ConfigureAwait(false);
    }

    private async Task CopyDeadLettersAsync(NpgsqlConnection c, string source, DeadLetterPlan plan, CancellationToken ct)
    {
        var w = await c.BeginBinaryImportAsync(_sql.CopyDeadLetters, ct).ConfigureAwait(false);
        await using var wScope = w.ConfigureAwait(false);
        w.Timeout = TimeSpan.FromSeconds(_commandTimeoutSeconds);
        foreach (var d in plan.Rows)
        {
            ct.ThrowIfCancellationRequested();
            var r = d.Record;
            await w.StartRowAsync(ct).ConfigureAwait(false);
            await w.WriteAsync(source, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.ObjectId, ct).ConfigureAwait(false);
            await w.WriteAsync(d.Payload, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await w.WriteAsync(d.PayloadHash, NpgsqlDbType.Bytea, ct).ConfigureAwait(false);
            await w.WriteAsync(d.ReasonsJson, NpgsqlDbType.Jsonb, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.SourceUrl, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.Position, ct).ConfigureAwait(false);
            await WriteTextAsync(w, r.CorrelationId, ct).ConfigureAwait(false);
            await w.WriteAsync(d.Occurrences, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
        }
        await w.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async ValueTask WriteTextAsync(NpgsqlBinaryImporter w, string? value, CancellationToken ct)
    {
        if (value is null) await w.WriteNullAsync(ct).ConfigureAwait(false);
        else await w.WriteAsync(value, NpgsqlDbType.Text, ct).ConfigureAwait(false);
    }
}
