namespace MuseumSync.Storage.SqlServer;

/// <summary>
/// The SQL Server schema as versioned migrations (the same versions as SQLite and PostgreSQL), each run once in its own
/// transaction under <c>sp_getapplock</c> and recorded in <c>schema_migrations</c>. <c>{s}</c> is the quoted schema name.
/// Keys use a binary collation, so object ids compare exactly as on SQLite and PostgreSQL (case and accents matter).
/// </summary>
internal static class SqlServerSchema
{
    /// <summary>The longest source name (the key is (source, object_id) within SQL Server's 900-byte clustered key).</summary>
    public const int MaxSourceLength = 100;

    /// <summary>The longest object id.</summary>
    public const int MaxObjectIdLength = 350;

    public static readonly (int Version, string Description, string Sql)[] Migrations =
    [
        (1, "records, checkpoints, dead letters", """
            CREATE TABLE {s}.museum_records (
                source            nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
                object_id         nvarchar(350) COLLATE Latin1_General_100_BIN2 NOT NULL,
                accession_number  nvarchar(max) NULL,
                title             nvarchar(max) NOT NULL,
                creation_date     nvarchar(100) NULL,
                rights_statement  nvarchar(max) NULL,
                embargo_date      date          NULL,
                access_tier       varchar(10)   NOT NULL CONSTRAINT ck_museum_records_access_tier CHECK (access_tier IN ('public', 'research', 'restricted')),
                iiif_manifest_url nvarchar(max) NULL,
                media_url         nvarchar(max) NULL,
                raw_json          nvarchar(max) NOT NULL,
                content_hash      binary(16)    NOT NULL,
                position          nvarchar(max) NULL,
                source_url        nvarchar(max) NULL,
                correlation_id    nvarchar(max) NULL,
                first_seen_utc    datetime2(3)  NOT NULL,
                last_changed_utc  datetime2(3)  NOT NULL,
                CONSTRAINT pk_museum_records PRIMARY KEY CLUSTERED (source, object_id)
            );
            CREATE TABLE {s}.sync_checkpoints (
                source            nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_sync_checkpoints PRIMARY KEY CLUSTERED,
                endpoint          nvarchar(max) NULL,
                position          nvarchar(max) NULL,
                last_sync_utc     datetime2(3)  NULL,
                records_committed bigint        NOT NULL CONSTRAINT df_sync_checkpoints_records_committed DEFAULT (0),
                dead_lettered     bigint        NOT NULL CONSTRAINT df_sync_checkpoints_dead_lettered DEFAULT (0),
                batches           bigint        NOT NULL CONSTRAINT df_sync_checkpoints_batches DEFAULT (0)
            );
            CREATE TABLE {s}.sync_dead_letters (
                id                bigint        IDENTITY(1, 1) NOT NULL CONSTRAINT pk_sync_dead_letters PRIMARY KEY CLUSTERED,
                source            nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
                object_id         nvarchar(350) COLLATE Latin1_General_100_BIN2 NULL,
                payload           nvarchar(max) NOT NULL,
                payload_hash      binary(16)    NOT NULL,
                reasons           nvarchar(max) NOT NULL,
                source_url        nvarchar(max) NULL,
                position          nvarchar(max) NULL,
                correlation_id    nvarchar(max) NULL,
                first_seen_utc    datetime2(3)  NOT NULL,
                last_seen_utc     datetime2(3)  NOT NULL,
                attempt_count     int           NOT NULL CONSTRAINT df_sync_dead_letters_attempt_count DEFAULT (1),
                CONSTRAINT uq_sync_dead_letters_source_payload UNIQUE (source, payload_hash)
            );
            CREATE INDEX ix_sync_dead_letters_source_object ON {s}.sync_dead_letters (source, object_id);
            """),
        (2, "checkpoint watermark for incremental sync", """
            ALTER TABLE {s}.sync_checkpoints ADD watermark nvarchar(200) NULL;
            """),
        (3, "leases: one worker per source or partition", """
            CREATE TABLE {s}.sync_leases (
                resource           nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_sync_leases PRIMARY KEY CLUSTERED,
                holder_id          varchar(64)   NOT NULL,
                holder_host        nvarchar(256) NOT NULL,
                holder_pid         int           NOT NULL,
                holder_started_utc datetime2(3)  NULL,
                acquired_utc       datetime2(3)  NOT NULL,
                renewed_utc        datetime2(3)  NOT NULL,
                expires_utc        datetime2(3)  NOT NULL
            );
            """),
        (4, "compliance: assigned access tier and the rule that decided it", """
            ALTER TABLE {s}.museum_records ADD
                access_tier_assigned varchar(10)   NULL CONSTRAINT ck_museum_records_access_tier_assigned CHECK (access_tier_assigned IN ('public', 'research', 'restricted')),
                tier_rule            nvarchar(max) NULL;
            """),
        // creation_sort: year * 10000 + month * 100 + day of creation_date (see SqliteSchema, migration 5); the year's
        // digits end at the first non-digit after the sign.
        (5, "creation_sort: a sortable key of creation_date (BCE and expanded years)", """
            ALTER TABLE {s}.museum_records ADD creation_sort AS (
                CASE WHEN creation_date LIKE N'[0-9][0-9][0-9][0-9]%' OR creation_date LIKE N'[+-][0-9][0-9][0-9][0-9]%' THEN
                    (CASE WHEN LEFT(creation_date, 1) = N'-' THEN -1 ELSE 1 END)
                    * TRY_CAST(LEFT(SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END, 100),
                        PATINDEX(N'%[^0-9]%', SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END, 100) + N'x') - 1) AS bigint) * 10000
                    + CASE WHEN SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END
                            + PATINDEX(N'%[^0-9]%', SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END, 100) + N'x') - 1, 1) = N'-'
                        THEN COALESCE(TRY_CAST(SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END
                            + PATINDEX(N'%[^0-9]%', SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END, 100) + N'x'), 2) AS bigint), 0) * 100
                        ELSE 0 END
                    + CASE WHEN SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END
                            + PATINDEX(N'%[^0-9]%', SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END, 100) + N'x') - 1, 1) = N'-'
                        AND SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END
                            + PATINDEX(N'%[^0-9]%', SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END, 100) + N'x') + 2, 1) = N'-'
                        THEN COALESCE(TRY_CAST(SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END
                            + PATINDEX(N'%[^0-9]%', SUBSTRING(creation_date, CASE WHEN LEFT(creation_date, 1) IN (N'+', N'-') THEN 2 ELSE 1 END, 100) + N'x') + 3, 2) AS bigint), 0)
                        ELSE 0 END
                END);
            """),
        (6, "OCR text layers beside the records", OcrTextSchema.SqlServer),
        (7, RequestBudgetSchema.Description, RequestBudgetSchema.SqlServer),
        (Jobs.JobSchema.Version, Jobs.JobSchema.Description, Jobs.JobSchema.SqlServer),
        // creation_sort becomes a plain column that the session writes (see SqliteSchema, migration 9). A computed column
        // cannot be altered into a plain one: its values are copied to a new column, which takes its name. The copy runs
        // through EXEC because the batch is compiled before the new column exists.
        (9, "creation_sort: written with each record instead of computed by the database", """
            ALTER TABLE {s}.museum_records ADD creation_sort_kept bigint NULL;
            EXEC (N'UPDATE {s}.museum_records SET creation_sort_kept = creation_sort WHERE creation_sort IS NOT NULL');
            ALTER TABLE {s}.museum_records DROP COLUMN creation_sort;
            EXEC sp_rename N'{s}.museum_records.creation_sort_kept', N'creation_sort', N'COLUMN';
            """),
        // The end of the creation date range and its sort key (see SqliteSchema, migration 10).
        (10, "creation_end_date and creation_end_sort: the end of the creation date range", """
            ALTER TABLE {s}.museum_records ADD creation_end_date nvarchar(100) NULL, creation_end_sort bigint NULL;
            """),
    ];
}
