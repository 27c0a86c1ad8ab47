using System.Globalization;
using Microsoft.Data.Sqlite;
using MuseumSync.Ocr;

namespace MuseumSync.Storage.Sqlite;

/// <summary>OCR text layers on SQLite (migration 6).</summary>
internal sealed partial class SqliteSyncStore : IOcrTextStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<OcrCandidate>> GetOcrCandidatesAsync(string source, DateTimeOffset? since, string? afterObjectId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = OcrTextSql.Candidates("", "$s", "$after", "$since", "", "LIMIT $n");
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$after", (object?)afterObjectId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$since", since is { } t ? Iso(t) : DBNull.Value);
            cmd.Parameters.AddWithValue("$n", limit);
            return await OcrTextSql.ReadCandidatesAsync(cmd, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not read the records with images of '{source}' from '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MuseumRecordText>> GetRecordTextAsync(string source, string? objectId, string? afterObjectId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = OcrTextSql.Layers("", "$s", "$id", "$after", "LIMIT $n");
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$id", (object?)objectId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$after", (object?)afterObjectId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$n", limit);
            IReadOnlyList<MuseumRecordText> list = [];
            try
            {
                list = await OcrTextSql.ReadLayersAsync(cmd, static (row, i) => ParseIso(row.GetString(i)), cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex) when (IsNoSuchTable(ex))
            {
                // No OCR has run on this database yet.
            }
            return list;
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not read the text layers of '{source}' from '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<OcrBatchResult> CommitOcrBatchAsync(OcrBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = Iso(batch.Now);
            int written = 0, dead = 0, seen = 0, resolved = 0;
            using var tx = _connection.BeginTransaction(deferred: false);
            foreach (var l in batch.Layers)
            {
                using var upsert = Command(tx, OcrTextSql.UpsertLayerSqlite);
                OcrTextSql.BindLayer(l, (name, value) => upsert.Parameters.AddWithValue("$" + name, value), static t => Iso(t));
                written += await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0 ? 1 : 0;
            }
            foreach (var k in batch.Resolved)
            {
                using var resolve = Command(tx, "DELETE FROM sync_dead_letters WHERE source = $s AND payload_hash = $h");
                resolve.Parameters.AddWithValue("$s", batch.Source);
                resolve.Parameters.AddWithValue("$h", RecordHash.Payload(OcrDeadLetter.Payload(k.ObjectId, k.Url)));
                resolved += await resolve.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            foreach (var f in batch.Failures)
            {
                var payload = OcrDeadLetter.Payload(f.ObjectId, f.MediaUrl);
                var hash = RecordHash.Payload(payload);
                using var insert = Command(tx, """
                    INSERT INTO sync_dead_letters (source, object_id, payload, payload_hash, reasons, source_url, first_seen_utc, last_seen_utc)
                    VALUES ($s, $id, $payload, $h, $reasons, $url, $now, $now)
                    ON CONFLICT (source, payload_hash) DO UPDATE SET reasons = excluded.reasons, last_seen_utc = excluded.last_seen_utc, attempt_count = attempt_count + 1
                    RETURNING attempt_count
                    """);
                insert.Parameters.AddWithValue("$s", batch.Source);
                insert.Parameters.AddWithValue("$id", f.ObjectId);
                insert.Parameters.AddWithValue("$payload", payload);
                insert.Parameters.AddWithValue("$h", hash);
                insert.Parameters.AddWithValue("$reasons", DeadLetterReasons.ToJson([f.Reason]));
                insert.Parameters.AddWithValue("$url", OcrUrl.Mask(f.MediaUrl));
                insert.Parameters.AddWithValue("$now", now);
                if (Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 1) dead++;
                else seen++;
            }
            cancellationToken.ThrowIfCancellationRequested();
            tx.Commit();
            return new OcrBatchResult(written, dead, seen, resolved);
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not commit {batch.Layers.Count} text layers and {batch.Failures.Count} OCR dead letters of '{batch.Source}' to '{DatabasePath}': {ex.Message}. Nothing of this batch was written; run Invoke-MuseumOcr again.", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }
}
