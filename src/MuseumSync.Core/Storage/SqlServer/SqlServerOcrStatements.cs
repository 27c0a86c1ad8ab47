namespace MuseumSync.Storage.SqlServer;

/// <summary>
/// The T-SQL of the text layers (<c>{s}</c> is the quoted schema); parsed by ScriptDom in the tests, since no SQL Server runs there.
/// The statements whose row count the store reads end with <c>SELECT @@ROWCOUNT</c> (read by <c>AffectedAsync</c>), so a
/// server or login with <c>SET NOCOUNT ON</c> still counts right.
/// </summary>
internal static class SqlServerOcrStatements
{
    public static readonly string Candidates = OcrTextSql.Candidates("{s}.", "@s", "@after", "@since", "@n", string.Empty) + ";";

    public static readonly string Layers = OcrTextSql.Layers("{s}.", "@s", "@id", "@after", string.Empty, "@n") + ";";

    public static readonly string MergeLayer = $"""
        MERGE {"{s}"}.museum_record_text WITH (HOLDLOCK) AS t
        USING (SELECT @source AS source, @object_id AS object_id) AS k ON t.source = k.source AND t.object_id = k.object_id
        WHEN MATCHED THEN UPDATE SET {string.Join(", ", OcrTextSql.LayerParameters.Skip(2).Select(p => $"{p} = @{p}"))}
        WHEN NOT MATCHED THEN INSERT ({OcrTextSql.LayerColumns}) VALUES ({string.Join(", ", OcrTextSql.LayerParameters.Select(p => "@" + p))});
        SELECT @@ROWCOUNT AS affected;
        """;

    public const string ResolveDeadLetter = "DELETE FROM {s}.sync_dead_letters WHERE source = @s AND payload_hash = @h; SELECT @@ROWCOUNT AS affected;";

    public const string MergeDeadLetter = """
        MERGE {s}.sync_dead_letters WITH (HOLDLOCK) AS t
        USING (SELECT @s AS source, @h AS payload_hash) AS k ON t.source = k.source AND t.payload_hash = k.payload_hash
        WHEN MATCHED THEN UPDATE SET reasons = @reasons, last_seen_utc = @now, attempt_count = t.attempt_count + 1
        WHEN NOT MATCHED THEN INSERT (source, object_id, payload, payload_hash, reasons, source_url, first_seen_utc, last_seen_utc)
            VALUES (@s, @id, @payload, @h, @reasons, @url, @now, @now)
        OUTPUT inserted.attempt_count;
        """;
}
