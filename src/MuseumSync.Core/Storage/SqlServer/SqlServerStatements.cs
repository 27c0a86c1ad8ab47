namespace MuseumSync.Storage.SqlServer;

/// <summary>
/// Every T-SQL statement the SQL Server store sends, for one schema — and nothing is sent that is not here (the
/// ScriptDom test parses each of them). The schema name is validated and quoted; every value is a parameter. The
/// staging tables are session temp tables (created without parameters, so not inside sp_executesql, so they live as
/// long as the connection). Row counts come from <c>SELECT @@ROWCOUNT</c>, so a server or login with <c>SET NOCOUNT ON</c>
/// by default changes nothing.
/// </summary>
internal sealed class SqlServerStatements
{
    public const string RecordStage = "#museumsync_records_stage";
    public const string DeadStage = "#museumsync_dead_stage";
    public const string KeyStage = "#museumsync_keys_stage";

    /// <summary>Key-stage kinds.</summary>
    public const byte KindDeletion = 1;

    /// <summary>Key-stage kinds.</summary>
    public const byte KindResolvedDeadLetter = 2;

    private const string Bin2 = "COLLATE Latin1_General_100_BIN2";
    private const string Text = "COLLATE DATABASE_DEFAULT";
    private const string Expiry = "DATEADD(millisecond, @milliseconds, SYSUTCDATETIME())";

    public SqlServerStatements(string schema)
    {
        var s = SqlIdentifier.QuoteSqlServer(schema);
        Schema = s;

        // ---- schema install and upgrade
        SchemaLock = """
            DECLARE @lock_result int;
            EXEC @lock_result = sys.sp_getapplock @Resource = @lock, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = @lock_timeout;
            IF @lock_result < 0 THROW 50001, N'MuseumSync: another session holds the schema lock; try again when its upgrade has finished.', 1;
            """;
        Bootstrap = $"""
            IF SCHEMA_ID(@schema) IS NULL
            BEGIN
                DECLARE @ddl nvarchar(300) = N'CREATE SCHEMA ' + QUOTENAME(@schema);
                EXEC sys.sp_executesql @ddl;
            END;
            IF OBJECT_ID(N'{s}.schema_migrations', N'U') IS NULL
                CREATE TABLE {s}.schema_migrations (
                    version     int           NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY CLUSTERED,
                    description nvarchar(200) NOT NULL,
                    applied_utc datetime2(3)  NOT NULL
                );
            """;
        MigrationApplied = $"SELECT COUNT_BIG(*) FROM {s}.schema_migrations WHERE version = @version;";
        MigrationRecord = $"INSERT INTO {s}.schema_migrations (version, description, applied_utc) VALUES (@version, @description, SYSUTCDATETIME());";
        MigrationVersions = $"SELECT version FROM {s}.schema_migrations;";

        // ---- the batch
        CreateStages = $"""
            IF OBJECT_ID(N'tempdb..{RecordStage}', N'U') IS NULL
                CREATE TABLE {RecordStage} (
                    ordinal           int           NOT NULL,
                    source            nvarchar(100) {Bin2} NOT NULL,
                    object_id         nvarchar(350) {Bin2} NOT NULL PRIMARY KEY CLUSTERED,
                    accession_number  nvarchar(max) {Text} NULL,
                    title             nvarchar(max) {Text} NOT NULL,
                    creation_date     nvarchar(100) {Text} NULL,
                    rights_statement  nvarchar(max) {Text} NULL,
                    embargo_date      date          NULL,
                    access_tier       varchar(10)   {Text} NOT NULL,
                    iiif_manifest_url nvarchar(max) {Text} NULL,
                    media_url         nvarchar(max) {Text} NULL,
                    raw_json          nvarchar(max) {Text} NOT NULL,
                    content_hash      binary(16)    NOT NULL,
                    first_hash        binary(16)    NULL,
                    force_write       bit           NOT NULL,
                    position          nvarchar(max) {Text} NULL,
                    source_url        nvarchar(max) {Text} NULL,
                    correlation_id    nvarchar(max) {Text} NULL,
                    access_tier_assigned varchar(10) {Text} NULL,
                    tier_rule         nvarchar(max) {Text} NULL,
                    creation_sort     bigint        NULL,
                    creation_end_date nvarchar(100) {Text} NULL,
                    creation_end_sort bigint        NULL
                );
            IF OBJECT_ID(N'tempdb..{DeadStage}', N'U') IS NULL
                CREATE TABLE {DeadStage} (
                    source            nvarchar(100) {Bin2} NOT NULL,
                    object_id         nvarchar(350) {Bin2} NULL,
                    payload           nvarchar(max) {Text} NOT NULL,
                    payload_hash      binary(16)    NOT NULL PRIMARY KEY CLUSTERED,
                    reasons           nvarchar(max) {Text} NOT NULL,
                    source_url        nvarchar(max) {Text} NULL,
                    position          nvarchar(max) {Text} NULL,
                    correlation_id    nvarchar(max) {Text} NULL,
                    occurrences       int           NOT NULL
                );
            IF OBJECT_ID(N'tempdb..{KeyStage}', N'U') IS NULL
                CREATE TABLE {KeyStage} (
                    kind              tinyint       NOT NULL,
                    source            nvarchar(100) {Bin2} NOT NULL,
                    object_id         nvarchar(350) {Bin2} NULL,
                    payload_hash      binary(16)    NULL
                );
            """;
        ClearStages = $"""
            TRUNCATE TABLE {RecordStage};
            TRUNCATE TABLE {DeadStage};
            TRUNCATE TABLE {KeyStage};
            """;
        StoredHashOfRepeatedKeys = $"""
            SELECT s.object_id, t.content_hash
            FROM {RecordStage} AS s
            INNER JOIN {s}.museum_records AS t WITH (UPDLOCK, HOLDLOCK) ON t.source = s.source AND t.object_id = s.object_id
            WHERE s.first_hash IS NOT NULL;
            """;
        // Unchanged rows (same content hash) are not touched; a forced row (an id repeated in the batch with a change) always is.
        // OUTPUT … INTO, not a bare OUTPUT, so a DBA's audit trigger on the table does not break the batch.
        MergeRecords = $"""
            DECLARE @actions TABLE (merge_action nvarchar(10) NOT NULL);
            MERGE {s}.museum_records WITH (HOLDLOCK) AS t
            USING {RecordStage} AS s
                ON t.source = s.source AND t.object_id = s.object_id
            WHEN MATCHED AND (s.force_write = 1 OR t.content_hash <> s.content_hash) THEN
                UPDATE SET
                    accession_number = s.accession_number, title = s.title, creation_date = s.creation_date,
                    rights_statement = s.rights_statement, embargo_date = s.embargo_date, access_tier = s.access_tier,
                    iiif_manifest_url = s.iiif_manifest_url, media_url = s.media_url, raw_json = s.raw_json,
                    content_hash = s.content_hash, position = s.position, source_url = s.source_url,
                    correlation_id = s.correlation_id, last_changed_utc = @now,
                    access_tier_assigned = s.access_tier_assigned, tier_rule = s.tier_rule, creation_sort = s.creation_sort,
                    creation_end_date = s.creation_end_date, creation_end_sort = s.creation_end_sort
            WHEN NOT MATCHED BY TARGET THEN
                INSERT (source, object_id, accession_number, title, creation_date, rights_statement, embargo_date, access_tier,
                    iiif_manifest_url, media_url, raw_json, content_hash, position, source_url, correlation_id, first_seen_utc, last_changed_utc,
                    access_tier_assigned, tier_rule, creation_end_date, creation_end_sort, creation_sort)
                VALUES (s.source, s.object_id, s.accession_number, s.title, s.creation_date, s.rights_statement, s.embargo_date, s.access_tier,
                    s.iiif_manifest_url, s.media_url, s.raw_json, s.content_hash, s.position, s.source_url, s.correlation_id, @now, @now,
                    s.access_tier_assigned, s.tier_rule, s.creation_end_date, s.creation_end_sort, s.creation_sort)
            OUTPUT $action INTO @actions (merge_action);
            SELECT COUNT_BIG(CASE WHEN merge_action = N'INSERT' THEN 1 END) AS inserted,
                   COUNT_BIG(CASE WHEN merge_action = N'UPDATE' THEN 1 END) AS updated
            FROM @actions;
            """;
        DeleteRecords = $"""
            DELETE t
            FROM {s}.museum_records AS t
            INNER JOIN {KeyStage} AS k ON k.kind = {KindDeletion} AND t.source = k.source AND t.object_id = k.object_id;
            SELECT @@ROWCOUNT AS affected;
            """;
        MergeDeadLetters = $"""
            DECLARE @actions TABLE (merge_action nvarchar(10) NOT NULL);
            MERGE {s}.sync_dead_letters WITH (HOLDLOCK) AS t
            USING {DeadStage} AS s
                ON t.source = s.source AND t.payload_hash = s.payload_hash
            WHEN MATCHED THEN
                UPDATE SET last_seen_utc = @now, attempt_count = t.attempt_count + s.occurrences
            WHEN NOT MATCHED BY TARGET THEN
                INSERT (source, object_id, payload, payload_hash, reasons, source_url, position, correlation_id, first_seen_utc, last_seen_utc, attempt_count)
                VALUES (s.source, s.object_id, s.payload, s.payload_hash, s.reasons, s.source_url, s.position, s.correlation_id, @now, @now, s.occurrences)
            OUTPUT $action INTO @actions (merge_action);
            SELECT COUNT_BIG(CASE WHEN merge_action = N'INSERT' THEN 1 END) AS inserted FROM @actions;
            """;
        ResolveDeadLetters = $"""
            DELETE d
            FROM {s}.sync_dead_letters AS d
            INNER JOIN {KeyStage} AS k ON k.kind = {KindResolvedDeadLetter} AND d.source = k.source AND d.payload_hash = k.payload_hash;
            SELECT @@ROWCOUNT AS affected;
            """;
        AdvanceCheckpoint = $"""
            MERGE {s}.sync_checkpoints WITH (HOLDLOCK) AS c
            USING (SELECT @source AS source) AS s
                ON c.source = s.source
            WHEN MATCHED THEN
                UPDATE SET
                    endpoint = COALESCE(@endpoint, c.endpoint),
                    watermark = COALESCE(@watermark, c.watermark),
                    position = CASE WHEN @advance = 1 THEN @position ELSE c.position END,
                    last_sync_utc = @now,
                    records_committed = c.records_committed + @committed,
                    dead_lettered = c.dead_lettered + @dead,
                    batches = c.batches + 1
            WHEN NOT MATCHED BY TARGET THEN
                INSERT (source, endpoint, position, last_sync_utc, records_committed, dead_lettered, batches, watermark)
                VALUES (@source, @endpoint, CASE WHEN @advance = 1 THEN @position END, @now, @committed, @dead, 1, @watermark);
            """;

        // ---- checkpoints and dead letters
        const string checkpointColumns = "source, endpoint, position, last_sync_utc, records_committed, dead_lettered, batches, watermark";
        SelectCheckpoints = $"SELECT {checkpointColumns} FROM {s}.sync_checkpoints ORDER BY source;";
        SelectCheckpoint = $"SELECT {checkpointColumns} FROM {s}.sync_checkpoints WHERE source = @source;";
        SetCheckpoint = $"""
            MERGE {s}.sync_checkpoints WITH (HOLDLOCK) AS c
            USING (SELECT @source AS source) AS s
                ON c.source = s.source
            WHEN MATCHED THEN
                UPDATE SET
                    position = CASE WHEN @set_cursor = 1 THEN @cursor ELSE c.position END,
                    watermark = CASE WHEN @set_watermark = 1 THEN @watermark ELSE c.watermark END
            WHEN NOT MATCHED BY TARGET THEN
                INSERT (source, position, watermark, records_committed, dead_lettered, batches)
                VALUES (@source, CASE WHEN @set_cursor = 1 THEN @cursor END, CASE WHEN @set_watermark = 1 THEN @watermark END, 0, 0, 0);
            """;
        ResetCheckpoint = $"UPDATE {s}.sync_checkpoints SET position = NULL, watermark = NULL WHERE source = @source; SELECT @@ROWCOUNT AS affected;";
        SelectDeadLetters = $"""
            SELECT TOP (@limit) id, source, object_id, payload, reasons, source_url, position, correlation_id, first_seen_utc, last_seen_utc, attempt_count
            FROM {s}.sync_dead_letters
            WHERE (@source IS NULL OR source = @source) AND (@since IS NULL OR last_seen_utc >= @since)
            ORDER BY id
            OPTION (RECOMPILE);
            """;

        // ---- leases (database clock)
        ClaimLease = $"""
            MERGE {s}.sync_leases WITH (HOLDLOCK) AS l
            USING (SELECT @resource AS resource) AS s
                ON l.resource = s.resource
            WHEN MATCHED AND (l.expires_utc < SYSUTCDATETIME() OR l.holder_id = @holder) THEN
                UPDATE SET
                    holder_id = @holder, holder_host = @host, holder_pid = @pid, holder_started_utc = @started,
                    acquired_utc = CASE WHEN l.holder_id = @holder THEN l.acquired_utc ELSE SYSUTCDATETIME() END,
                    renewed_utc = SYSUTCDATETIME(), expires_utc = {Expiry}
            WHEN NOT MATCHED BY TARGET THEN
                INSERT (resource, holder_id, holder_host, holder_pid, holder_started_utc, acquired_utc, renewed_utc, expires_utc)
                VALUES (@resource, @holder, @host, @pid, @started, SYSUTCDATETIME(), SYSUTCDATETIME(), {Expiry});
            """;
        SelectLease = $"SELECT resource, holder_id, holder_host, holder_pid, holder_started_utc, acquired_utc, renewed_utc, expires_utc FROM {s}.sync_leases WHERE resource = @resource;";
        TakeOverLease = $"""
            UPDATE {s}.sync_leases
            SET holder_id = @holder, holder_host = @host, holder_pid = @pid, holder_started_utc = @started,
                acquired_utc = SYSUTCDATETIME(), renewed_utc = SYSUTCDATETIME(), expires_utc = {Expiry}
            WHERE resource = @resource AND holder_id = @previous;
            SELECT @@ROWCOUNT AS affected;
            """;
        RenewLease = $"UPDATE {s}.sync_leases SET renewed_utc = SYSUTCDATETIME(), expires_utc = {Expiry} WHERE resource = @resource AND holder_id = @holder; SELECT @@ROWCOUNT AS affected;";
        ReleaseLease = $"DELETE FROM {s}.sync_leases WHERE resource = @resource AND holder_id = @holder;";
    }

    public string Schema { get; }

    public string SchemaLock { get; }
    public string Bootstrap { get; }
    public string MigrationApplied { get; }
    public string MigrationRecord { get; }
    public string MigrationVersions { get; }
    public string CreateStages { get; }
    public string ClearStages { get; }
    public string StoredHashOfRepeatedKeys { get; }
    public string MergeRecords { get; }
    public string DeleteRecords { get; }
    public string MergeDeadLetters { get; }
    public string ResolveDeadLetters { get; }
    public string AdvanceCheckpoint { get; }
    public string SelectCheckpoints { get; }
    public string SelectCheckpoint { get; }
    public string SetCheckpoint { get; }
    public string ResetCheckpoint { get; }
    public string SelectDeadLetters { get; }
    public string ClaimLease { get; }
    public string SelectLease { get; }
    public string TakeOverLease { get; }
    public string RenewLease { get; }
    public string ReleaseLease { get; }

    /// <summary>A migration's SQL for this schema.</summary>
    public string Migration(string sql) => sql.Replace("{s}", Schema, StringComparison.Ordinal);

    /// <summary>Every statement above and every migration, by name: what the ScriptDom test parses.</summary>
    public IEnumerable<(string Name, string Sql)> All()
    {
        foreach (var p in typeof(SqlServerStatements).GetProperties())
        {
            if (p.PropertyType == typeof(string) && p.Name != nameof(Schema)) yield return (p.Name, (string)p.GetValue(this)!);
        }
        foreach (var (version, _, sql) in SqlServerSchema.Migrations) yield return ($"Migration{version}", Migration(sql));
    }
}
