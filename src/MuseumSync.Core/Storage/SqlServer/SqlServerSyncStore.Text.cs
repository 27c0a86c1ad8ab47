using System.Data;
using Microsoft.Data.SqlClient;
using MuseumSync.Ocr;

namespace MuseumSync.Storage.SqlServer;

/// <summary>OCR text layers on SQL Server (migration 6).</summary>
internal sealed partial class SqlServerSyncStore : IOcrTextStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<OcrCandidate>> GetOcrCandidatesAsync(string source, DateTimeOffset? since, string? afterObjectId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return RunAsync(static async (s, q, ct) =>
        {
            var c = await s.ConnectionAsync(ct).ConfigureAwait(false);
            var cmd = s.Command(c, s._sql.Migration(SqlServerOcrStatements.Candidates));
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.Add("@s", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = q.source;
                cmd.Parameters.Add("@after", SqlDbType.NVarChar, SqlServerSchema.MaxObjectIdLength).Value = (object?)q.afterObjectId ?? DBNull.Value;
                cmd.Parameters.Add("@since", SqlDbType.DateTime2).Value = q.since is { } t ? Db(t) : DBNull.Value;
                cmd.Parameters.Add("@n", SqlDbType.Int).Value = q.limit;
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
            var cmd = s.Command(c, s._sql.Migration(SqlServerOcrStatements.Layers));
            await using (cmd.ConfigureAwait(false))
            {
                cmd.Parameters.Add("@s", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = q.source;
                cmd.Parameters.Add("@id", SqlDbType.NVarChar, SqlServerSchema.MaxObjectIdLength).Value = (object?)q.objectId ?? DBNull.Value;
                cmd.Parameters.Add("@after", SqlDbType.NVarChar, SqlServerSchema.MaxObjectIdLength).Value = (object?)q.afterObjectId ?? DBNull.Value;
                cmd.Parameters.Add("@n", SqlDbType.Int).Value = q.limit;
                IReadOnlyList<MuseumRecordText> list = [];
                try
                {
                    list = await OcrTextSql.ReadLayersAsync(cmd, static (row, i) => Utc(row.GetDateTime(i)), ct).ConfigureAwait(false);
                }
                catch (SqlException ex) when (IsMissingTable(ex))
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
            using var tx = (SqlTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            int written = 0, dead = 0, seen = 0, resolved = 0;
            foreach (var l in b.Layers)
            {
                var cmd = s.Command(c, s._sql.Migration(SqlServerOcrStatements.MergeLayer), tx);
                await using (cmd.ConfigureAwait(false))
                {
                    OcrTextSql.BindLayer(l, (name, value) => cmd.Parameters.AddWithValue("@" + name, value), static t => Db(t));
                    cmd.Parameters["@source"].SqlDbType = SqlDbType.NVarChar;
                    cmd.Parameters["@object_id"].SqlDbType = SqlDbType.NVarChar;
                    cmd.Parameters["@mean_confidence"].SqlDbType = SqlDbType.Float;
                    cmd.Parameters["@recognized_utc"].SqlDbType = SqlDbType.DateTime2;
                    written += await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0 ? 1 : 0;
                }
            }
            foreach (var k in b.Resolved)
            {
                var cmd = s.Command(c, s._sql.Migration(SqlServerOcrStatements.ResolveDeadLetter), tx);
                await using (cmd.ConfigureAwait(false))
                {
                    cmd.Parameters.Add("@s", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = b.Source;
                    cmd.Parameters.Add("@h", SqlDbType.Binary, 16).Value = RecordHash.Payload(OcrDeadLetter.Payload(k.ObjectId, k.Url));
                    resolved += await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }
            foreach (var f in b.Failures)
            {
                var payload = OcrDeadLetter.Payload(f.ObjectId, f.MediaUrl);
                var cmd = s.Command(c, s._sql.Migration(SqlServerOcrStatements.MergeDeadLetter), tx);
                await using (cmd.ConfigureAwait(false))
                {
                    cmd.Parameters.Add("@s", SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength).Value = b.Source;
                    cmd.Parameters.Add("@id", SqlDbType.NVarChar, SqlServerSchema.MaxObjectIdLength).Value = f.ObjectId;
                    cmd.Parameters.Add("@payload", SqlDbType.NVarChar, -1).Value = payload;
                    cmd.Parameters.Add("@h", SqlDbType.Binary, 16).Value = RecordHash.Payload(payload);
                    cmd.Parameters.Add("@reasons", SqlDbType.NVarChar, -1).Value = DeadLetterReasons.ToJson([f.Reason]);
                    cmd.Parameters.Add("@url", SqlDbType.NVarChar, -1).Value = OcrUrl.Mask(f.MediaUrl);
                    cmd.Parameters.Add("@now", SqlDbType.DateTime2).Value = Db(b.Now);
                    if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1) dead++;
                    else seen++;
                }
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new OcrBatchResult(written, dead, seen, resolved);
        }, batch, $"commit {batch.Layers.Count} text layers and {batch.Failures.Count} OCR dead letters of '{batch.Source}' to", cancellationToken);
    }
}
