namespace MuseumSync.Jobs;

/// <summary>
/// Schema migration 8 on every store: submissions and their jobs, with each job's done-mark (<c>done_utc</c>). Times
/// are ISO 8601 text in all three databases (the job tables are read by MuseumSync only, and one format keeps the code
/// that reads them one code).
/// </summary>
internal static class JobSchema
{
    /// <summary>The migration's number.</summary>
    public const int Version = 8;

    /// <summary>The migration's description.</summary>
    public const string Description = "scale-out: submissions and job done-marks";

    /// <summary>SQLite.</summary>
    public const string Sqlite = """
        CREATE TABLE IF NOT EXISTS sync_submissions (
            id                  TEXT    NOT NULL PRIMARY KEY,
            source              TEXT    NOT NULL,
            created_utc         TEXT    NOT NULL,
            planned_jobs        INTEGER NOT NULL,
            done_jobs           INTEGER NOT NULL DEFAULT 0,
            finished_utc        TEXT,
            advance_checkpoint  INTEGER NOT NULL,
            checkpoint_position TEXT,
            watermark           TEXT
        );
        CREATE INDEX IF NOT EXISTS ix_sync_submissions_source ON sync_submissions (source, created_utc);
        CREATE TABLE IF NOT EXISTS sync_jobs (
            submission_id TEXT    NOT NULL REFERENCES sync_submissions (id),
            job_key       TEXT    NOT NULL,
            seq           INTEGER NOT NULL,
            kind          TEXT    NOT NULL,
            description   TEXT    NOT NULL,
            payload       TEXT    NOT NULL,
            state         TEXT    NOT NULL,
            attempts      INTEGER NOT NULL DEFAULT 0,
            last_error    TEXT,
            updated_utc   TEXT    NOT NULL,
            done_utc      TEXT,
            records       INTEGER,
            PRIMARY KEY (submission_id, job_key)
        );
        """;

    /// <summary>PostgreSQL (<c>{s}</c> is the quoted schema).</summary>
    public const string PostgreSql = """
        CREATE TABLE IF NOT EXISTS {s}.sync_submissions (
            id                  text    NOT NULL CONSTRAINT pk_sync_submissions PRIMARY KEY,
            source              text    NOT NULL,
            created_utc         text    NOT NULL,
            planned_jobs        integer NOT NULL,
            done_jobs           integer NOT NULL DEFAULT 0,
            finished_utc        text,
            advance_checkpoint  integer NOT NULL,
            checkpoint_position text,
            watermark           text
        );
        CREATE INDEX IF NOT EXISTS ix_sync_submissions_source ON {s}.sync_submissions (source, created_utc);
        CREATE TABLE IF NOT EXISTS {s}.sync_jobs (
            submission_id text    NOT NULL CONSTRAINT fk_sync_jobs_submission REFERENCES {s}.sync_submissions (id),
            job_key       text    NOT NULL,
            seq           integer NOT NULL,
            kind          text    NOT NULL,
            description   text    NOT NULL,
            payload       text    NOT NULL,
            state         text    NOT NULL,
            attempts      integer NOT NULL DEFAULT 0,
            last_error    text,
            updated_utc   text    NOT NULL,
            done_utc      text,
            records       integer,
            CONSTRAINT pk_sync_jobs PRIMARY KEY (submission_id, job_key)
        );
        """;

    /// <summary>SQL Server (<c>{s}</c> is the quoted schema).</summary>
    public const string SqlServer = """
        CREATE TABLE {s}.sync_submissions (
            id                  nvarchar(64)  NOT NULL CONSTRAINT pk_sync_submissions PRIMARY KEY,
            source              nvarchar(100) NOT NULL,
            created_utc         nvarchar(40)  NOT NULL,
            planned_jobs        int           NOT NULL,
            done_jobs           int           NOT NULL CONSTRAINT df_sync_submissions_done DEFAULT 0,
            finished_utc        nvarchar(40)  NULL,
            advance_checkpoint  int           NOT NULL,
            checkpoint_position nvarchar(max) NULL,
            watermark           nvarchar(100) NULL
        );
        CREATE INDEX ix_sync_submissions_source ON {s}.sync_submissions (source, created_utc);
        CREATE TABLE {s}.sync_jobs (
            submission_id nvarchar(64)  NOT NULL CONSTRAINT fk_sync_jobs_submission REFERENCES {s}.sync_submissions (id),
            job_key       nvarchar(200) NOT NULL,
            seq           int           NOT NULL,
            kind          nvarchar(20)  NOT NULL,
            description   nvarchar(400) NOT NULL,
            payload       nvarchar(max) NOT NULL,
            state         nvarchar(20)  NOT NULL,
            attempts      int           NOT NULL CONSTRAINT df_sync_jobs_attempts DEFAULT 0,
            last_error    nvarchar(max) NULL,
            updated_utc   nvarchar(40)  NOT NULL,
            done_utc      nvarchar(40)  NULL,
            records       int           NULL,
            CONSTRAINT pk_sync_jobs PRIMARY KEY (submission_id, job_key)
        );
        """;
}
