using System.Data.Common;
using MuseumSync.Ocr;

namespace MuseumSync.Storage;

/// <summary>OCR text layers on a server store (migration 6).</summary>
internal abstract partial class AdoSyncStore<TStore, TConnection, TCommand> : IOcrTextStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<OcrCandidate>> GetOcrCandidatesAsync(string source, DateTimeOffset? since, string? afterObjectId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return RunAsync(static async (s, q, ct) =>
        {
            var cmd = s.Command(await s.ConnectionAsync(ct).ConfigureAwait(false), s.Sql.OcrCandidates);
            await using (cmd.ConfigureAwait(false))
            {
                s.Dialect.Add(cmd, "s", AdoType.Source, q.source);
                s.Dialect.Add(cmd, "after", AdoType.ObjectId, q.afterObjectId);
                s.Dialect.Add(cmd, "since", AdoType.Time, q.since);
                s.Dialect.Add(cmd, "n", AdoType.Int, q.limit);
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
            var cmd = s.Command(await s.ConnectionAsync(ct).ConfigureAwait(false), s.Sql.OcrLayers);
            await using (cmd.ConfigureAwait(false))
            {
                s.Dialect.Add(cmd, "s", AdoType.Source, q.source);
                s.Dialect.Add(cmd, "id", AdoType.ObjectId, q.objectId);
                s.Dialect.Add(cmd, "after", AdoType.ObjectId, q.afterObjectId);
                s.Dialect.Add(cmd, "n", AdoType.Int, q.limit);
                IReadOnlyList<MuseumRecordText> list = [];
                try
                {
                    list = await OcrTextSql.ReadLayersAsync(cmd, s.Dialect.ReadTime, ct).ConfigureAwait(false);
                }
                catch (DbException ex) when (s.Dialect.IsMissingTable(ex))
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
                var cmd = s.Command(c, s.Sql.OcrUpsertLayer, tx);
                await using (cmd.ConfigureAwait(false))
                {
                    s.Dialect.BindLayer(cmd, l);
                    written += await s.Dialect.AffectedAsync(cmd, ct).ConfigureAwait(false) > 0 ? 1 : 0;
                }
            }
            foreach (var k in b.Resolved)
            {
                var cmd = s.Command(c, s.Sql.OcrResolveDeadLetter, tx);
                await using (cmd.ConfigureAwait(false))
                {
                    s.Dialect.Add(cmd, "s", AdoType.Source, b.Source);
                    s.Dialect.Add(cmd, "h", AdoType.Hash, RecordHash.Payload(OcrDeadLetter.Payload(k.ObjectId, k.Url)));
                    resolved += await s.Dialect.AffectedAsync(cmd, ct).ConfigureAwait(false);
                }
            }
            foreach (var f in b.Failures)
            {
                var payload = OcrDeadLetter.Payload(f.ObjectId, f.MediaUrl);
                var cmd = s.Command(c, s.Sql.OcrUpsertDeadLetter, tx);
                await using (cmd.ConfigureAwait(false))
                {
                    s.Dialect.Add(cmd, "s", AdoType.Source, b.Source);
                    s.Dialect.Add(cmd, "id", AdoType.ObjectId, f.ObjectId);
                    s.Dialect.Add(cmd, "payload", AdoType.Text, payload);
                    s.Dialect.Add(cmd, "h", AdoType.Hash, RecordHash.Payload(payload));
                    s.Dialect.Add(cmd, "reasons", AdoType.Text, DeadLetterReasons.ToJson([f.Reason]));
                    s.Dialect.Add(cmd, "url", AdoType.Text, OcrUrl.Mask(f.MediaUrl));
                    s.Dialect.Add(cmd, "now", AdoType.Time, b.Now);
                    if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1) dead++;
                    else seen++;
                }
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new OcrBatchResult(written, dead, seen, resolved);
        }, batch, $"commit {batch.Layers.Count} text layers and {batch.Failures.Count} OCR dead letters of '{batch.Source}' to", cancellationToken);
    }
}
