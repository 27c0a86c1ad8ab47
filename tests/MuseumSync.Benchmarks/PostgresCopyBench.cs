using System.Diagnostics;
using System.Globalization;
using MuseumSync.Storage;
using MuseumSync.Storage.PostgreSql;
using MuseumSync.Storage.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace MuseumSync.Benchmarks;

/// <summary>
/// The PostgreSQL store's session path next to a raw binary COPY of the same rows into the same keyed table
/// (issue #18: the store at 65% of the raw rate or better), in one process, in alternating rounds:
/// <code>
///   MUSEUMSYNC_TEST_POSTGRES=... dotnet run -c Release --project tests/MuseumSync.Benchmarks -- --pg-copy [--rows 100000] [--batch 1000] [--rounds 3]
/// </code>
/// Each pass makes a fresh schema by the store's own migrations, on a connection of its own (so every table has the same columns, keys, checks
/// and indexes), then times, in an order that alternates between rounds:
/// <list type="bullet">
/// <item>store: <see cref="StoreSessions.CommitBatchAsync"/> per batch (session filled, completed: staging, upsert by hash,
/// checkpoint, one transaction per batch), the rows all new, then the same rows again (unchanged), then changed (updated);</item>
/// <item>copy: one binary COPY per batch into museum_records in a transaction of its own, the same rows and batch size;</item>
/// <item>copy + checkpoint: the same, with the store's checkpoint upsert after the COPY in each transaction (the floor of
/// "a batch and its checkpoint in one transaction");</item>
/// <item>copy, one transaction: every row in one COPY (the floor: one commit in all).</item>
/// </list>
/// Every pass runs on a new connection (a backend of its own, as a sync run gets one): a backend touching shared buffers
/// for the first time page-faults on each of them, so a COPY on a pooled backend that had already written would be
/// measured without that cost and the store with it. The records are made and hashed before each clock starts, as the
/// sync writer hashes them on the producer's thread. Client CPU is this process's (the awaits resume on pool threads, so
/// one thread's clock would miss part of it); server CPU and page faults are the backend process's (from /proc, when the
/// server runs here).
/// </summary>
internal static class PostgresCopyBench
{
    private const string Columns = "source, object_id, accession_number, title, creation_date, rights_statement, embargo_date, access_tier, " +
        "iiif_manifest_url, media_url, raw_json, content_hash, position, source_url, correlation_id, first_seen_utc, last_changed_utc, access_tier_assigned, tier_rule, " +
        "creation_sort, creation_end_date, creation_end_sort";

    public static async Task<int> RunAsync(string[] args)
    {
        int rows = 100_000, batch = 1000, rounds = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Use --pg-copy [--rows N] [--batch N] [--rounds N].");
            }
        }
        if (BenchTargets.SkipReason("postgres") is { } reason)
        {
            Console.WriteLine($"skipped: {reason}");
            return 0;
        }
        var connectionString = Environment.GetEnvironmentVariable("MUSEUMSYNC_TEST_POSTGRES")!;
        var loadBefore = ParseBench.LoadAverage();

        // Warm-up: both paths once at a tenth of the size, so the measured rounds run tier-1 code.
        await StorePassAsync(connectionString, Math.Max(batch, rows / 10), batch, passes: 3);
        await CopyPassAsync(connectionString, Math.Max(batch, rows / 10), batch, CopyKind.PerBatchWithCheckpoint);
        await Task.Delay(200);

        var results = new List<Measure>();
        for (var round = 0; round < rounds; round++)
        {
            var storeFirst = round % 2 == 0;
            if (storeFirst) results.AddRange(await StorePassAsync(connectionString, rows, batch, passes: 3));
            results.Add(await CopyPassAsync(connectionString, rows, batch, CopyKind.PerBatch));
            results.Add(await CopyPassAsync(connectionString, rows, batch, CopyKind.PerBatchWithCheckpoint));
            results.Add(await CopyPassAsync(connectionString, rows, batch, CopyKind.OneTransaction));
            if (!storeFirst) results.AddRange(await StorePassAsync(connectionString, rows, batch, passes: 3));
        }

        Console.WriteLine($"PostgreSQL store versus raw binary COPY: {rows:N0} rows, batches of {batch:N0}, {rounds} rounds (load average before: {loadBefore})");
        Console.WriteLine("| path | rows/s (each round) | median rows/s | client CPU µs/row | server CPU µs/row | server page faults/batch |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in results.GroupBy(r => r.Path))
        {
            var rates = group.Select(m => m.Rows / m.Seconds).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key}{(group.All(m => m.CountsRight) ? "" : " COUNTS WRONG")} | {string.Join(" / ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} | {Median(rates):N0} | {Median(group.Select(m => m.ClientCpu * 1e6 / m.Rows)):N2} | {Median(group.Select(m => m.ServerCpu * 1e6 / m.Rows)):N2} | {Median(group.Select(m => (double)m.ServerFaults * batch / m.Rows)):N0} |"));
        }
        var store = Median(results.Where(r => r.Path == "store insert").Select(m => m.Rows / m.Seconds));
        var copy = Median(results.Where(r => r.Path == PathName(CopyKind.PerBatch)).Select(m => m.Rows / m.Seconds));
        var copyCheckpoint = Median(results.Where(r => r.Path == PathName(CopyKind.PerBatchWithCheckpoint)).Select(m => m.Rows / m.Seconds));
        var copyOne = Median(results.Where(r => r.Path == PathName(CopyKind.OneTransaction)).Select(m => m.Rows / m.Seconds));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store insert / copy per batch: {store / copy:P0}; store insert / copy in one transaction: {store / copyOne:P0} (target: 65%); store insert / copy + checkpoint per batch: {store / copyCheckpoint:P0}. Load average after: {ParseBench.LoadAverage()}"));
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? double.NaN : v.Count % 2 == 1 ? v[v.Count / 2] : (v[(v.Count / 2) - 1] + v[v.Count / 2]) / 2;
    }

    /// <summary>The store's path: inserts, the same rows unchanged, then the rows changed (<paramref name="passes"/> of those, in that order).</summary>
    private static async Task<List<Measure>> StorePassAsync(string connectionString, int rows, int batch, int passes)
    {
        var schema = "msbench_" + Guid.NewGuid().ToString("N")[..10];
        var list = new List<Measure>();
        try
        {
            // The tables made on another connection first, as for the COPY passes: the measured store finds its schema up
            // to date, as a nightly run does.
            await (await SyncStoreFactory.OpenAndInitializeAsync(new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = connectionString, Schema = schema }, CancellationToken.None)).DisposeAsync();
            // An application name of this pass's own, so its store's backend is the one connection that carries it.
            connectionString = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = schema }.ConnectionString;
            var options = new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = connectionString, Schema = schema };
            var store = await SyncStoreFactory.OpenAndInitializeAsync(options, CancellationToken.None);
            await using (store)
            {
                var backend = await BackendAsync(connectionString);
                foreach (var (path, version) in new[] { ("store insert", 0), ("store unchanged", 0), ("store update", 1) }.Take(passes))
                {
                    var watch = new Stopwatch();
                    TimeSpan client = TimeSpan.Zero, server = TimeSpan.Zero;
                    long faults = 0;
                    int inserted = 0, unchanged = 0, updated = 0;
                    for (var start = 0; start < rows; start += batch)
                    {
                        var b = Made(start, Math.Min(batch, rows - start), version);
                        var (c0, s0) = (ProcessCpu(), ServerUse(backend));
                        watch.Start();
                        var r = await store.CommitBatchAsync(b, CancellationToken.None);
                        watch.Stop();
                        client += ProcessCpu() - c0;
                        var s1 = ServerUse(backend);
                        (server, faults) = (server + s1.Cpu - s0.Cpu, faults + s1.Faults - s0.Faults);
                        (inserted, unchanged, updated) = (inserted + r.Inserted, unchanged + r.Unchanged, updated + r.Updated);
                    }
                    var right = version == 1 ? updated == rows : path == "store insert" ? inserted == rows : unchanged == rows;
                    list.Add(new Measure(path, rows, watch.Elapsed.TotalSeconds, client.TotalSeconds, server.TotalSeconds, faults, right));
                }
            }
        }
        finally
        {
            await DropAsync(connectionString, schema);
        }
        return list;
    }

    private enum CopyKind
    {
        PerBatch,
        PerBatchWithCheckpoint,
        OneTransaction,
    }

    private static string PathName(CopyKind kind) => kind switch
    {
        CopyKind.PerBatch => "copy, a transaction per batch",
        CopyKind.PerBatchWithCheckpoint => "copy + checkpoint, a transaction per batch",
        _ => "copy, one transaction",
    };

    /// <summary>A raw binary COPY of the same rows (the same column values the store writes) into a fresh museum_records.</summary>
    private static async Task<Measure> CopyPassAsync(string connectionString, int rows, int batch, CopyKind kind)
    {
        var schema = "msbench_" + Guid.NewGuid().ToString("N")[..10];
        // A pool of this pass's own, so the COPY runs on a new backend as the store's pass does.
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = schema }.ConnectionString;
        var oneTransaction = kind == CopyKind.OneTransaction;
        var checkpointSql = new PostgresStatements(schema).AdvanceCheckpoint;
        var options = new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = connectionString, Schema = schema };
        try
        {
            await (await SyncStoreFactory.OpenAndInitializeAsync(options, CancellationToken.None)).DisposeAsync();
            await using var c = new NpgsqlConnection(connectionString);
            await c.OpenAsync();
            var backend = Backend(c.ProcessID);
            var sql = $"COPY \"{schema}\".museum_records ({Columns}) FROM STDIN (FORMAT BINARY)";
            var watch = new Stopwatch();
            TimeSpan client = TimeSpan.Zero, server = TimeSpan.Zero;
            long faults = 0;
            NpgsqlTransaction? tx = null;
            NpgsqlBinaryImporter? w = null;
            for (var start = 0; start < rows; start += batch)
            {
                var b = Made(start, Math.Min(batch, rows - start), version: 0);
                var (c0, s0) = (ProcessCpu(), ServerUse(backend));
                watch.Start();
                tx ??= await c.BeginTransactionAsync();
                w ??= await c.BeginBinaryImportAsync(sql);
                var now = b.Now.ToUniversalTime();
                foreach (var r in b.Records) await WriteRowAsync(w, r, now);
                if (!oneTransaction || start + batch >= rows)
                {
                    await w.CompleteAsync();
                    await w.DisposeAsync();
                    w = null;
                    if (kind == CopyKind.PerBatchWithCheckpoint) await CheckpointAsync(c, tx, checkpointSql, b);
                    await tx.CommitAsync();
                    await tx.DisposeAsync();
                    tx = null;
                }
                watch.Stop();
                client += ProcessCpu() - c0;
                var s1 = ServerUse(backend);
                (server, faults) = (server + s1.Cpu - s0.Cpu, faults + s1.Faults - s0.Faults);
            }
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".museum_records", c);
            var stored = (long)(await count.ExecuteScalarAsync())!;
            return new Measure(PathName(kind), rows, watch.Elapsed.TotalSeconds, client.TotalSeconds, server.TotalSeconds, faults, stored == rows);
        }
        finally
        {
            await DropAsync(connectionString, schema);
        }
    }

    /// <summary>The store's checkpoint upsert (<see cref="PostgresStatements.AdvanceCheckpoint"/>) with a batch's values.</summary>
    private static async Task CheckpointAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, SyncBatch b)
    {
        await using var cp = new NpgsqlCommand(sql, c, tx);
        cp.Parameters.AddWithValue("source", b.Source);
        cp.Parameters.AddWithValue("endpoint", NpgsqlDbType.Text, DBNull.Value);
        cp.Parameters.AddWithValue("advance", b.AdvanceCheckpoint);
        cp.Parameters.AddWithValue("position", NpgsqlDbType.Text, (object?)b.CheckpointPosition ?? DBNull.Value);
        cp.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, b.Now.ToUniversalTime());
        cp.Parameters.AddWithValue("committed", (long)b.Records.Count);
        cp.Parameters.AddWithValue("dead", 0L);
        cp.Parameters.AddWithValue("watermark", NpgsqlDbType.Text, DBNull.Value);
        await cp.ExecuteNonQueryAsync();
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter w, MuseumRecord r, DateTimeOffset now)
    {
        await w.StartRowAsync();
        await w.WriteAsync(r.Source, NpgsqlDbType.Text);
        await w.WriteAsync(r.ObjectId!, NpgsqlDbType.Text);
        await TextAsync(w, r.AccessionNumber);
        await w.WriteAsync(r.Title ?? string.Empty, NpgsqlDbType.Text);
        await TextAsync(w, r.CreationDate);
        await TextAsync(w, r.RightsStatement);
        if (r.EmbargoDate is { } embargo) await w.WriteAsync(embargo, NpgsqlDbType.Date);
        else await w.WriteNullAsync();
        await w.WriteAsync(SqliteSyncStore.TierText(r.AccessTier), NpgsqlDbType.Text);
        await TextAsync(w, r.IiifManifestUrl);
        await TextAsync(w, r.MediaUrl);
        await w.WriteAsync(r.RawJson, NpgsqlDbType.Text);
        await w.WriteAsync(RecordHash.Content(r), NpgsqlDbType.Bytea);
        await TextAsync(w, r.Position);
        await TextAsync(w, r.SourceUrl);
        await TextAsync(w, r.CorrelationId);
        await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
        await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
        await TextAsync(w, r.AssignedAccessTier is { } assigned ? SqliteSyncStore.TierText(assigned) : null);
        await TextAsync(w, r.TierRule);
        // The sort keys the store writes beside the hash (migrations 9 and 10), so the rows are the same rows.
        if (CreationSort.Of(r.CreationDate) is { } sort) await w.WriteAsync(sort, NpgsqlDbType.Bigint);
        else await w.WriteNullAsync();
        await TextAsync(w, r.CreationEndDate);
        if (CreationSort.Of(r.CreationEndDate) is { } endSort) await w.WriteAsync(endSort, NpgsqlDbType.Bigint);
        else await w.WriteNullAsync();
    }

    private static async Task TextAsync(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null) await w.WriteNullAsync();
        else await w.WriteAsync(value, NpgsqlDbType.Text);
    }

    /// <summary>A generated batch, hashed before the clock starts (as the sync writer hashes on the producer's thread).</summary>
    private static SyncBatch Made(int start, int count, int version)
    {
        var b = Generator.Batch(start, count, version);
        foreach (var r in b.Records) RecordHash.Prepare(r);
        return b;
    }

    /// <summary>The backend process of the store's connection (found by this run's application name), or 0.</summary>
    private static async Task<int> BackendAsync(string connectionString)
    {
        var app = new NpgsqlConnectionStringBuilder(connectionString).ApplicationName;
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var q = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE application_name = @app AND pid <> pg_backend_pid()", c);
        q.Parameters.AddWithValue("app", app!);
        var pids = new List<int>();
        await using (var r = await q.ExecuteReaderAsync())
        {
            while (await r.ReadAsync()) pids.Add(r.GetInt32(0));
        }
        return pids.Count == 1 ? Backend(pids[0]) : 0;
    }

    private static int Backend(int pid) => File.Exists($"/proc/{pid}/stat") ? pid : 0;

    /// <summary>
    /// User + system CPU (clock ticks of 1/100 s) and page faults (minor + major) of a local backend process, from /proc/PID/stat.
    /// </summary>
    private static (TimeSpan Cpu, long Faults) ServerUse(int pid)
    {
        if (pid == 0) return (TimeSpan.Zero, 0);
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return (TimeSpan.FromSeconds((Field(11) + Field(12)) / 100.0), Field(7) + Field(9));
    }

    private static TimeSpan ProcessCpu()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    private static async Task DropAsync(string connectionString, string schema)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", c);
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed record Measure(string Path, int Rows, double Seconds, double ClientCpu, double ServerCpu, long ServerFaults, bool CountsRight);
}
