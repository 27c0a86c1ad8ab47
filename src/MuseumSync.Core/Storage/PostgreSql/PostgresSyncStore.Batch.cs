using Npgsql;
using NpgsqlTypes;
using MuseumSync.Storage.Sqlite;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>The batch: stored hashes, COPY of new rows, upsert of changed ones, deletions, dead letters, lease check, checkpoint — one transaction.</summary>
internal sealed partial class PostgresSyncStore
{
    /// <inheritdoc />
    public ISyncSession BeginSession(string source) => new PlannedSyncSession(source, CommitSessionAsync);

    private Task<BatchResult> CommitSessionAsync(PlannedSyncSession session, SessionCompletion done, CancellationToken cancellationToken) =>
        RunAsync(static (s, b, ct) => s.CommitAsync(b.Session, b.Done, ct), (Session: session, Done: done),
            $"commit a batch of {session.RecordCount} records and {session.DeadLetters.Count} dead letters (nothing of it was written; run again to resume from the checkpoint) to", cancellationToken);

    private async Task<BatchResult> CommitAsync(PlannedSyncSession batch, SessionCompletion done, CancellationToken ct)
    {
        // The last batch of this source found every id new (a first sync, or the new end of a feed): this one is copied
        // straight into the table without reading stored hashes first. An id that has a row after all fails the COPY on
        // the primary key; the transaction rolls back and the batch goes again the ordinary way, once.
        if (_allNewSource == batch.Source)
        {
            try
            {
                return await CommitAsync(batch, done, RowPath.AllNew, ct).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (IsRecordKeyViolation(ex))
            {
                _allNewSource = null;
            }
        }
        try
        {
            return await CommitAsync(batch, done, RowPath.ReadHashes, ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (IsRecordKeyViolation(ex))
        {
            // Another writer committed one of the ids this batch found new, between the read and the COPY. The transaction
            // rolled back; the batch goes again through the upsert alone, which waits for such rows and updates them.
            return await CommitAsync(batch, done, RowPath.Upsert, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Batches that read their ids' stored hashes (for tests: a batch taken to be all new reads none).</summary>
    internal int StoredHashReads { get; private set; }

    private static bool IsRecordKeyViolation(PostgresException ex) => ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "pk_museum_records";

    /// <summary>How a batch's records reach the table.</summary>
    private enum RowPath
    {
        /// <summary>Every id is taken to be new: one COPY into the table (a row already there fails it).</summary>
        AllNew,

        /// <summary>The stored hashes are read first: new ids copied, unchanged ones left out, changed ones upserted.</summary>
        ReadHashes,

        /// <summary>Every row staged and upserted.</summary>
        Upsert,
    }

    /// <summary>
    /// Writes the batch in one transaction. On <see cref="RowPath.ReadHashes"/>, the stored hashes of the batch's ids are
    /// read first: new ids are copied straight into the table (the raw COPY's cost), rows whose hash is the same are not
    /// sent at all, and only changed or forced rows are staged and upserted; <see cref="RowPath.AllNew"/> is that path
    /// with no stored hash found, without asking. On <see cref="RowPath.Upsert"/> every row goes through the upsert.
    /// Either way the counts are those of the upsert over the whole batch.
    /// </summary>
    private async Task<BatchResult> CommitAsync(PlannedSyncSession batch, SessionCompletion done, RowPath path, CancellationToken ct)
    {
        var copyNewRows = path != RowPath.Upsert;
        var plan = batch.Plan;
        var deadPlan = DeadLetterPlan.Create(batch.DeadLetters);
        var now = Utc(done.Now);
        var c = await ConnectionAsync(ct).ConfigureAwait(false);
        var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var txScope = tx.ConfigureAwait(false);
        int inserted = 0, updated = 0, unchanged = 0, deleted = 0, resolved = 0, deadInserted = 0;
        var stagesMade = false;
        var allNew = false;
        // Without dead letters every count the checkpoint adds is known before anything is written (the records counted
        // are the ones added), so the checkpoint goes with the hash read: one round trip fewer per batch. A job's batch
        // writes its done-mark first, which decides whether it moves the checkpoint at all.
        var checkpointFirst = done.Job is null && copyNewRows && plan.Rows.Count > 0 && deadPlan.Rows.Count == 0;
        if (plan.Rows.Count > 0)
        {
            var known = path switch
            {
                RowPath.ReadHashes => await StoredHashesAsync(c, tx, batch, plan, checkpointFirst ? done : null, now, ct).ConfigureAwait(false),
                RowPath.AllNew => await NoStoredHashesAsync(c, tx, batch, checkpointFirst ? done : null, now, ct).ConfigureAwait(false),
                _ => null,
            };
            allNew = known is { Count: 0 };
            var fresh = new List<PlannedRecord>();
            var write = new List<PlannedRecord>();
            // The stored hash of each repeated id that has a row (absent: no row), as RecordPlan.Count wants it.
            var stored = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var p in plan.Rows)
            {
                if (known is null) write.Add(p);
                else if (!known.TryGetValue(p.Record.ObjectId!, out var hash)) fresh.Add(p);
                else if (p.ForceWrite || !hash.AsSpan().SequenceEqual(p.Hash)) write.Add(p);
                else if (p.FirstHash is not null) stored[p.Record.ObjectId!] = hash;
            }

            var (ins, upd) = (fresh.Count, 0);
            if (fresh.Count > 0) await CopyNewRecordsAsync(c, batch.Source, fresh, now, ct).ConfigureAwait(false);
            if (write.Count > 0)
            {
                stagesMade = await EnsureStagesAsync(c, tx, stagesMade, ct).ConfigureAwait(false);
                await CopyRecordsAsync(c, batch.Source, write, ct).ConfigureAwait(false);
                if (write.Any(p => p.FirstHash is not null))
                {
                    var q = Command(c, _sql.StoredHashOfRepeatedKeys, tx);
                    await using var qScope = q.ConfigureAwait(false);
                    var r = await q.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using var rScope = r.ConfigureAwait(false);
                    while (await r.ReadAsync(ct).ConfigureAwait(false)) stored[r.GetString(0)] = r.GetFieldValue<byte[]>(1);
                }
                if (write.Any(p => !p.ForceWrite))
                {
                    var (ui, uu) = await UpsertAsync(c, tx, now, forced: false, ct).ConfigureAwait(false);
                    (ins, upd) = (ins + ui, upd + uu);
                }
                if (write.Any(p => p.ForceWrite))
                {
                    var (fi, fu) = await UpsertAsync(c, tx, now, forced: true, ct).ConfigureAwait(false);
                    (ins, upd) = (ins + fi, upd + fu);
                }
            }
            (inserted, updated, unchanged) = plan.Count(ins, upd, stored);
            if (checkpointFirst && inserted + updated + unchanged != batch.RecordCount)
            {
                throw new InvalidOperationException($"The batch counted {inserted + updated + unchanged} records of the {batch.RecordCount} it was given; the checkpoint written with the batch would be wrong.");
            }
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
            stagesMade = await EnsureStagesAsync(c, tx, stagesMade, ct).ConfigureAwait(false);
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

        if (await RenewLeaseAndMarkJobAsync(c, tx, done, inserted + updated + unchanged + deleted + dead + deadSeen, ct).ConfigureAwait(false) is not { } completion) return BatchResult.JobAlreadyDone;
        done = completion;

        if (!checkpointFirst)
        {
            var cp = Command(c, _sql.AdvanceCheckpoint, tx);
            await using var cpScope = cp.ConfigureAwait(false);
            cp.Parameters.AddWithValue("source", batch.Source);
            AddCheckpointParameters(cp.Parameters, done, now, (long)(inserted + updated + unchanged) + done.Superseded, dead);
            await cp.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested();
        await tx.CommitAsync(ct).ConfigureAwait(false);
        if (stagesMade) _stagesReady = true;
        if (plan.Rows.Count > 0) _allNewSource = allNew ? batch.Source : null;
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

    /// <summary>
    /// The stored content hash of each of the batch's ids that has a row; with <paramref name="checkpoint"/>, the checkpoint
    /// update (a batch without dead letters, of records only) goes in the same round trip.
    /// </summary>
    private async Task<Dictionary<string, byte[]>> StoredHashesAsync(NpgsqlConnection c, NpgsqlTransaction tx, PlannedSyncSession batch, RecordPlan plan,
        SessionCompletion? checkpoint, DateTimeOffset now, CancellationToken ct)
    {
        StoredHashReads++;
        var q = Command(c, checkpoint is null ? _sql.StoredHashes : _sql.StoredHashes + ";\n" + _sql.AdvanceCheckpoint, tx);
        await using var qScope = q.ConfigureAwait(false);
        q.Parameters.AddWithValue("source", batch.Source);
        if (checkpoint is not null) AddCheckpointParameters(q.Parameters, checkpoint, now, (long)batch.RecordCount + checkpoint.Superseded, dead: 0);
        var ids = plan.Rows.Select(p => p.Record.ObjectId!).ToArray();
        q.Parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Text, ids);
        var known = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var r = await q.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await using var rScope = r.ConfigureAwait(false);
        // One row per id, in the ids' order.
        for (var i = 0; await r.ReadAsync(ct).ConfigureAwait(false); i++)
        {
            if (!await r.IsDBNullAsync(0, ct).ConfigureAwait(false)) known[ids[i]] = r.GetFieldValue<byte[]>(0);
        }
        // The checkpoint's result (none): an error of it comes out here, not later.
        if (checkpoint is not null) await r.NextResultAsync(ct).ConfigureAwait(false);
        return known;
    }

    /// <summary>
    /// <see cref="StoredHashesAsync"/> without the read, for a batch taken to be all new: none (a row already there fails
    /// the COPY that follows); with <paramref name="checkpoint"/>, the checkpoint update in the read's place.
    /// </summary>
    private async Task<Dictionary<string, byte[]>> NoStoredHashesAsync(NpgsqlConnection c, NpgsqlTransaction tx, PlannedSyncSession batch,
        SessionCompletion? checkpoint, DateTimeOffset now, CancellationToken ct)
    {
        if (checkpoint is not null)
        {
            var cp = Command(c, _sql.AdvanceCheckpoint, tx);
            await using var cpScope = cp.ConfigureAwait(false);
            cp.Parameters.AddWithValue("source", batch.Source);
            AddCheckpointParameters(cp.Parameters, checkpoint, now, (long)batch.RecordCount + checkpoint.Superseded, dead: 0);
            await cp.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return new Dictionary<string, byte[]>(StringComparer.Ordinal);
    }

    /// <summary>The parameters of <see cref="PostgresStatements.AdvanceCheckpoint"/> but @source.</summary>
    private static void AddCheckpointParameters(NpgsqlParameterCollection p, SessionCompletion done, DateTimeOffset now, long committed, long dead)
    {
        p.AddWithValue("endpoint", NpgsqlDbType.Text, (object?)done.Endpoint ?? DBNull.Value);
        p.AddWithValue("advance", done.AdvanceCheckpoint);
        p.AddWithValue("position", NpgsqlDbType.Text, (object?)done.CheckpointPosition ?? DBNull.Value);
        p.AddWithValue("now", NpgsqlDbType.TimestampTz, now);
        p.AddWithValue("committed", committed);
        p.AddWithValue("dead", dead);
        p.AddWithValue("watermark", NpgsqlDbType.Text, (object?)done.Watermark ?? DBNull.Value);
    }

    /// <summary>
    /// The session's temp staging tables, made once per connection, when a batch first needs them. They are made in the
    /// batch's transaction, so they exist for later batches only once that commits (<see cref="_stagesReady"/> is set then).
    /// </summary>
    private async Task<bool> EnsureStagesAsync(NpgsqlConnection c, NpgsqlTransaction tx, bool madeInThisTransaction, CancellationToken ct)
    {
        if (_stagesReady || madeInThisTransaction) return madeInThisTransaction;
        var create = Command(c, _sql.CreateStages, tx);
        await using var createScope = create.ConfigureAwait(false);
        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The token of each value written to a record COPY: none. Npgsql registers a cancellable token anew for every value
    /// (20 per row); the run's token is checked once per row instead, and the COPY's timeout bounds a stalled write.
    /// </summary>
    private static CancellationToken RowToken => CancellationToken.None;

    /// <summary>
    /// New rows, straight into the table. Sorted by id, so two writers copying overlapping ids take them in one order (a
    /// deadlock the server breaks is retried like any transient error; a row the other committed first: see CommitAsync).
    /// </summary>
    private async Task CopyNewRecordsAsync(NpgsqlConnection c, string source, List<PlannedRecord> rows, DateTimeOffset now, CancellationToken ct)
    {
        rows.Sort(static (a, b) => string.CompareOrdinal(a.Record.ObjectId, b.Record.ObjectId));
        var w = await c.BeginBinaryImportAsync(_sql.CopyNewRecords, ct).ConfigureAwait(false);
        await using var wScope = w.ConfigureAwait(false);
        w.Timeout = TimeSpan.FromSeconds(_commandTimeoutSeconds);
        foreach (var p in rows)
        {
            ct.ThrowIfCancellationRequested();
            await WriteRecordAsync(w, source, p, RowToken).ConfigureAwait(false);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, RowToken).ConfigureAwait(false);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, RowToken).ConfigureAwait(false);
        }
        await w.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Changed or forced rows into the staging table, for the upsert.</summary>
    private async Task CopyRecordsAsync(NpgsqlConnection c, string source, List<PlannedRecord> rows, CancellationToken ct)
    {
        // Like every Npgsql binary import: rows go in only when Complete runs; disposing without it aborts the COPY.
        var w = await c.BeginBinaryImportAsync(_sql.CopyRecords, ct).ConfigureAwait(false);
        await using var wScope = w.ConfigureAwait(false);
        w.Timeout = TimeSpan.FromSeconds(_commandTimeoutSeconds);
        foreach (var p in rows)
        {
            ct.ThrowIfCancellationRequested();
            await WriteRecordAsync(w, source, p, RowToken).ConfigureAwait(false);
            await w.WriteAsync(p.Ordinal, NpgsqlDbType.Integer, RowToken).ConfigureAwait(false);
            if (p.FirstHash is { } first) await w.WriteAsync(first, NpgsqlDbType.Bytea, RowToken).ConfigureAwait(false);
            else await w.WriteNullAsync(RowToken).ConfigureAwait(false);
            await w.WriteAsync(p.ForceWrite, NpgsqlDbType.Boolean, RowToken).ConfigureAwait(false);
        }
        await w.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One row's record columns (PostgresStatements.RecordColumns, in that order), after StartRow.</summary>
    private static async Task WriteRecordAsync(NpgsqlBinaryImporter w, string source, PlannedRecord p, CancellationToken ct)
    {
        var r = p.Record;
        await w.StartRowAsync(ct).ConfigureAwait(false);
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
        await WriteTextAsync(w, r.Position, ct).ConfigureAwait(false);
        await WriteTextAsync(w, r.SourceUrl, ct).ConfigureAwait(false);
        await WriteTextAsync(w, r.CorrelationId, ct).ConfigureAwait(false);
        await WriteTextAsync(w, r.AssignedAccessTier is { } assigned ? SqliteSyncStore.TierText(assigned) : null, ct).ConfigureAwait(false);
        await WriteTextAsync(w, r.TierRule, ct).ConfigureAwait(false);
        if (p.CreationSort is { } sort) await w.WriteAsync(sort, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
        else await w.WriteNullAsync(ct).ConfigureAwait(false);
        await WriteTextAsync(w, r.CreationEndDate, ct).ConfigureAwait(false);
        if (p.CreationEndSort is { } endSort) await w.WriteAsync(endSort, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
        else await w.WriteNullAsync(ct).ConfigureAwait(false);
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
