using System.Diagnostics;
using System.Globalization;
using MuseumSync.Benchmarks;
using MuseumSync.Benchmarks.Floor;
using MuseumSync.Storage;

// Batch upsert throughput and peak memory per store, at 100,000 rows by default:
//   dotnet run -c Release --project tests/MuseumSync.Benchmarks -- [--store sqlite|postgres|sqlserver|all] [--rows 100000] [--batch 1000] [--payload text|utf8]
// --payload utf8 reads each record from its NDJSON bytes as the poller does (payload kept as UTF-8); text makes them from strings.
// PostgreSQL and SQL Server come from MUSEUMSYNC_TEST_POSTGRES / MUSEUMSYNC_TEST_SQLSERVER (a private schema, dropped after).
// "all" runs each store in a child process of its own, so each peak working set is that store's alone.
// Only the store session (filled, then completed: StoreSessions.CommitBatchAsync) is timed: each batch is generated before its clock starts.
// NDJSON parse + map + validate (the poller's per-record path), single-threaded:
//   dotnet run -c Release --project tests/MuseumSync.Benchmarks -- --parse [--rows 200000] [--repeat 5]
// BenchmarkDotNet classes for both hot paths (the plain harness above is the quick mode, also spelled --quick):
//   dotnet run -c Release --project tests/MuseumSync.Benchmarks -- --bdn [BenchmarkDotNet arguments, e.g. --filter *Parse*]
if (args.Length > 0 && args[0] == "--bdn") return BdnEntry.Run(args[1..]);
if (args.Length > 0 && args[0] == "--floor") return await FloorProgram.RunAsync(args[1..]); // issue #18's floor under run.sh (FloorProgram.cs)
if (args.Length > 0 && args[0] == "--pg-copy") return await PostgresCopyBench.RunAsync(args[1..]); // the PostgreSQL store next to a raw COPY (PostgresCopyBench.cs)
var options = BenchOptions.Parse(args);
if (options.ParseMode)
{
    ParseBench.Run(options);
    return 0;
}
if (options.Store == "all")
{
    Console.WriteLine(BenchResult.Header);
    foreach (var store in new[] { "sqlite", "postgres", "sqlserver" })
    {
        if (BenchTargets.SkipReason(store) is { } reason)
        {
            Console.WriteLine($"| {store} | skipped: {reason} | | | | | | |");
            continue;
        }
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(BenchOptions).Assembly.Location);
        foreach (var a in new[] { "--store", store, "--rows", options.Rows.ToString(CultureInfo.InvariantCulture), "--batch", options.Batch.ToString(CultureInfo.InvariantCulture), "--payload", options.Utf8Payload ? "utf8" : "text", "--row-only" }) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        Console.Write(await child.StandardOutput.ReadToEndAsync());
        await child.WaitForExitAsync();
    }
    return 0;
}

// Warm-up on a scratch database of the same store, so the measured passes run tier-1 code, not the JIT's first tiers.
await using (var warm = await BenchTargets.OpenAsync(options.Store))
{
    for (var round = 0; round < 3; round++)
    {
        foreach (var version in new[] { 0, 0, 1 })
        {
            for (var start = 0; start < 4_000; start += 250)
            {
                var first = start + (round * 4_000);
                await warm.Store.CommitBatchAsync(options.Utf8Payload ? Generator.BatchFromBytes(first, 250, version) : Generator.Batch(first, 250, version), CancellationToken.None);
            }
        }
        await Task.Delay(150); // tier-1 compiles in the background
    }
}

await using var target = await BenchTargets.OpenAsync(options.Store);
var store1 = target.Store;
var runs = new List<(string Pass, double Seconds, BatchResult Totals, long Allocated, double CpuSeconds)>();
foreach (var (pass, version) in new[] { ("insert", 0), ("unchanged", 0), ("update", 1) })
{
    var totals = new BatchResult(0, 0, 0, 0, 0);
    var watch = new Stopwatch();
    long allocated = 0;
    var cpu = TimeSpan.Zero;
    for (var start = 0; start < options.Rows; start += options.Batch)
    {
        var batch = options.Utf8Payload
            ? Generator.BatchFromBytes(start, Math.Min(options.Batch, options.Rows - start), version)
            : Generator.Batch(start, Math.Min(options.Batch, options.Rows - start), version);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = ThreadCpu.Now();
        watch.Start();
        var r = await store1.CommitBatchAsync(batch, CancellationToken.None);
        watch.Stop();
        cpu += ThreadCpu.Now() - cpuBefore;
        allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        totals = new BatchResult(totals.Inserted + r.Inserted, totals.Updated + r.Updated, totals.Unchanged + r.Unchanged, totals.DeadLettered + r.DeadLettered, 0);
    }
    runs.Add((pass, watch.Elapsed.TotalSeconds, totals, allocated, cpu.TotalSeconds));
}
var result = new BenchResult(store1.Provider, options.Utf8Payload, options.Rows, options.Batch, runs, Process.GetCurrentProcess().PeakWorkingSet64, GC.GetTotalAllocatedBytes(precise: true));
if (!options.RowOnly) Console.WriteLine(BenchResult.Header);
Console.WriteLine(result.Row());
if (!options.RowOnly) Console.WriteLine($"(load average {ParseBench.LoadAverage()})");
return 0;
