using System.Data.Common;
using MuseumSync.Storage.Leases;
using Npgsql;
using NpgsqlTypes;

namespace MuseumSync.Storage.PostgreSql;

/// <summary>PostgreSQL's SQL, parameters, times and errors for the steps every server store shares (<see cref="AdoSyncStore{TStore, TConnection, TCommand}"/>).</summary>
internal sealed class PostgresDialect(PostgresStatements sql) : AdoDialect(Statements(sql))
{
    private static AdoStatements Statements(PostgresStatements sql)
    {
        var s = sql.Schema;
        return new()
        {
            Schema = s,
            Migrations = PostgresSchema.Migrations,
            SchemaLock = sql.MigrationLock,
            Bootstrap = sql.Bootstrap,
            MigrationApplied = sql.MigrationApplied,
            MigrationRecord = sql.MigrationRecord,
            MigrationVersions = sql.MigrationVersions,
            SelectCheckpoints = sql.SelectCheckpoints + " ORDER BY source COLLATE \"C\"",
            SelectCheckpoint = sql.SelectCheckpoints + " WHERE source = @source",
            SetCheckpoint = sql.SetCheckpoint,
            ResetCheckpoint = sql.ResetCheckpoint,
            SelectDeadLetters = sql.SelectDeadLetters + " WHERE (@source IS NULL OR source = @source) AND (@since IS NULL OR last_seen_utc >= @since) ORDER BY id LIMIT @limit",
            ClaimLease = sql.ClaimLease,
            SelectLease = sql.SelectLease,
            TakeOverLease = sql.TakeOverLease,
            RenewLease = sql.RenewLease,
            ReleaseLease = sql.ReleaseLease,
            CountForDelete = $"""
                SELECT (SELECT count(*) FROM {s}.museum_records WHERE source = @source),
                       (SELECT count(*) FROM {s}.museum_records WHERE source = @source AND object_id = ANY(@ids))
                """,
            BudgetReserve = RequestBudgetSql.PostgresReserve(s),
            BudgetEnsure = RequestBudgetSql.PostgresEnsure(s),
            BudgetReturn = RequestBudgetSql.PostgresReturn(s),
            BudgetSelect = RequestBudgetSql.PostgresSelect(s),
            OcrCandidates = OcrTextSql.Candidates(s + ".", "@s", "@after", "@since", "", "LIMIT @n"),
            OcrLayers = OcrTextSql.Layers(s + ".", "@s", "@id", "@after", "LIMIT @n"),
            OcrUpsertLayer = $"""
                INSERT INTO {s}.museum_record_text ({OcrTextSql.LayerColumns})
                VALUES ({string.Join(", ", OcrTextSql.LayerParameters.Select(p => "@" + p))})
                ON CONFLICT (source, object_id) DO UPDATE SET {string.Join(", ", OcrTextSql.LayerParameters.Skip(2).Select(p => $"{p} = excluded.{p}"))}
                """,
            OcrResolveDeadLetter = $"DELETE FROM {s}.sync_dead_letters WHERE source = @s AND payload_hash = @h",
            OcrUpsertDeadLetter = $"""
                INSERT INTO {s}.sync_dead_letters AS t (source, object_id, payload, payload_hash, reasons, source_url, first_seen_utc, last_seen_utc)
                VALUES (@s, @id, @payload, @h, @reasons::jsonb, @url, @now, @now)
                ON CONFLICT (source, payload_hash) DO UPDATE SET reasons = excluded.reasons, last_seen_utc = excluded.last_seen_utc, attempt_count = t.attempt_count + 1
                RETURNING attempt_count
                """,
        };
    }

    public override void Add(DbCommand cmd, string name, AdoType type, object? value) => P(cmd).AddWithValue(name, type switch
    {
        AdoType.Int => NpgsqlDbType.Integer,
        AdoType.Time => NpgsqlDbType.TimestampTz,
        AdoType.Hash => NpgsqlDbType.Bytea,
        _ => NpgsqlDbType.Text,
    }, value is DateTimeOffset t ? PostgresSyncStore.Utc(t) : value ?? DBNull.Value);

    public override void BindResource(DbCommand cmd, string resource) => P(cmd).AddWithValue("resource", resource);

    public override void BindHolderId(DbCommand cmd, string name, string holderId) => P(cmd).AddWithValue(name, holderId);

    public override void BindHolder(DbCommand cmd, LeaseIdentity me)
    {
        P(cmd).AddWithValue("host", me.Host);
        P(cmd).AddWithValue("pid", me.ProcessId);
        P(cmd).AddWithValue("started", NpgsqlDbType.TimestampTz, me.ProcessStarted is { } s ? PostgresSyncStore.Utc(s) : DBNull.Value);
    }

    public override void BindDuration(DbCommand cmd, TimeSpan duration) => P(cmd).AddWithValue("seconds", NpgsqlDbType.Double, duration.TotalSeconds);

    public override void BindCheckpointChange(DbCommand cmd, CheckpointChange change)
    {
        P(cmd).AddWithValue("setCursor", change.SetCursor);
        P(cmd).AddWithValue("cursor", NpgsqlDbType.Text, (object?)change.Cursor ?? DBNull.Value);
        P(cmd).AddWithValue("setWatermark", change.SetWatermark);
        P(cmd).AddWithValue("watermark", NpgsqlDbType.Text, (object?)change.Watermark ?? DBNull.Value);
    }

    /// <summary>The lock is a transaction-level advisory lock on the name's hash.</summary>
    public override void BindSchemaLock(DbCommand cmd, string lockName) => P(cmd).AddWithValue("lock", lockName);

    /// <summary>Nothing: the bootstrap names the schema in its text.</summary>
    public override void BindBootstrap(DbCommand cmd, string schema)
    {
    }

    /// <summary>A <c>text[]</c>.</summary>
    public override void BindIds(DbCommand cmd, string name, IReadOnlyCollection<string> ids) => P(cmd).AddWithValue(name, ids.ToArray());

    public override void BindLayer(DbCommand cmd, MuseumRecordText layer)
    {
        OcrTextSql.BindLayer(layer, (name, value) => P(cmd).AddWithValue(name, value), static t => PostgresSyncStore.Utc(t));
        P(cmd)["mean_confidence"].NpgsqlDbType = NpgsqlDbType.Double;
    }

    public override DateTimeOffset ReadTime(DbDataReader r, int ordinal) => r.GetFieldValue<DateTimeOffset>(ordinal);

    /// <summary>Undefined table (42P01) or schema (3F000).</summary>
    public override bool IsMissingTable(DbException ex) => ex is PostgresException { SqlState: "42P01" or "3F000" };

    public override bool IsStoreError(Exception ex) => ex is NpgsqlException or TimeoutException;

    public override bool IsTransient(Exception ex) => PostgresTransientErrors.IsTransient(ex);

    private static NpgsqlParameterCollection P(DbCommand cmd) => ((NpgsqlCommand)cmd).Parameters;
}
