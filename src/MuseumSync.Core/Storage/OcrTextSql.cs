using System.Data.Common;
using MuseumSync.Ocr;

namespace MuseumSync.Storage;

/// <summary>
/// The text-layer statements every store runs, the same columns in the same order: only the parameter prefix
/// (<c>$</c> on SQLite, <c>@</c> elsewhere), the schema prefix and the row limit differ.
/// </summary>
internal static class OcrTextSql
{
    /// <summary>The layer columns in the order <see cref="ReadLayer"/> reads them.</summary>
    public const string LayerColumns = "source, object_id, media_url, content_hash, engine, engine_version, languages, mean_confidence, plain_text, hocr, image_width, image_height, word_count, recognized_utc";

    /// <summary>The parameter names of a layer, in column order (<see cref="BindLayer"/>).</summary>
    public static readonly string[] LayerParameters = ["source", "object_id", "media_url", "content_hash", "engine", "engine_version", "languages", "mean_confidence", "plain_text", "hocr", "image_width", "image_height", "word_count", "recognized_utc"];

    /// <summary>SQLite's upsert of one layer.</summary>
    public static readonly string UpsertLayerSqlite = $"""
        INSERT INTO museum_record_text ({LayerColumns})
        VALUES ({string.Join(", ", LayerParameters.Select(p => "$" + p))})
        ON CONFLICT (source, object_id) DO UPDATE SET {string.Join(", ", LayerParameters.Skip(2).Select(p => $"{p} = excluded.{p}"))}
        """;

    /// <summary>
    /// The source's records with a media or manifest URL after an object id, with their stored layer's URL and hash.
    /// <paramref name="schema"/> is empty or ends with a dot; <paramref name="top"/> and <paramref name="limit"/> bound the rows.
    /// </summary>
    public static string Candidates(string schema, string source, string after, string since, string top, string limit) => $"""
        SELECT {(limit.Length == 0 ? $"TOP ({top}) " : string.Empty)}r.object_id, r.media_url, r.iiif_manifest_url, t.media_url, t.content_hash
        FROM {schema}museum_records AS r
        LEFT JOIN {schema}museum_record_text AS t ON t.source = r.source AND t.object_id = r.object_id
        WHERE r.source = {source}
            AND ((r.media_url IS NOT NULL AND r.media_url <> '') OR (r.iiif_manifest_url IS NOT NULL AND r.iiif_manifest_url <> ''))
            AND ({after} IS NULL OR r.object_id > {after})
            AND ({since} IS NULL OR r.last_changed_utc >= {since})
        ORDER BY r.object_id
        {limit}
        """;

    /// <summary>The source's layers (or one object's) after an object id.</summary>
    public static string Layers(string schema, string source, string objectId, string after, string limit, string top = "") => $"""
        SELECT {(top.Length > 0 ? $"TOP ({top}) " : string.Empty)}{LayerColumns}
        FROM {schema}museum_record_text
        WHERE source = {source} AND ({objectId} IS NULL OR object_id = {objectId}) AND ({after} IS NULL OR object_id > {after})
        ORDER BY object_id
        {limit}
        """;

    /// <summary>Runs <paramref name="cmd"/> (a <see cref="Candidates"/> query) and reads every row.</summary>
    public static Task<List<OcrCandidate>> ReadCandidatesAsync(DbCommand cmd, CancellationToken cancellationToken) =>
        ReadAllAsync(cmd, ReadCandidate, cancellationToken);

    /// <summary>Runs <paramref name="cmd"/> (a <see cref="Layers"/> query) and reads every row; <paramref name="timestamp"/> reads the store's timestamp.</summary>
    public static Task<List<MuseumRecordText>> ReadLayersAsync(DbCommand cmd, Func<DbDataReader, int, DateTimeOffset> timestamp, CancellationToken cancellationToken) =>
        ReadAllAsync(cmd, r => ReadLayer(r, timestamp), cancellationToken);

    private static async Task<List<T>> ReadAllAsync<T>(DbCommand cmd, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (r.ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(read(r));
        }
        return list;
    }

    public static OcrCandidate ReadCandidate(DbDataReader r) => new(
        r.GetString(0),
        r.IsDBNull(1) ? null : r.GetString(1),
        r.IsDBNull(2) ? null : r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3),
        r.IsDBNull(4) ? null : (byte[])r.GetValue(4));

    public static MuseumRecordText ReadLayer(DbDataReader r, Func<DbDataReader, int, DateTimeOffset> timestamp) => new()
    {
        Source = r.GetString(0),
        ObjectId = r.GetString(1),
        MediaUrl = r.GetString(2),
        ContentHash = Convert.ToHexString((byte[])r.GetValue(3)).ToLowerInvariant(),
        Engine = r.GetString(4),
        EngineVersion = r.GetString(5),
        Languages = r.GetString(6),
        MeanConfidence = r.IsDBNull(7) ? null : r.GetDouble(7),
        Text = r.GetString(8),
        Hocr = r.GetString(9),
        ImageWidth = r.GetInt32(10),
        ImageHeight = r.GetInt32(11),
        WordCount = r.GetInt32(12),
        RecognizedAt = timestamp(r, 13),
    };

    /// <summary>Binds a layer's values by parameter name (<see cref="LayerParameters"/>); <paramref name="time"/> converts the timestamp for the store.</summary>
    public static void BindLayer(MuseumRecordText l, Action<string, object> bind, Func<DateTimeOffset, object> time)
    {
        bind("source", l.Source);
        bind("object_id", l.ObjectId);
        bind("media_url", l.MediaUrl);
        bind("content_hash", Convert.FromHexString(l.ContentHash));
        bind("engine", l.Engine);
        bind("engine_version", l.EngineVersion);
        bind("languages", l.Languages);
        bind("mean_confidence", l.MeanConfidence is { } c ? c : DBNull.Value);
        bind("plain_text", l.Text);
        bind("hocr", l.Hocr);
        bind("image_width", l.ImageWidth);
        bind("image_height", l.ImageHeight);
        bind("word_count", l.WordCount);
        bind("recognized_utc", time(l.RecognizedAt));
    }
}
