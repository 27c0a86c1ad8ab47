using System.Data;
using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.SqlClient;
using MuseumSync.Storage.Leases;

namespace MuseumSync.Storage.SqlServer;

/// <summary>SQL Server's T-SQL, parameters, times and errors for the steps every server store shares (<see cref="AdoSyncStore{TStore, TConnection, TCommand}"/>).</summary>
internal sealed class SqlServerDialect(SqlServerStatements sql) : AdoDialect(Statements(sql))
{
    /// <summary>The statement of <see cref="AdoStatements.CountForDelete"/> for a quoted schema (OPENJSON: SQL Server 2016 and later).</summary>
    internal static string CountForDeleteSql(string schema) => $"""
        SELECT (SELECT COUNT_BIG(*) FROM {schema}.museum_records WHERE source = @source),
               (SELECT COUNT_BIG(*) FROM {schema}.museum_records WHERE source = @source
                    AND object_id IN (SELECT id FROM OPENJSON(@ids) WITH (id nvarchar(350) '$')));
        """;

    private static AdoStatements Statements(SqlServerStatements sql) => new()
    {
        Schema = sql.Schema,
        Migrations = SqlServerSchema.Migrations,
        SchemaLock = sql.SchemaLock,
        Bootstrap = sql.Bootstrap,
        MigrationApplied = sql.MigrationApplied,
        MigrationRecord = sql.MigrationRecord,
        MigrationVersions = sql.MigrationVersions,
        SelectCheckpoints = sql.SelectCheckpoints,
        SelectCheckpoint = sql.SelectCheckpoint,
        SetCheckpoint = sql.SetCheckpoint,
        ResetCheckpoint = sql.ResetCheckpoint,
        SelectDeadLetters = sql.SelectDeadLetters,
        ClaimLease = sql.ClaimLease,
        SelectLease = sql.SelectLease,
        TakeOverLease = sql.TakeOverLease,
        RenewLease = sql.RenewLease,
        ReleaseLease = sql.ReleaseLease,
        CountForDelete = CountForDeleteSql(sql.Schema),
        BudgetReserve = RequestBudgetSql.SqlServerReserve(sql.Schema),
        BudgetEnsure = RequestBudgetSql.SqlServerEnsure(sql.Schema),
        BudgetReturn = RequestBudgetSql.SqlServerReturn(sql.Schema),
        BudgetSelect = RequestBudgetSql.SqlServerSelect(sql.Schema),
        OcrCandidates = sql.Migration(SqlServerOcrStatements.Candidates),
        OcrLayers = sql.Migration(SqlServerOcrStatements.Layers),
        OcrUpsertLayer = sql.Migration(SqlServerOcrStatements.MergeLayer),
        OcrResolveDeadLetter = sql.Migration(SqlServerOcrStatements.ResolveDeadLetter),
        OcrUpsertDeadLetter = sql.Migration(SqlServerOcrStatements.MergeDeadLetter),
    };

    public override void Add(DbCommand cmd, string name, AdoType type, object? value)
    {
        var (dbType, size) = type switch
        {
            AdoType.Source => (SqlDbType.NVarChar, SqlServerSchema.MaxSourceLength),
            AdoType.ObjectId => (SqlDbType.NVarChar, SqlServerSchema.MaxObjectIdLength),
            AdoType.Description => (SqlDbType.NVarChar, 200),
            AdoType.Text => (SqlDbType.NVarChar, -1),
            AdoType.Int => (SqlDbType.Int, 0),
            AdoType.Time => (SqlDbType.DateTime2, 0),
            AdoType.Hash => (SqlDbType.Binary, 16),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a parameter type of the SQL Server store."),
        };
        var p = size == 0 ? P(cmd).Add("@" + name, dbType) : P(cmd).Add("@" + name, dbType, size);
        p.Value = value is DateTimeOffset t ? SqlServerSyncStore.Db(t) : value ?? DBNull.Value;
    }

    public override void BindResource(DbCommand cmd, string resource) => P(cmd).Add("@resource", SqlDbType.NVarChar, 200).Value = resource;

    public override void BindHolderId(DbCommand cmd, string name, string holderId) => P(cmd).Add("@" + name, SqlDbType.VarChar, 64).Value = holderId;

    public override void BindHolder(DbCommand cmd, LeaseIdentity me)
    {
        P(cmd).Add("@host", SqlDbType.NVarChar, 256).Value = me.Host;
        P(cmd).Add("@pid", SqlDbType.Int).Value = me.ProcessId;
        P(cmd).Add("@started", SqlDbType.DateTime2).Value = me.ProcessStarted is { } s ? SqlServerSyncStore.Db(s) : DBNull.Value;
    }

    public override void BindDuration(DbCommand cmd, TimeSpan duration) => P(cmd).Add("@milliseconds", SqlDbType.Int).Value = (int)duration.TotalMilliseconds;

    public override void BindCheckpointChange(DbCommand cmd, CheckpointChange change)
    {
        P(cmd).Add("@set_cursor", SqlDbType.Bit).Value = change.SetCursor;
        P(cmd).Add("@cursor", SqlDbType.NVarChar, -1).Value = (object?)change.Cursor ?? DBNull.Value;
        P(cmd).Add("@set_watermark", SqlDbType.Bit).Value = change.SetWatermark;
        P(cmd).Add("@watermark", SqlDbType.NVarChar, 200).Value = (object?)change.Watermark ?? DBNull.Value;
    }

    /// <summary>sp_getapplock's resource, and its wait: the command's timeout, so the lock gives up before the command does.</summary>
    public override void BindSchemaLock(DbCommand cmd, string lockName)
    {
        P(cmd).Add("@lock", SqlDbType.NVarChar, 255).Value = lockName;
        P(cmd).Add("@lock_timeout", SqlDbType.Int).Value = cmd.CommandTimeout * 1000;
    }

    /// <summary>The schema's name, for <c>CREATE SCHEMA</c> when it is missing.</summary>
    public override void BindBootstrap(DbCommand cmd, string schema) => P(cmd).Add("@schema", SqlDbType.NVarChar, 128).Value = schema;

    /// <summary>A JSON array (<c>OPENJSON</c>): SQL Server has no array parameters.</summary>
    public override void BindIds(DbCommand cmd, string name, IReadOnlyCollection<string> ids) => P(cmd).Add("@" + name, SqlDbType.NVarChar, -1).Value = JsonSerializer.Serialize(ids);

    public override void BindLayer(DbCommand cmd, MuseumRecordText layer)
    {
        var p = P(cmd);
        OcrTextSql.BindLayer(layer, (name, value) => p.AddWithValue("@" + name, value), static t => SqlServerSyncStore.Db(t));
        p["@source"].SqlDbType = SqlDbType.NVarChar;
        p["@object_id"].SqlDbType = SqlDbType.NVarChar;
        p["@mean_confidence"].SqlDbType = SqlDbType.Float;
        p["@recognized_utc"].SqlDbType = SqlDbType.DateTime2;
    }

    public override DateTimeOffset ReadTime(DbDataReader r, int ordinal) => SqlServerSyncStore.Utc(r.GetDateTime(ordinal));

    /// <summary>Invalid object name (208).</summary>
    public override bool IsMissingTable(DbException ex) => ex is SqlException { Number: 208 };

    /// <summary>SqlClient's errors, timeouts, and the <see cref="InvalidOperationException"/>s SqlClient throws on a broken connection.</summary>
    public override bool IsStoreError(Exception ex) => ex is SqlException or TimeoutException or InvalidOperationException { Source: "Core Microsoft SqlClient Data Provider" };

    public override bool IsTransient(Exception ex) => SqlServerTransientErrors.IsTransient(ex);

    public override Task<int> AffectedAsync(DbCommand cmd, CancellationToken ct) => SqlServerSyncStore.AffectedAsync((SqlCommand)cmd, ct);

    private static SqlParameterCollection P(DbCommand cmd) => ((SqlCommand)cmd).Parameters;
}
