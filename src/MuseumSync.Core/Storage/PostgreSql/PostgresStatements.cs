namespace MuseumSync.Storage.PostgreSql;

/// <summary>
/// Every SQL statement the PostgreSQL store sends, for one schema. The schema name is validated and quoted; every value
/// is a parameter. The staging tables are session temp tables emptied at each commit.
/// </summary>
internal sealed class PostgresStatements
{
    public const string RecordStage = "museumsync_records_stage";
    public const string DeadStage = "museumsync_dead_stage";

    /// <summary>The record columns the store's two COPYs write first, in this order (PostgresSyncStore.WriteRecordAsync).</summary>
    private const string RecordColumns = "source, object_id, accession_number, title, creation_date, rights_statement, embargo_date, access_tier, " +
        "iiif_manifest_url, media_url, raw_json, content_hash, position, source_url, correlation_id, access_tier_assigned, tier_rule, creation_sort, " +
        "creation_end_date, creation_end_sort";

    private const string ClockNow = "clock_timestamp()";
    private const string ClockExpiry = "clock_timestamp() + make_interval(secs => @seconds)";

    public PostgresStatements(string schema)
    {
        var s = SqlIdentifier.QuotePostgres(schema);
        Schema = s;

        Bootstrap = $"""
            CREATE SCHEMA IF NOT EXISTS {s};
            CREATE TABLE IF NOT EXISTS {s}.schema_migrations (
                version     integer     NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
                description text        NOT NULL,
                applied_utc timestamptz NOT NULL
            );
            """;
        MigrationLock = "SELECT pg_advisory_xact_lock(hashtextextended(@lock, 0))";
        MigrationApplied = $"SELECT count(*) FROM {s}.schema_migrations WHERE version = @version";
        MigrationRecord = $"INSERT INTO {s}.schema_migrations (version, description, applied_utc) VALUES (@version, @description, clock_timestamp())";
        MigrationVersions = $"SELECT version FROM {s}.schema_migrations";

        CreateStages = $"""
            CREATE TEMP TABLE IF NOT EXISTS {RecordStage} (
                ordinal integer NOT NULL, source text NOT NULL, object_id text NOT NULL, accession_number text, title text NOT NULL,
                creation_date text, rights_statement text, embargo_date date, access_tier text NOT NULL, iiif_manifest_url text,
                media_url text, raw_json text NOT NULL, content_hash bytea NOT NULL, first_hash bytea, force_write boolean NOT NULL,
                position text, source_url text, correlation_id text, access_tier_assigned text, tier_rule text, creation_sort bigint,
                creation_end_date text, creation_end_sort bigint
            ) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS {DeadStage} (
                source text NOT NULL, object_id text, payload text NOT NULL, payload_hash bytea NOT NULL, reasons jsonb NOT NULL,
                source_url text, position text, correlation_id text, occurrences integer NOT NULL
            ) ON COMMIT DELETE ROWS;
            """;
        // Both record COPYs start with the same columns in the same order (RecordColumns), so one row writer serves both.
        CopyRecords = $"COPY {RecordStage} ({RecordColumns}, ordinal, first_hash, force_write) FROM STDIN (FORMAT BINARY)";
        CopyNewRecords = $"COPY {s}.museum_records ({RecordColumns}, first_seen_utc, last_changed_utc) FROM STDIN (FORMAT BINARY)";
        // One primary-key lookup per id, null where the id has no row: a scalar subquery per id cannot be planned as a scan
        // of the table, which "object_id = ANY(@ids)" was in some benchmark runs (20-30 µs of server CPU per row, not 3).
        // Unlocked: an unchanged row is left alone (as the upsert's WHERE leaves it), a changed one goes through the upsert.
        StoredHashes = $"""
            SELECT (SELECT t.content_hash FROM {s}.museum_records AS t WHERE t.source = @source AND t.object_id = k.object_id)
            FROM unnest(@ids) WITH ORDINALITY AS k(object_id, n)
            ORDER BY k.n
            """;
        CopyDeadLetters = $"""
            COPY {DeadStage} (source, object_id, payload, payload_hash, reasons, source_url, position, correlation_id, occurrences)
            FROM STDIN (FORMAT BINARY)
            """;
        StoredHashOfRepeatedKeys = $"""
            SELECT s.object_id, t.content_hash
            FROM {RecordStage} AS s
            JOIN {s}.museum_records AS t ON t.source = s.source AND t.object_id = s.object_id
            WHERE s.first_hash IS NOT NULL
            FOR UPDATE OF t
            """;
        // Rows whose content hash did not change are left alone (the WHERE of DO UPDATE); forced rows are written whatever is stored.
        Upsert = $"""
            WITH written AS (
                INSERT INTO {s}.museum_records AS t (source, object_id, accession_number, title, creation_date, rights_statement, embargo_date,
                    access_tier, iiif_manifest_url, media_url, raw_json, content_hash, position, source_url, correlation_id,
                    first_seen_utc, last_changed_utc, access_tier_assigned, tier_rule, creation_sort, creation_end_date, creation_end_sort)
                SELECT source, object_id, accession_number, title, creation_date, rights_statement, embargo_date,
                    access_tier, iiif_manifest_url, media_url, raw_json, content_hash, position, source_url, correlation_id, @now, @now,
                    access_tier_assigned, tier_rule, creation_sort, creation_end_date, creation_end_sort
                FROM {RecordStage}
                WHERE force_write = @forced
                ORDER BY object_id
                ON CONFLICT (source, object_id) DO UPDATE SET
                    accession_number = excluded.accession_number, title = excluded.title, creation_date = excluded.creation_date,
                    rights_statement = excluded.rights_statement, embargo_date = excluded.embargo_date, access_tier = excluded.access_tier,
                    iiif_manifest_url = excluded.iiif_manifest_url, media_url = excluded.media_url, raw_json = excluded.raw_json,
                    content_hash = excluded.content_hash, position = excluded.position, source_url = excluded.source_url,
                    correlation_id = excluded.correlation_id, last_changed_utc = excluded.last_changed_utc,
                    access_tier_assigned = excluded.access_tier_assigned, tier_rule = excluded.tier_rule,
                    creation_sort = excluded.creation_sort, creation_end_date = excluded.creation_end_date,
                    creation_end_sort = excluded.creation_end_sort
                WHERE @forced OR t.content_hash <> excluded.content_hash
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written
            """;
        DeleteRecords = $"DELETE FROM {s}.museum_records WHERE source = @source AND object_id = ANY(@ids)";
        UpsertDeadLetters = $"""
            WITH written AS (
                INSERT INTO {s}.sync_dead_letters AS t (source, object_id, payload, payload_hash, reasons, source_url, position,
                    correlation_id, first_seen_utc, last_seen_utc, attempt_count)
                SELECT source, object_id, payload, payload_hash, reasons, source_url, position, correlation_id, @now, @now, occurrences
                FROM {DeadStage}
                ON CONFLICT (source, payload_hash) DO UPDATE SET
                    last_seen_utc = excluded.last_seen_utc, attempt_count = t.attempt_count + excluded.attempt_count
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted) FROM written
            """;
        ResolveDeadLetters = $"""
            DELETE FROM {s}.sync_dead_letters AS d
            USING unnest(@sources, @hashes) AS k(source, payload_hash)
            WHERE d.source = k.source AND d.payload_hash = k.payload_hash
            """;
        AdvanceCheckpoint = $"""
            INSERT INTO {s}.sync_checkpoints AS c (source, endpoint, position, last_sync_utc, records_committed, dead_lettered, batches, watermark)
            VALUES (@source, @endpoint, CASE WHEN @advance THEN @position END, @now, @committed, @dead, 1, @watermark)
            ON CONFLICT (source) DO UPDATE SET
                endpoint = COALESCE(excluded.endpoint, c.endpoint),
                watermark = COALESCE(excluded.watermark, c.watermark),
                position = CASE WHEN @advance THEN @position ELSE c.position END,
                last_sync_utc = excluded.last_sync_utc,
                records_committed = c.records_committed + excluded.records_committed,
                dead_lettered = c.dead_lettered + excluded.dead_lettered,
                batches = c.batches + 1
            """;
        SelectCheckpoints = $"SELECT source, endpoint, position, last_sync_utc, records_committed, dead_lettered, batches, watermark FROM {s}.sync_checkpoints";
        SetCheckpoint = $"""
            INSERT INTO {s}.sync_checkpoints AS c (source, position, watermark, records_committed, dead_lettered, batches)
            VALUES (@source, CASE WHEN @setCursor THEN @cursor END, CASE WHEN @setWatermark THEN @watermark END, 0, 0, 0)
            ON CONFLICT (source) DO UPDATE SET
                position = CASE WHEN @setCursor THEN @cursor ELSE c.position END,
                watermark = CASE WHEN @setWatermark THEN @watermark ELSE c.watermark END
            """;
        ResetCheckpoint = $"UPDATE {s}.sync_checkpoints SET position = NULL, watermark = NULL WHERE source = @source";
        SelectDeadLetters = $"SELECT id, source, object_id, payload, reasons::text, source_url, position, correlation_id, first_seen_utc, last_seen_utc, attempt_count FROM {s}.sync_dead_letters";

        ClaimLease = $"""
            INSERT INTO {s}.sync_leases AS l (resource, holder_id, holder_host, holder_pid, holder_started_utc, acquired_utc, renewed_utc, expires_utc)
            VALUES (@resource, @holder, @host, @pid, @started, {ClockNow}, {ClockNow}, {ClockExpiry})
            ON CONFLICT (resource) DO UPDATE SET
                holder_id = excluded.holder_id, holder_host = excluded.holder_host, holder_pid = excluded.holder_pid,
                holder_started_utc = excluded.holder_started_utc,
                acquired_utc = CASE WHEN l.holder_id = excluded.holder_id THEN l.acquired_utc ELSE excluded.acquired_utc END,
                renewed_utc = excluded.renewed_utc, expires_utc = excluded.expires_utc
            WHERE l.expires_utc < excluded.renewed_utc OR l.holder_id = excluded.holder_id
            """;
        SelectLease = $"SELECT resource, holder_id, holder_host, holder_pid, holder_started_utc, acquired_utc, renewed_utc, expires_utc FROM {s}.sync_leases WHERE resource = @resource";
        TakeOverLease = $"""
            UPDATE {s}.sync_leases SET holder_id = @holder, holder_host = @host, holder_pid = @pid, holder_started_utc = @started,
                acquired_utc = {ClockNow}, renewed_utc = {ClockNow}, expires_utc = {ClockExpiry}
            WHERE resource = @resource AND holder_id = @previous
            """;
        RenewLease = $"UPDATE {s}.sync_leases SET renewed_utc = {ClockNow}, expires_utc = {ClockExpiry} WHERE resource = @resource AND holder_id = @holder";
        ReleaseLease = $"DELETE FROM {s}.sync_leases WHERE resource = @resource AND holder_id = @holder";
    }

    public string Schema { get; }

    public string Bootstrap { get; }
    public string MigrationLock { get; }
    public string MigrationApplied { get; }
    public string MigrationRecord { get; }
    public string MigrationVersions { get; }
    public string CreateStages { get; }
    public string CopyRecords { get; }
    public string CopyNewRecords { get; }
    public string StoredHashes { get; }
    public string CopyDeadLetters { get; }
    public string StoredHashOfRepeatedKeys { get; }
    public string Upsert { get; }
    public string DeleteRecords { get; }
    public string UpsertDeadLetters { get; }
    public string ResolveDeadLetters { get; }
    public string AdvanceCheckpoint { get; }
    public string SelectCheckpoints { get; }
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
}
