namespace MuseumSync.Storage.PostgreSql;

/// <summary>
/// The PostgreSQL schema as versioned migrations (the same versions as SQLite and SQL Server), each run once in its own
/// transaction under an advisory lock and recorded in <c>schema_migrations</c>. <c>{s}</c> is the quoted schema name.
/// </summary>
internal static class PostgresSchema
{
    public static readonly (int Version, string Description, string Sql)[] Migrations =
    [
        (1, "records, checkpoints, dead letters", """
            CREATE TABLE IF NOT EXISTS {s}.museum_records (
                source            text        NOT NULL,
                object_id         text        NOT NULL,
                accession_number  text,
                title             text        NOT NULL,
                creation_date     text,
                rights_statement  text,
                embargo_date      date,
                access_tier       text        NOT NULL CONSTRAINT ck_museum_records_access_tier CHECK (access_tier IN ('public', 'research', 'restricted')),
                iiif_manifest_url text,
                media_url         text,
                raw_json          text        NOT NULL,
                content_hash      bytea       NOT NULL,
                position          text,
                source_url        text,
                correlation_id    text,
                first_seen_utc    timestamptz NOT NULL,
                last_changed_utc  timestamptz NOT NULL,
                CONSTRAINT pk_museum_records PRIMARY KEY (source, object_id)
            );
            CREATE TABLE IF NOT EXISTS {s}.sync_checkpoints (
                source            text        NOT NULL CONSTRAINT pk_sync_checkpoints PRIMARY KEY,
                endpoint          text,
                position          text,
                last_sync_utc     timestamptz,
                records_committed bigint      NOT NULL DEFAULT 0,
                dead_lettered     bigint      NOT NULL DEFAULT 0,
                batches           bigint      NOT NULL DEFAULT 0
            );
            CREATE TABLE IF NOT EXISTS {s}.sync_dead_letters (
                id                bigint      GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_sync_dead_letters PRIMARY KEY,
                source            text        NOT NULL,
                object_id         text,
                payload           text        NOT NULL,
                payload_hash      bytea       NOT NULL,
                reasons           jsonb       NOT NULL,
                source_url        text,
                position          text,
                correlation_id    text,
                first_seen_utc    timestamptz NOT NULL,
                last_seen_utc     timestamptz NOT NULL,
                attempt_count     integer     NOT NULL DEFAULT 1,
                CONSTRAINT uq_sync_dead_letters_source_payload UNIQUE (source, payload_hash)
            );
            CREATE INDEX IF NOT EXISTS ix_sync_dead_letters_source_object ON {s}.sync_dead_letters (source, object_id);
            """),
        (2, "checkpoint watermark for incremental sync", """
            ALTER TABLE {s}.sync_checkpoints ADD COLUMN IF NOT EXISTS watermark text;
            """),
        (3, "leases: one worker per source or partition", """
            CREATE TABLE IF NOT EXISTS {s}.sync_leases (
                resource           text        NOT NULL CONSTRAINT pk_sync_leases PRIMARY KEY,
                holder_id          text        NOT NULL,
                holder_host        text        NOT NULL,
                holder_pid         integer     NOT NULL,
                holder_started_utc timestamptz,
                acquired_utc       timestamptz NOT NULL,
                renewed_utc        timestamptz NOT NULL,
                expires_utc        timestamptz NOT NULL
            );
            """),
        (4, "compliance: assigned access tier and the rule that decided it", """
            ALTER TABLE {s}.museum_records ADD COLUMN IF NOT EXISTS access_tier_assigned text
                CONSTRAINT ck_museum_records_access_tier_assigned CHECK (access_tier_assigned IN ('public', 'research', 'restricted'));
            ALTER TABLE {s}.museum_records ADD COLUMN IF NOT EXISTS tier_rule text;
            """),
        // creation_sort: year * 10000 + month * 100 + day of creation_date (see SqliteSchema, migration 5).
        (5, "creation_sort: a sortable key of creation_date (BCE and expanded years)", """
            ALTER TABLE {s}.museum_records ADD COLUMN IF NOT EXISTS creation_sort bigint GENERATED ALWAYS AS (
                CASE WHEN creation_date ~ '^[+-]?[0-9]{4}' THEN
                    (CASE WHEN left(creation_date, 1) = '-' THEN -1 ELSE 1 END) * substring(creation_date FROM '^[+-]?([0-9]{1,9})')::bigint * 10000
                    + COALESCE(substring(creation_date FROM '^[+-]?[0-9]+-([0-9]{2})')::bigint, 0) * 100
                    + COALESCE(substring(creation_date FROM '^[+-]?[0-9]+-[0-9]{2}-([0-9]{2})')::bigint, 0)
                END) STORED;
            """),
        (6, "OCR text layers beside the records", OcrTextSchema.PostgreSql),
        (7, RequestBudgetSchema.Description, RequestBudgetSchema.PostgreSql),
        (Jobs.JobSchema.Version, Jobs.JobSchema.Description, Jobs.JobSchema.PostgreSql),
        // creation_sort becomes a plain column that the session writes (see SqliteSchema, migration 9); DROP EXPRESSION
        // keeps every row's stored value.
        (9, "creation_sort: written with each record instead of computed by the database", """
            ALTER TABLE {s}.museum_records ALTER COLUMN creation_sort DROP EXPRESSION IF EXISTS;
            """),
        // The end of the creation date range and its sort key (see SqliteSchema, migration 10).
        (10, "creation_end_date and creation_end_sort: the end of the creation date range", """
            ALTER TABLE {s}.museum_records ADD COLUMN IF NOT EXISTS creation_end_date text;
            ALTER TABLE {s}.museum_records ADD COLUMN IF NOT EXISTS creation_end_sort bigint;
            """),
    ];
}
