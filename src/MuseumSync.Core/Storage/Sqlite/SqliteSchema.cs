namespace MuseumSync.Storage.Sqlite;

/// <summary>The SQLite schema as versioned migrations; each runs once and is recorded in <c>schema_migrations</c>.</summary>
internal static class SqliteSchema
{
    public static readonly (int Version, string Description, string Sql)[] Migrations =
    [
        (1, "records, checkpoints, dead letters", """
            CREATE TABLE IF NOT EXISTS museum_records (
                source            TEXT    NOT NULL,
                object_id         TEXT    NOT NULL,
                accession_number  TEXT,
                title             TEXT    NOT NULL,
                creation_date     TEXT,
                rights_statement  TEXT,
                embargo_date      TEXT,
                access_tier       TEXT    NOT NULL,
                iiif_manifest_url TEXT,
                media_url         TEXT,
                raw_json          TEXT    NOT NULL,
                content_hash      BLOB    NOT NULL,
                position          TEXT,
                source_url        TEXT,
                correlation_id    TEXT,
                first_seen_utc    TEXT    NOT NULL,
                last_changed_utc  TEXT    NOT NULL,
                UNIQUE (source, object_id)
            );
            CREATE TABLE IF NOT EXISTS sync_checkpoints (
                source            TEXT    NOT NULL PRIMARY KEY,
                endpoint          TEXT,
                position          TEXT,
                last_sync_utc     TEXT,
                records_committed INTEGER NOT NULL DEFAULT 0,
                dead_lettered     INTEGER NOT NULL DEFAULT 0,
                batches           INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS sync_dead_letters (
                id                INTEGER PRIMARY KEY,
                source            TEXT    NOT NULL,
                object_id         TEXT,
                payload           TEXT    NOT NULL,
                payload_hash      BLOB    NOT NULL,
                reasons           TEXT    NOT NULL,
                source_url        TEXT,
                position          TEXT,
                correlation_id    TEXT,
                first_seen_utc    TEXT    NOT NULL,
                last_seen_utc     TEXT    NOT NULL,
                attempt_count     INTEGER NOT NULL DEFAULT 1,
                UNIQUE (source, payload_hash)
            );
            CREATE INDEX IF NOT EXISTS ix_sync_dead_letters_source_object ON sync_dead_letters (source, object_id);
            """),
        (2, "checkpoint watermark for incremental sync", """
            ALTER TABLE sync_checkpoints ADD COLUMN watermark TEXT;
            """),
        (3, "leases: one worker per source or partition", """
            CREATE TABLE IF NOT EXISTS sync_leases (
                resource           TEXT    NOT NULL PRIMARY KEY,
                holder_id          TEXT    NOT NULL,
                holder_host        TEXT    NOT NULL,
                holder_pid         INTEGER NOT NULL,
                holder_started_utc TEXT,
                acquired_utc       TEXT    NOT NULL,
                renewed_utc        TEXT    NOT NULL,
                expires_utc        TEXT    NOT NULL
            );
            """),
        (4, "compliance: assigned access tier and the rule that decided it", """
            ALTER TABLE museum_records ADD COLUMN access_tier_assigned TEXT CHECK (access_tier_assigned IN ('public', 'research', 'restricted'));
            ALTER TABLE museum_records ADD COLUMN tier_rule TEXT;
            """),
        // creation_sort orders creation dates across the common era (-0044 before 0044, -0044-03-15 after -0044): year
        // * 10000 + month * 100 + day of creation_date, computed by the database, so every writer stores it the same way.
        (5, "creation_sort: a sortable key of creation_date (BCE and expanded years)", """
            ALTER TABLE museum_records ADD COLUMN creation_sort INTEGER GENERATED ALWAYS AS (
                CASE WHEN creation_date GLOB '[0-9][0-9][0-9][0-9]*' OR creation_date GLOB '[+-][0-9][0-9][0-9][0-9]*' THEN
                    (CASE WHEN substr(creation_date, 1, 1) = '-' THEN -1 ELSE 1 END) * CAST(ltrim(creation_date, '+-') AS INTEGER) * 10000
                    + CASE WHEN instr(ltrim(creation_date, '+-'), '-') > 0
                        THEN CAST(substr(ltrim(creation_date, '+-'), instr(ltrim(creation_date, '+-'), '-') + 1, 2) AS INTEGER) * 100 ELSE 0 END
                    + CASE WHEN substr(ltrim(creation_date, '+-'), instr(ltrim(creation_date, '+-'), '-') + 3, 1) = '-' AND instr(ltrim(creation_date, '+-'), '-') > 0
                        THEN CAST(substr(ltrim(creation_date, '+-'), instr(ltrim(creation_date, '+-'), '-') + 4, 2) AS INTEGER) ELSE 0 END
                END) VIRTUAL;
            """),
        (6, "OCR text layers beside the records", OcrTextSchema.Sqlite),
    ];
}
