using System.Globalization;
using Microsoft.Data.Sqlite;
using MuseumSync.Json;

namespace MuseumSync.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode. Each batch is one <c>BEGIN IMMEDIATE</c> transaction of
/// prepared statements: look up the stored hashes of the batch's ids (one query), write what is new or changed, delete
/// what the source deleted, insert new dead letters, remove resolved ones, check the lease, update the checkpoint.
/// </summary>
/// <remarks>
/// Durability: <c>journal_mode=WAL</c> with <c>synchronous=NORMAL</c>. A committed batch is in the WAL file (written
/// through the OS) before <see cref="ISyncSession.CompleteAsync"/> returns, so it survives the process being killed at any
/// point; what NORMAL gives up against FULL is an fsync per commit, so after an OS crash or power loss the last
/// batches before the crash may be lost (the database stays consistent, and the checkpoint rolls back with them, so
/// a rerun fetches them again). The WAL is fsynced at each checkpoint, at most a second after a commit; checkpoints run on a
/// connection and thread of their own (<see cref="WalCheckpointer"/>), so a commit never waits for one. New files use 16 KiB pages. <c>cache_size</c> is 16 MiB (allocated as
/// used), so a batch of 5,000 1 KB rows does not spill its dirty pages mid-transaction, and the process stays well
/// under 200 MB however large the database grows (a larger cache was no faster: docs/guide/performance.md).
/// </remarks>
internal sealed partial class SqliteSyncStore : ISyncStore
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RawStatement? _lookup;
    private RawStatement? _upsert;
    private RawStatement? _update;
    private RawStatement? _delete;
    private RawStatement? _checksOff;
    private RawStatement? _checksOn;
    private SqliteCommand? _deadInsert;
    private SqliteCommand? _deadSeen;
    private SqliteCommand? _deadResolve;
    private SqliteCommand? _checkpoint;

    private readonly WalCheckpointer _walCheckpointer;
    private readonly TimeProvider _time;

    private SqliteSyncStore(string path, SqliteConnection connection, WalCheckpointer walCheckpointer, TimeProvider time)
    {
        DatabasePath = path;
        _connection = connection;
        _walCheckpointer = walCheckpointer;
        _time = time;
    }

    /// <summary>
    /// True (the default) to bind the batch's rows straight from their pinned chunks through <see cref="SqliteNative"/>
    /// when that library is the one that opened this connection; false binds every value through SQLitePCLRaw (copies),
    /// which is also what happens when it is not. Set before the first batch (tests compare the two).
    /// </summary>
    internal bool DirectBinding { get; set; } = true;

    /// <summary>True when the batch statements were prepared with direct entry points (tests and diagnostics).</summary>
    internal bool BindsDirectly { get; private set; }

    /// <summary>Background WAL checkpoints completed so far (tests and diagnostics).</summary>
    internal int WalCheckpoints => _walCheckpointer.Completed;

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public string Provider => "Sqlite";

    /// <inheritdoc />
    public string DisplayName => DatabasePath;

    /// <summary>Opens (and with <paramref name="create"/>, creates) the database file.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="create">True to create the file when it does not exist.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <param name="time">The clock that stamps applied migrations; the default is <see cref="TimeProvider.System"/>.</param>
    public static async Task<SqliteSyncStore> OpenAsync(string path, bool create, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!create && !File.Exists(full))
        {
            throw new SyncStoreException($"There is no MuseumSync database at '{full}'. Check -Database, or run Sync-MuseumRecord first to create it.");
        }
        var dir = Path.GetDirectoryName(full);
        if (create && !string.IsNullOrEmpty(dir))
        {
            try
            {
                Directory.CreateDirectory(dir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A bare IOException ("The file '...' already exists") names neither the database nor the fix.
                throw new SyncStoreException(
                    $"Could not create the folder '{dir}' for the SQLite database '{full}': {ex.Message} Check -Database: its folder must be a folder this account can create and write to.",
                    isTransient: false,
                    ex);
            }
        }
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        SqliteNative.ConfigureProcess();
        var connection = new SqliteConnection(cs);
        int pageBytes;
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Durability of WAL + NORMAL: see the remarks on the class.
            // page_size only takes effect on a new, empty file: 16 KiB pages hold a dozen 1 KB records each, so a batch
            // writes fewer pages than with 4 KiB (figures in docs/guide/performance.md); an existing database keeps the size it was made with.
            await ExecAsync(connection, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16384;", cancellationToken).ConfigureAwait(false);
            using var pageSize = connection.CreateCommand();
            pageSize.CommandText = "PRAGMA page_size;";
            pageBytes = Convert.ToInt32(await pageSize.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new SyncStoreException($"Could not open the SQLite database '{full}': {ex.Message}", ex.IsTransient, ex);
        }
        time ??= TimeProvider.System;
        return new SqliteSyncStore(full, connection, new WalCheckpointer(cs, pageBytes, time), time);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SchemaMigration>> InitializeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var applied = new List<SchemaMigration>();
            await ExecAsync(_connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_utc TEXT NOT NULL);", cancellationToken).ConfigureAwait(false);
            foreach (var (version, description, sql) in SqliteSchema.Migrations)
            {
                using var tx = _connection.BeginTransaction(deferred: false);
                using (var check = _connection.CreateCommand())
                {
                    check.Transaction = tx;
                    check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v";
                    check.Parameters.AddWithValue("$v", version);
                    if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
                    {
                        continue;
                    }
                }
                await MigrateAsync(version, sql, tx, cancellationToken).ConfigureAwait(false);
                using (var record = _connection.CreateCommand())
                {
                    record.Transaction = tx;
                    record.CommandText = "INSERT INTO schema_migrations (version, description, applied_utc) VALUES ($v, $d, $t)";
                    record.Parameters.AddWithValue("$v", version);
                    record.Parameters.AddWithValue("$d", description);
                    record.Parameters.AddWithValue("$t", Iso(_time.GetUtcNow()));
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                tx.Commit();
                applied.Add(new SchemaMigration(version, description));
            }
            return applied;
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not create or upgrade the MuseumSync schema in '{DatabasePath}': {ex.Message}", ex.IsTransient, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var done = new HashSet<int>();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT version FROM schema_migrations";
            try
            {
                using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) done.Add(r.GetInt32(0));
            }
            catch (SqliteException ex) when (IsNoSuchTable(ex))
            {
                // Not installed yet.
            }
            return SchemaStatus.From(Provider, DisplayName, schema: null, done, SqliteSchema.Migrations);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool IsNoSuchTable(SqliteException ex) => ex.SqliteErrorCode == 1 && ex.Message.Contains("no such table", StringComparison.Ordinal);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SyncCheckpoint>> GetCheckpointsAsync(string? source, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadCheckpointsAsync(source, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<SyncCheckpoint>> ReadCheckpointsAsync(string? source, CancellationToken cancellationToken)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT source, endpoint, position, last_sync_utc, records_committed, dead_lettered, batches, watermark FROM sync_checkpoints"
            + (source is null ? string.Empty : " WHERE source = $s") + " ORDER BY source";
        if (source is not null) cmd.Parameters.AddWithValue("$s", source);
        var list = new List<SyncCheckpoint>();
        try
        {
            using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new SyncCheckpoint
                {
                    Source = r.GetString(0),
                    Endpoint = r.IsDBNull(1) ? null : r.GetString(1),
                    Cursor = r.IsDBNull(2) ? null : r.GetString(2),
                    LastSyncTime = r.IsDBNull(3) ? null : DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    RecordsCommitted = r.GetInt64(4),
                    DeadLettered = r.GetInt64(5),
                    Batches = r.GetInt64(6),
                    Watermark = r.IsDBNull(7) ? null : r.GetString(7),
                    Database = DatabasePath,
                });
            }
        }
        catch (SqliteException ex) when (IsNoSuchTable(ex))
        {
            return list; // a database no sync has written to yet
        }
        return list;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadDeadLettersAsync(query, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(DeadLetterQuery query, CancellationToken cancellationToken)
    {
        using var cmd = _connection.CreateCommand();
        var where = new List<string>();
        if (query.Source is not null)
        {
            where.Add("source = $s");
            cmd.Parameters.AddWithValue("$s", query.Source);
        }
        if (query.Since is { } since)
        {
            where.Add("last_seen_utc >= $since");
            cmd.Parameters.AddWithValue("$since", Iso(since));
        }
        cmd.CommandText = "SELECT id, source, object_id, payload, reasons, source_url, position, correlation_id, first_seen_utc, last_seen_utc, attempt_count FROM sync_dead_letters"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)
            + " ORDER BY id" + (query.Limit is { } limit ? " LIMIT " + limit.ToString(CultureInfo.InvariantCulture) : string.Empty);
        var list = new List<DeadLetter>();
        try
        {
            using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(DeadLetterRow.Read(r, static (row, i) => ParseIso(row.GetString(i))));
            }
        }
        catch (SqliteException ex) when (IsNoSuchTable(ex))
        {
            return list;
        }
        return list;
    }

    private static DateTimeOffset ParseIso(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <inheritdoc />
    public ISyncSession BeginSession(string source) => new SqliteSyncSession(this, source);

    /// <summary>Commits a session: one writer at a time, like every other call on the connection.</summary>
    private async Task<BatchResult> CommitSessionAsync(SqliteSyncSession session, SessionCompletion done, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return CommitSession(session, done, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private BatchResult CommitSession(SqliteSyncSession batch, SessionCompletion done, CancellationToken cancellationToken)
    {
        PrepareCommands();
        var now = Iso(done.Now);
        int inserted = 0, updated = 0, unchanged = 0, dead = 0, deadSeen = 0, deleted = 0, resolved = 0;
        long written = 0; // about the bytes this transaction adds to the WAL: when the next checkpoint is due
        try
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            _deadInsert!.Transaction = tx;
            _deadSeen!.Transaction = tx;
            _deadResolve!.Transaction = tx;
            _checkpoint!.Transaction = tx;

            if (batch.Rows.Count > 0)
            {
                (inserted, updated, unchanged, written) = Upsert(batch.Source, batch.Rows, now, cancellationToken);
            }

            foreach (var r in batch.Deletions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _delete!.Text(1, batch.Source);
                _delete.Text(2, r.ObjectId);
                deleted += _delete.Execute();
            }

            foreach (var r in batch.DeadLetters)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var p = _deadInsert.Parameters;
                var payload = DeadLetterPayload.Stored(r);
                written += payload.Length;
                var payloadHash = RecordHash.Payload(payload);
                p[0].Value = batch.Source;
                p[1].Value = (object?)r.ObjectId ?? DBNull.Value;
                p[2].Value = payload;
                p[3].Value = payloadHash;
                p[4].Value = DeadLetterReasons.ToJson(r.Issues);
                p[5].Value = (object?)r.SourceUrl ?? DBNull.Value;
                p[6].Value = (object?)r.Position ?? DBNull.Value;
                p[7].Value = (object?)r.CorrelationId ?? DBNull.Value;
                p[8].Value = now;
                if (_deadInsert.ExecuteNonQuery() == 1)
                {
                    dead++;
                }
                else
                {
                    deadSeen++;
                    _deadSeen.Parameters[0].Value = batch.Source;
                    _deadSeen.Parameters[1].Value = payloadHash;
                    _deadSeen.Parameters[2].Value = now;
                    _deadSeen.ExecuteNonQuery();
                }
            }

            foreach (var d in batch.ResolvedDeadLetters)
            {
                _deadResolve.Parameters[0].Value = d.Source;
                _deadResolve.Parameters[1].Value = RecordHash.Payload(d.Payload);
                resolved += _deadResolve.ExecuteNonQuery();
            }

            if (done.Lease is { } lease && !RenewLease(lease, tx))
            {
                throw new SyncLeaseLostException($"The lease on '{lease.Resource}' in '{DatabasePath}' is held by another worker now (this one did not renew it in time). The batch was rolled back; this run stops, and the other worker carries on from the checkpoint.");
            }

            if (done.Job is { } job)
            {
                // The job's done-mark in this transaction: a job done already writes nothing; only the last job moves the checkpoint.
                var jobCommit = CommitJobMark(tx, job, inserted + updated + unchanged + deleted + dead + deadSeen, done.Now, cancellationToken);
                if (!jobCommit.Claimed) return BatchResult.JobAlreadyDone;
                done = jobCommit.Apply(done);
            }

            var c = _checkpoint.Parameters;
            c[0].Value = batch.Source;
            c[1].Value = (object?)done.Endpoint ?? DBNull.Value;
            c[2].Value = (object?)done.CheckpointPosition ?? DBNull.Value;
            c[3].Value = done.AdvanceCheckpoint ? 1 : 0;
            c[4].Value = now;
            c[5].Value = (long)(inserted + updated + unchanged) + done.Superseded;
            c[6].Value = dead;
            c[7].Value = (object?)done.Watermark ?? DBNull.Value;
            _checkpoint.ExecuteNonQuery();

            cancellationToken.ThrowIfCancellationRequested();
            tx.Commit();
            _walCheckpointer.Committed(written);
        }
        catch (SqliteException ex)
        {
            throw new SyncStoreException($"Could not commit a batch of {batch.Rows.Count} records and {batch.DeadLetters.Count} dead letters to '{DatabasePath}': {ex.Message}. Nothing of this batch was written; run again to resume from the checkpoint.", ex.IsTransient, ex);
        }
        return new BatchResult(inserted, updated, unchanged, dead, deadSeen) { Deleted = deleted, DeadLettersResolved = resolved };
    }

    /// <summary>
    /// The batch's records, counted as a row-by-row store counts them: each record against what is stored when it
    /// comes (a repeat of an id in the batch meets its predecessor's content), inserted when absent, unchanged when the
    /// hash matches (not written), updated otherwise; the last occurrence of an id wins. The stored hashes come from one
    /// query for the whole batch (the ids as a JSON array joined to the key index); only new and changed records are
    /// bound and written.
    /// </summary>
    private (int Inserted, int Updated, int Unchanged, long Written) Upsert(string source, CompactRecords rows, string now, CancellationToken cancellationToken)
    {
        const int H = RecordHash.Size;
        var n = rows.Count;
        var work = _work ??= new BatchScratch();
        work.Prepare(n);
        var hashes = work.Hashes;
        var ids = work.Ids;

        // The ids as one JSON array; their hashes meanwhile.
        ids.ResetWrittenCount();
        Ascii(ids, "["u8);
        for (var i = 0; i < n; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows.Hash(i).CopyTo(hashes.AsSpan(i * H, H));
            if (i > 0) Ascii(ids, ","u8);
            if (rows.ObjectId(i) is { } id) JsonStringText.AppendMinimal(ids, id);
            else Ascii(ids, "null"u8);
        }
        Ascii(ids, "]"u8);

        // The stored hash of every id that has a row (array position -> hash).
        var stored = work.Stored;
        var lookup = _lookup!;
        lookup.Text(1, source);
        lookup.Utf8(2, ids.WrittenSpan);
        try
        {
            while (lookup.Step())
            {
                var i = lookup.ColumnInt32(0);
                var blob = lookup.ColumnBlob(1);
                if ((uint)i >= (uint)n || blob.Length != H) continue;
                blob.CopyTo(stored.AsSpan(i * H, H));
                work.RowIds[i] = lookup.ColumnInt64(2);
                work.Found[i] = true;
            }
        }
        finally
        {
            lookup.Reset();
        }

        int inserted = 0, updated = 0, unchanged = 0;
        long written = 0;
        var latest = work.Latest;
        var upsert = _upsert!;
        var update = _update!;
        // The batch's source and time, bound once: SQLite keeps a statement's bindings across its resets.
        foreach (var statement in (ReadOnlySpan<RawStatement>)[upsert, update])
        {
            statement.Text(1, source);
            statement.Text(16, now);
        }
        // The rows' values are bound where they lie (no copy). The usings end in reverse: both statements clear their
        // bindings before the chunks are unpinned, and nothing writes to the chunks meanwhile.
        using var pins = rows.Pin();
        using var directUpsert = upsert.EnterDirect();
        using var directUpdate = update.EnterDirect();
        // museum_records has one CHECK, access_tier_assigned IN ('public', 'research', 'restricted'), and SQLite builds that
        // list again for every row it writes: about 1.3 µs a row, a fifth of the row's cost (docs/guide/performance.md).
        // These two statements write the column only from TierUtf8 (those three words) or NULL, so the check cannot
        // fail here: it is off for this loop alone and on again for every other statement (toggling it makes SQLite
        // prepare the connection's statements again on their next use, a few of them per batch).
        _checksOff!.Execute();
        try
        {
            for (var i = 0; i < n; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var objectId = rows.ObjectId(i);
                var hash = hashes.AsSpan(i * H, H);
                // What is stored when this record comes: a repeat meets its predecessor's content (written, or equal to it).
                ReadOnlySpan<byte> current = default;
                var exists = false;
                var rowId = 0L;
                if (objectId is not null && latest.TryGetValue(objectId, out var previous))
                {
                    current = hashes.AsSpan(previous * H, H);
                    rowId = work.RowIds[previous];
                    exists = true;
                    latest[objectId] = i;
                }
                else
                {
                    if (objectId is not null) latest.Add(objectId, i);
                    if (work.Found[i])
                    {
                        current = stored.AsSpan(i * H, H);
                        rowId = work.RowIds[i];
                        exists = true;
                    }
                }
                work.RowIds[i] = rowId;
                if (!exists) inserted++;
                else if (current.SequenceEqual(hash)) { unchanged++; continue; }
                else updated++;
                var u = exists ? update : upsert;
                written += rows.TextBytes(i);
                Bind(u, rows, i, work.Day);
                u.BlobPinned(12, hash);
                if (exists)
                {
                    u.Int64(19, rowId);
                    if (u.Execute() != 1) throw new InvalidOperationException($"The row of '{objectId}' (rowid {rowId}) was not found to update.");
                }
                else
                {
                    u.Execute();
                    work.RowIds[i] = upsert.LastInsertRowId();
                }
            }
        }
        finally
        {
            _checksOn!.Execute();
        }
        return (inserted, updated, unchanged, written);
    }

    private static void Ascii(System.Buffers.ArrayBufferWriter<byte> into, ReadOnlySpan<byte> text)
    {
        text.CopyTo(into.GetSpan(text.Length));
        into.Advance(text.Length);
    }

    /// <summary>
    /// Binds parameters 2-11, 13-15, 17, 18 and 20-22 of row <paramref name="i"/> (1 and 16 are the batch's, 12 is the hash, 19 the rowid of an update).
    /// Text is bound in place (<see cref="RawStatement.Utf8Pinned"/>): from the pinned chunks, <c>u8</c> literals, and
    /// <paramref name="day"/>, a pinned buffer of at least 16 bytes that holds the embargo date until the next row.
    /// </summary>
    private static void Bind(RawStatement u, CompactRecords rows, int i, byte[] day)
    {
        var text = rows.Text(i);
        Text(u, 2, ref text, CompactRecords.Field.ObjectId);
        Text(u, 3, ref text, CompactRecords.Field.AccessionNumber);
        Text(u, 4, ref text, CompactRecords.Field.Title);
        Text(u, 5, ref text, CompactRecords.Field.CreationDate);
        Text(u, 6, ref text, CompactRecords.Field.RightsStatement);
        if (rows.EmbargoDate(i) is { } embargo)
        {
            u.Utf8Pinned(7, day.AsSpan(0, IsoText.WriteDay(embargo, day)));
        }
        else
        {
            u.Null(7);
        }
        u.Utf8Pinned(8, TierUtf8(rows.AccessTier(i)));
        Text(u, 9, ref text, CompactRecords.Field.IiifManifestUrl);
        Text(u, 10, ref text, CompactRecords.Field.MediaUrl);
        Text(u, 11, ref text, CompactRecords.Field.RawJson);
        Text(u, 13, ref text, CompactRecords.Field.Position);
        Text(u, 14, ref text, CompactRecords.Field.SourceUrl);
        Text(u, 15, ref text, CompactRecords.Field.CorrelationId);
        if (rows.AssignedAccessTier(i) is { } assigned) u.Utf8Pinned(17, TierUtf8(assigned));
        else u.Null(17);
        Text(u, 18, ref text, CompactRecords.Field.TierRule);
        if (rows.CreationSortKey(i) is { } sort) u.Int64(20, sort);
        else u.Null(20);
        Text(u, 21, ref text, CompactRecords.Field.CreationEndDate);
        if (rows.CreationEndSortKey(i) is { } endSort) u.Int64(22, endSort);
        else u.Null(22);
    }

    private static void Text(RawStatement u, int parameter, ref CompactRecords.RowText text, CompactRecords.Field field)
    {
        if (text.Next(field, out var utf8)) u.Utf8Pinned(parameter, utf8);
        else u.Null(parameter);
    }

    private static ReadOnlySpan<byte> TierUtf8(AccessTier t) => t switch
    {
        AccessTier.Research => "research"u8,
        AccessTier.Restricted => "restricted"u8,
        _ => "public"u8,
    };

    /// <summary>Per-batch working memory, kept between batches so a batch allocates nothing per record.</summary>
    private sealed class BatchScratch
    {
        // Hashes and Day are bound in place (SQLITE_STATIC), so they live on the pinned object heap.
        public byte[] Hashes = [];
        public readonly byte[] Day = GC.AllocateArray<byte>(16, pinned: true);
        public byte[] Stored = [];
        public bool[] Found = [];
        public long[] RowIds = [];
        public readonly Dictionary<string, int> Latest = new(StringComparer.Ordinal);
        public readonly System.Buffers.ArrayBufferWriter<byte> Ids = new(64 * 1024);

        public void Prepare(int n)
        {
            if (Found.Length < n)
            {
                Hashes = GC.AllocateUninitializedArray<byte>(n * RecordHash.Size, pinned: true);
                Stored = new byte[n * RecordHash.Size];
                Found = new bool[n];
                RowIds = new long[n];
            }
            else
            {
                Array.Clear(Found);
            }
            Latest.Clear();
        }
    }

    private BatchScratch? _work;

    private void PrepareCommands()
    {
        if (_lookup is not null) return;
        var native = DirectBinding && SqliteNative.Shared is { } shared && shared.IsSameLibrary() ? shared : null;
        BindsDirectly = native is not null;
        // CROSS JOIN keeps json_each as the outer loop: one seek of the (source, object_id) index per id.
        _lookup = new RawStatement(_connection, "SELECT j.key, m.content_hash, m.rowid FROM json_each(?2) AS j CROSS JOIN museum_records AS m ON m.source = ?1 AND m.object_id = j.value");
        // A changed record whose row the lookup found is rewritten by rowid: no insert attempt, no conflict, no key seek.
        _update = new RawStatement(_connection, native: native, sql: """
            UPDATE museum_records SET
                accession_number = ?3, title = ?4, creation_date = ?5, rights_statement = ?6, embargo_date = ?7, access_tier = ?8,
                iiif_manifest_url = ?9, media_url = ?10, raw_json = ?11, content_hash = ?12, position = ?13, source_url = ?14,
                correlation_id = ?15, last_changed_utc = ?16, access_tier_assigned = ?17, tier_rule = ?18, creation_sort = ?20,
                creation_end_date = ?21, creation_end_sort = ?22
            WHERE rowid = ?19 AND source = ?1 AND object_id = ?2
            """);
        _upsert = new RawStatement(_connection, native: native, sql: """
            INSERT INTO museum_records (source, object_id, accession_number, title, creation_date, rights_statement, embargo_date,
                access_tier, iiif_manifest_url, media_url, raw_json, content_hash, position, source_url, correlation_id,
                first_seen_utc, last_changed_utc, access_tier_assigned, tier_rule, creation_sort, creation_end_date, creation_end_sort)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?18, ?20, ?21, ?22)
            ON CONFLICT (source, object_id) DO UPDATE SET
                accession_number = excluded.accession_number, title = excluded.title, creation_date = excluded.creation_date,
                rights_statement = excluded.rights_statement, embargo_date = excluded.embargo_date, access_tier = excluded.access_tier,
                iiif_manifest_url = excluded.iiif_manifest_url, media_url = excluded.media_url, raw_json = excluded.raw_json,
                content_hash = excluded.content_hash, position = excluded.position, source_url = excluded.source_url,
                correlation_id = excluded.correlation_id, last_changed_utc = excluded.last_changed_utc,
                access_tier_assigned = excluded.access_tier_assigned, tier_rule = excluded.tier_rule,
                creation_sort = excluded.creation_sort, creation_end_date = excluded.creation_end_date,
                creation_end_sort = excluded.creation_end_sort
            """);
        _deadInsert = Command("""
            INSERT INTO sync_dead_letters (source, object_id, payload, payload_hash, reasons, source_url, position, correlation_id, first_seen_utc, last_seen_utc)
            VALUES ($source, $id, $payload, $hash, $reasons, $url, $pos, $corr, $now, $now)
            ON CONFLICT (source, payload_hash) DO NOTHING
            """, "$source", "$id", "$payload", "$hash", "$reasons", "$url", "$pos", "$corr", "$now");
        _checksOff = new RawStatement(_connection, "PRAGMA ignore_check_constraints = ON");
        _checksOn = new RawStatement(_connection, "PRAGMA ignore_check_constraints = OFF");
        _delete = new RawStatement(_connection, "DELETE FROM museum_records WHERE source = ?1 AND object_id = ?2");
        _deadResolve = Command("DELETE FROM sync_dead_letters WHERE source = $source AND payload_hash = $hash", "$source", "$hash");
        _deadSeen = Command("UPDATE sync_dead_letters SET last_seen_utc = $now, attempt_count = attempt_count + 1 WHERE source = $source AND payload_hash = $hash", "$source", "$hash", "$now");
        _checkpoint = Command("""
            INSERT INTO sync_checkpoints (source, endpoint, position, last_sync_utc, records_committed, dead_lettered, batches, watermark)
            VALUES ($source, $endpoint, CASE WHEN $advance = 1 THEN $pos END, $now, $committed, $dead, 1, $watermark)
            ON CONFLICT (source) DO UPDATE SET
                endpoint = COALESCE(excluded.endpoint, sync_checkpoints.endpoint),
                watermark = COALESCE(excluded.watermark, sync_checkpoints.watermark),
                position = CASE WHEN $advance = 1 THEN $pos ELSE sync_checkpoints.position END,
                last_sync_utc = excluded.last_sync_utc,
                records_committed = sync_checkpoints.records_committed + excluded.records_committed,
                dead_lettered = sync_checkpoints.dead_lettered + excluded.dead_lettered,
                batches = sync_checkpoints.batches + 1
            """, "$source", "$endpoint", "$pos", "$advance", "$now", "$committed", "$dead", "$watermark");
    }

    /// <summary>True when the connection enforces CHECK constraints (tests: the batch upsert turns them back on after its rows).</summary>
    internal bool ChecksEnforced()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "PRAGMA ignore_check_constraints";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 0;
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter(p, null));
        return cmd;
    }

    internal static string TierText(AccessTier t) => t switch
    {
        AccessTier.Research => "research",
        AccessTier.Restricted => "restricted",
        _ => "public",
    };

    /// <summary>The stored form of a time: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> in UTC (<see cref="IsoText.Millis"/>).</summary>
    internal static string Iso(DateTimeOffset t) => IsoText.Millis(t);

    private static async Task ExecAsync(SqliteConnection c, string sql, CancellationToken ct)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _lookup?.Dispose();
        _checksOff?.Dispose();
        _checksOn?.Dispose();
        _upsert?.Dispose();
        _update?.Dispose();
        _delete?.Dispose();
        foreach (var c in new[] { _deadInsert, _deadSeen, _deadResolve, _checkpoint, _leaseRenew })
        {
            c?.Dispose();
        }
        // The checkpointer's connection closes first, so the writer's close (the last connection) checkpoints what is
        // left and removes the WAL file.
        await _walCheckpointer.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
