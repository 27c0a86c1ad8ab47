namespace MuseumSync.Storage;

/// <summary>
/// Migration 6 on every store: <c>museum_record_text</c>, one OCR text layer per record image, keyed like
/// <c>museum_records</c> by (source, object_id). <c>content_hash</c> is the SHA-256 of the image bytes that were read.
/// <c>{s}</c> is the quoted schema name on SQL Server and PostgreSQL.
/// </summary>
internal static class OcrTextSchema
{
    public const string Sqlite = """
        CREATE TABLE IF NOT EXISTS museum_record_text (
            source          TEXT    NOT NULL,
            object_id       TEXT    NOT NULL,
            media_url       TEXT    NOT NULL,
            content_hash    BLOB    NOT NULL,
            engine          TEXT    NOT NULL,
            engine_version  TEXT    NOT NULL,
            languages       TEXT    NOT NULL,
            mean_confidence REAL,
            plain_text      TEXT    NOT NULL,
            hocr            TEXT    NOT NULL,
            image_width     INTEGER NOT NULL,
            image_height    INTEGER NOT NULL,
            word_count      INTEGER NOT NULL,
            recognized_utc  TEXT    NOT NULL,
            PRIMARY KEY (source, object_id)
        );
        """;

    public const string PostgreSql = """
        CREATE TABLE IF NOT EXISTS {s}.museum_record_text (
            source          text             NOT NULL,
            object_id       text             NOT NULL,
            media_url       text             NOT NULL,
            content_hash    bytea            NOT NULL,
            engine          text             NOT NULL,
            engine_version  text             NOT NULL,
            languages       text             NOT NULL,
            mean_confidence double precision,
            plain_text      text             NOT NULL,
            hocr            text             NOT NULL,
            image_width     integer          NOT NULL,
            image_height    integer          NOT NULL,
            word_count      integer          NOT NULL,
            recognized_utc  timestamptz      NOT NULL,
            CONSTRAINT pk_museum_record_text PRIMARY KEY (source, object_id)
        );
        """;

    public const string SqlServer = """
        CREATE TABLE {s}.museum_record_text (
            source          nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
            object_id       nvarchar(350) COLLATE Latin1_General_100_BIN2 NOT NULL,
            media_url       nvarchar(max) NOT NULL,
            content_hash    binary(32)    NOT NULL,
            engine          nvarchar(50)  NOT NULL,
            engine_version  nvarchar(50)  NOT NULL,
            languages       nvarchar(200) NOT NULL,
            mean_confidence float         NULL,
            plain_text      nvarchar(max) NOT NULL,
            hocr            nvarchar(max) NOT NULL,
            image_width     int           NOT NULL,
            image_height    int           NOT NULL,
            word_count      int           NOT NULL,
            recognized_utc  datetime2(3)  NOT NULL,
            CONSTRAINT pk_museum_record_text PRIMARY KEY CLUSTERED (source, object_id)
        );
        """;
}
