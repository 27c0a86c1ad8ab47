using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MuseumSync.Storage;
using Npgsql;

namespace MuseumSync.Benchmarks;

internal sealed record BenchOptions(string Store, int Rows, int Batch, bool RowOnly, bool ParseMode = false, int Repeat = 5, bool Utf8Payload = false)
{
    public static BenchOptions Parse(string[] args)
    {
        string store = "all";
        int? rows = null;
        int batch = 1000, repeat = 5;
        bool rowOnly = false, parse = false, utf8 = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--store": store = args[++i]; break;
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--row-only": rowOnly = true; break;
                case "--parse": parse = true; break;
                case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--payload":
                    utf8 = args[++i] switch
                    {
                        "utf8" => true,
                        "text" => false,
                        _ => throw new ArgumentException("--payload is text (records made from strings) or utf8 (records read from NDJSON bytes, as the poller makes them)."),
                    };
                    break;
                case "--quick": break; // the plain harness is the default; BenchmarkDotNet runs with --bdn
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Use --store sqlite|postgres|sqlserver|all, --rows N, --batch N; or --parse [--rows N] [--repeat N]; or --bdn [BenchmarkDotNet arguments].");
            }
        }
        return new BenchOptions(store, rows ?? (parse ? 200_000 : 100_000), batch, rowOnly, parse, repeat, utf8);
    }
}

internal sealed record BenchResult(string Provider, bool Utf8, int Rows, int Batch, List<(string Pass, double Seconds, BatchResult Totals, long Allocated, double CpuSeconds)> Runs, long PeakWorkingSet, long Allocated)
{
    public const string Header = "| store | insert rows/s | unchanged rows/s | update rows/s | commit CPU µs/row (ins/unch/upd) | commit bytes allocated/row (ins/unch/upd) | peak working set | allocated |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

    public string Row()
    {
        string Rate(string pass) => (Rows / Runs.Single(r => r.Pass == pass).Seconds).ToString("N0", CultureInfo.InvariantCulture);
        string Cpu(string pass) => (Runs.Single(r => r.Pass == pass).CpuSeconds * 1e6 / Rows).ToString("N2", CultureInfo.InvariantCulture);
        string PerRow(string pass) => (Runs.Single(r => r.Pass == pass).Allocated / (double)Rows).ToString("N0", CultureInfo.InvariantCulture);
        var check = Runs.Single(r => r.Pass == "insert").Totals.Inserted == Rows && Runs.Single(r => r.Pass == "unchanged").Totals.Unchanged == Rows && Runs.Single(r => r.Pass == "update").Totals.Updated == Rows;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Provider} ({Rows:N0} rows, batches of {Batch:N0}{(Utf8 ? ", UTF-8 payloads" : "")}){(check ? "" : " COUNTS WRONG")} | {Rate("insert")} | {Rate("unchanged")} | {Rate("update")} | {Cpu("insert")}/{Cpu("unchanged")}/{Cpu("update")} | {PerRow("insert")}/{PerRow("unchanged")}/{PerRow("update")} B | {PeakWorkingSet / 1048576.0:N0} MB | {Allocated / 1048576.0:N0} MB |");
    }
}

/// <summary>Records shaped like a museum API's (about 600 bytes of JSON each), made per batch as a stream would bring them.</summary>
internal static class Generator
{
    private static readonly MuseumSync.Mapping.RecordFactory s_factory = new(MuseumSync.Mapping.FieldMap.Generic);

    /// <summary>The same records, read from their NDJSON bytes by the poller's <see cref="MuseumSync.Mapping.RecordFactory"/> (payload kept as UTF-8).</summary>
    public static SyncBatch BatchFromBytes(int start, int count, int version)
    {
        var text = Batch(start, count, version);
        var records = new MuseumRecord[count];
        for (var i = 0; i < count; i++)
        {
            var t = text.Records[i];
            var origin = new MuseumSync.Mapping.RecordOrigin("bench", t.Position, 1, i + 1, t.SourceUrl, t.CorrelationId, DateTimeOffset.UnixEpoch);
            records[i] = s_factory.Create(System.Text.Encoding.UTF8.GetBytes(t.RawJson), origin, null, endOfPage: false);
            if (!records[i].IsValid) throw new InvalidOperationException("A generated record is invalid: " + records[i].Issues[0].Message);
        }
        return new SyncBatch { Source = "bench", Records = records, DeadLetters = [], AdvanceCheckpoint = true, CheckpointPosition = records[^1].Position, Now = text.Now };
    }

    public static SyncBatch Batch(int start, int count, int version)
    {
        var records = new MuseumRecord[count];
        for (var i = 0; i < count; i++)
        {
            var n = start + i;
            var id = "OBJ-" + n.ToString("D7", CultureInfo.InvariantCulture);
            var title = (version == 0 ? "Cylinder seal with a seated figure, no. " : "Cylinder seal with a seated figure (recatalogued), no. ") + n.ToString(CultureInfo.InvariantCulture);
            records[i] = new MuseumRecord
            {
                Source = "bench",
                ObjectId = id,
                AccessionNumber = "74.51." + n.ToString(CultureInfo.InvariantCulture),
                Title = title,
                CreationDate = "1889-06-15",
                RightsStatement = "http://rightsstatements.org/vocab/NoC-US/1.0/",
                AccessTier = AccessTier.Public,
                IiifManifestUrl = "https://iiif.example.org/" + id + "/manifest",
                MediaUrl = "https://images.example.org/" + id + "/full/max/0/default.jpg",
                RawJson = $$"""{"ObjectID":"{{id}}","accession_number":"74.51.{{n}}","title":"{{title}}","creation_date_iso":"1889-06-15","rights_statement":"http://rightsstatements.org/vocab/NoC-US/1.0/","access_tier":"public","iiif_manifest_url":"https://iiif.example.org/{{id}}/manifest","media_url":"https://images.example.org/{{id}}/full/max/0/default.jpg","department":"Ancient Near Eastern Art","culture":"Mitanni","medium":"Hematite","dimensions":"1 1/8 x 1/2 in. (2.9 x 1.3 cm)","credit_line":"Gift of The Right Reverend Paul Moore Jr."}""",
                Position = "c" + (n / 1000).ToString(CultureInfo.InvariantCulture),
                SourceUrl = "https://api.example.org/objects?cursor=c" + (n / 1000).ToString(CultureInfo.InvariantCulture),
                CorrelationId = "bench-" + (n / 1000).ToString(CultureInfo.InvariantCulture),
            };
        }
        return new SyncBatch { Source = "bench", Records = records, DeadLetters = [], AdvanceCheckpoint = true, CheckpointPosition = records[^1].Position, Now = DateTimeOffset.UtcNow };
    }
}

internal sealed class BenchTargets : IAsyncDisposable
{
    private readonly Func<Task> _cleanup;

    private BenchTargets(ISyncStore store, Func<Task> cleanup)
    {
        Store = store;
        _cleanup = cleanup;
    }

    public ISyncStore Store { get; }

    public static string? SkipReason(string store) => store switch
    {
        "postgres" when Environment.GetEnvironmentVariable("MUSEUMSYNC_TEST_POSTGRES") is null or "" => "MUSEUMSYNC_TEST_POSTGRES is not set",
        "sqlserver" when Environment.GetEnvironmentVariable("MUSEUMSYNC_TEST_SQLSERVER") is null or "" => "MUSEUMSYNC_TEST_SQLSERVER is not set (SQL Server cannot run on this machine)",
        _ => null,
    };

    public static async Task<BenchTargets> OpenAsync(string store)
    {
        var schema = "msbench_" + Guid.NewGuid().ToString("N")[..10];
        StoreOptions options;
        Func<Task> cleanup;
        switch (store)
        {
            case "sqlite":
                var dir = Path.Combine(Path.GetTempPath(), "museumsync-bench", Guid.NewGuid().ToString("N"));
                options = new StoreOptions { Database = Path.Combine(dir, "bench.db") };
                cleanup = () => { Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); Directory.Delete(dir, true); return Task.CompletedTask; };
                break;
            case "postgres":
                var pg = Environment.GetEnvironmentVariable("MUSEUMSYNC_TEST_POSTGRES")!;
                options = new StoreOptions { Provider = StoreProvider.PostgreSql, ConnectionString = pg, Schema = schema };
                cleanup = async () =>
                {
                    NpgsqlConnection.ClearAllPools();
                    await using var c = new NpgsqlConnection(pg);
                    await c.OpenAsync();
                    await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", c);
                    await cmd.ExecuteNonQueryAsync();
                };
                break;
            case "sqlserver":
                var sql = Environment.GetEnvironmentVariable("MUSEUMSYNC_TEST_SQLSERVER")!;
                options = new StoreOptions { Provider = StoreProvider.SqlServer, ConnectionString = sql, Schema = schema };
                cleanup = async () =>
                {
                    await using var c = new Microsoft.Data.SqlClient.SqlConnection(sql);
                    await c.OpenAsync();
                    await using var cmd = new Microsoft.Data.SqlClient.SqlCommand("""
                        DECLARE @sql nvarchar(max) = N'';
                        SELECT @sql += N'DROP TABLE ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N'; '
                        FROM sys.tables AS t JOIN sys.schemas AS s ON s.schema_id = t.schema_id WHERE s.name = @schema;
                        SET @sql += N'DROP SCHEMA ' + QUOTENAME(@schema) + N';';
                        EXEC sys.sp_executesql @sql;
                        """, c);
                    cmd.Parameters.AddWithValue("@schema", schema);
                    await cmd.ExecuteNonQueryAsync();
                };
                break;
            default:
                throw new ArgumentException($"Unknown store '{store}'.");
        }
        var s = await SyncStoreFactory.OpenAndInitializeAsync(options, CancellationToken.None);
        return new BenchTargets(s, cleanup);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await _cleanup();
    }
}

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>; elsewhere the process's): on a shared machine
/// rows per CPU-second stay comparable when wall-clock rates swing with the load. Waits (fsync, locks) are not in it.
/// </summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec value);

    public static TimeSpan Now()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0)
        {
            return TimeSpan.FromTicks((t.Seconds * TimeSpan.TicksPerSecond) + (t.Nanoseconds / 100));
        }
        return Process.GetCurrentProcess().TotalProcessorTime;
    }
}
