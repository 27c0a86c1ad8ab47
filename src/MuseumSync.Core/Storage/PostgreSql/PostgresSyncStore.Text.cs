using MuseumSync.Ocr;
using Npgsql;
using NpgsqlTypes;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>OCR text layers on PostgreSQL (migration 6).</summary>
internal sealed partial class PostgresSyncStore : IOcrTextStore
{
    private static readonly string s_upsertLayer = $"""
        INSERT INTO {"{s}"}.museum_record_text ({OcrTextSql.LayerColumns})
        VALUES ({string.Join(", ", OcrTextSql.LayerParameters.Select(p => "@" + p))})
        ON CONFLICT (source, object_id) DO UPDATE SET {string.Join(", ", OcrTextSql.LayerParameters.Skip(2).Select(p => $"{p} = excluded.{p}"))}
        """;

    private const string UpsertOcrDeadLetter = """
        INSERT INTO {s}.sync_dead_letters AS t (source, object_id, payload, payload_hash, reasons, source_url, first_seen_utc, last_seen_utc)
        VALUES (@s, @id, @payload, @h, @reasons::jsonb, @url, @now, @now)
        ON CONFLICT (source, payload_hash) DO UPDATE SET reasons = excluded.reasons, last_seen_utc = excluded.last_seen_utc, attempt_count = t.attempt_count + 1
        RETURNING attempt_count
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<OcrCandidate>> GetOcrCandidatesAsync(string source, DateTimeOffset? since, string? afterObjectId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return RunAsync(static async (s, q, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, s.Ocr(OcrTextSql.Candidates("{s}.", "@s", "@after", "@since", "", "LIMIT @n")));
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.AddWithValue("s", NpgsqlDbType.Text, q.source);
                cmd.Parameters.AddWithValue("after", NpgsqlDbType.Text, (object?)q.afterObjectId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, q.since is { } t ? Utc(t) : DBNull.Value);
                cmd.Parameters.AddWithValue("n", NpgsqlDbType.Integer, q.limit);
                return (IReadOnlyList<OcrCandidate>)await OcrTextSql.ReadCandidatesAsync(cmd, ct).ConfigureAwait(false);
            }
        }, (source, since, afterObjectId, limit), $"read the records with images of '{source}' from", cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MuseumRecordText>> GetRecordTextAsync(string source, string? objectId, string? afterObjectId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return RunAsync(static async (s, q, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, s.Ocr(OcrTextSql.Layers("{s}.", "@s", "@id", "@after", "LIMIT @n")));
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.AddWithValue("s", NpgsqlDbType.Text, q.source);
                cmd.Parameters.AddWithValue("id", NpgsqlDbType.Text, (object?)q.objectId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("after", NpgsqlDbType.Text, (object?)q.afterObjectId ?? DBNull.Value);
                cmd.Parameters.AddWithValue("n", NpgsqlDbType.Integer, q.limit);
                IReadOnlyList<MuseumRecordText> list = [];
                try
                {
                    list = await OcrTextSql.ReadLayersAsync(cmd, static (row, i) => row.GetFieldValue<DateTimeOffset>(i), ct).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (IsMissingTable(ex))
                {
                    // No OCR has run on this database yet.
                }
                return list;
            }
        }, (source, objectId, afterObjectId, limit), $"read the text layers of '{source}' from", cancellationToken);
    }

    /// <inheritdoc />
    public Task<OcrBatchResult> CommitOcrBatchAsync(OcrBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return RunAsync(static async (s, b, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var txScope = tx.ConfigureAwait(false);
            int written = 0, dead = 0, seen = 0, resolved = 0;
            foreach (var l in b.Layers)
            {
                var cmd = s.Command(c, s.Ocr(s_upsertLayer), tx);
                await using (cmd.ConfigureAwait(false))
                {
                    OcrTextSql.BindLayer(l, (name, value) => cmd.Parameters.AddWithValue(name, value), static t => Utc(t));
                    cmd.Parameters["mean_confidence"].NpgsqlDbType = NpgsqlDbType.Double;
                    written += await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0 ? 1 : 0;
                }
            }
            foreach (var k in b.Resolved)
            {
                var cmd = s.Command(c, s.Ocr("DELETE FROM {s}.sync_dead_letters WHERE source = @s AND payload_hash = @h"), tx);
                await using (cmd.ConfigureAwait(false))
                {
                    cmd.Parameters.AddWithValue("s", b.Source);
                    cmd.Parameters.AddWithValue("h", RecordHash.Payload(OcrDeadLetter.Payload(k.ObjectId, k.Url)));
                    resolved += await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }
            foreach (var f in b.Failures)
            {
                var payload = OcrDeadLetter.Payload(f.ObjectId, f.MediaUrl);
                var cmd = s.Command(c, s.Ocr(UpsertOcrDeadLetter), tx);
                await using (cmd.ConfigureAwait(false))
                {
                    cmd.Parameters.AddWithValue("s", b.Source);
                    cmd.Parameters.AddWithValue("id", f.ObjectId);
                    cmd.Parameters.AddWithValue("payload", payload);
                    cmd.Parameters.AddWithValue("h", RecordHash.Payload(payload));
                    cmd.Parameters.AddWithValue("reasons", DeadLetterReasons.ToJson([f.Reason]));
                    cmd.Parameters.AddWithValue("url", OcrUrl.Mask(f.MediaUrl));
                    cmd.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, Utc(b.Now));
                    if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1) dead++;
                    else seen++;
                }
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new OcrBatchResult(written, dead, seen, resolved);
        }, batch, $"commit {batch.Layers.Count} text layers and {batch.Failures.Count} OCR dead letters of '{batch.Source}' to", cancellationToken);
    }

    private string Ocr(string sql) => sql.Replace("{s}", _sql.Schema, StringComparison.Ordinal);
}
