namespace MuseumSync.Storage;

/// <summary>
/// Migration 7 on every store: <c>sync_request_budget</c>, one row per source, the request budget every process and
/// worker syncing that source into the database shares (<see cref="Resilience.IRequestBudgetStore"/>). Times are
/// microseconds since 1970-01-01 UTC on the database's clock; <c>budget_day</c> is the UTC day (days since 1970-01-01)
/// that <c>day_used</c> counts. <c>{s}</c> is the quoted schema name on SQL Server and PostgreSQL.
/// </summary>
internal static class RequestBudgetSchema
{
    /// <summary>The migration's description, the same on every store.</summary>
    public const string Description = "request budget shared by every process that syncs a source";

    public const string Sqlite = """
        CREATE TABLE IF NOT EXISTS sync_request_budget (
            source          TEXT    NOT NULL PRIMARY KEY,
            next_slot_us    INTEGER NOT NULL DEFAULT 0,
            budget_day      INTEGER NOT NULL DEFAULT 0,
            day_used        INTEGER NOT NULL DEFAULT 0,
            day_limit       INTEGER,
            quota_until_us  INTEGER,
            quota_remaining INTEGER,
            last_start_us   INTEGER NOT NULL DEFAULT 0,
            last_granted    INTEGER NOT NULL DEFAULT 0,
            updated_us      INTEGER NOT NULL DEFAULT 0
        );
        """;

    public const string PostgreSql = """
        CREATE TABLE IF NOT EXISTS {s}.sync_request_budget (
            source          text    NOT NULL CONSTRAINT pk_sync_request_budget PRIMARY KEY,
            next_slot_us    bigint  NOT NULL DEFAULT 0,
            budget_day      integer NOT NULL DEFAULT 0,
            day_used        bigint  NOT NULL DEFAULT 0,
            day_limit       bigint,
            quota_until_us  bigint,
            quota_remaining bigint,
            last_start_us   bigint  NOT NULL DEFAULT 0,
            last_granted    integer NOT NULL DEFAULT 0,
            updated_us      bigint  NOT NULL DEFAULT 0
        );
        """;

    public const string SqlServer = """
        CREATE TABLE {s}.sync_request_budget (
            source          nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT pk_sync_request_budget PRIMARY KEY CLUSTERED,
            next_slot_us    bigint NOT NULL CONSTRAINT df_sync_request_budget_next_slot_us DEFAULT (0),
            budget_day      int    NOT NULL CONSTRAINT df_sync_request_budget_budget_day DEFAULT (0),
            day_used        bigint NOT NULL CONSTRAINT df_sync_request_budget_day_used DEFAULT (0),
            day_limit       bigint NULL,
            quota_until_us  bigint NULL,
            quota_remaining bigint NULL,
            last_start_us   bigint NOT NULL CONSTRAINT df_sync_request_budget_last_start_us DEFAULT (0),
            last_granted    int    NOT NULL CONSTRAINT df_sync_request_budget_last_granted DEFAULT (0),
            updated_us      bigint NOT NULL CONSTRAINT df_sync_request_budget_updated_us DEFAULT (0)
        );
        """;
}
