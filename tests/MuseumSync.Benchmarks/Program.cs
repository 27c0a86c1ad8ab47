using System.Diagnostics;
using System.Globalization;
using MuseumSync;
using MuseumSync.Benchmarks;
using MuseumSync.Storage;

// Batch upsert throughput and peak memory per store, at 100,000 rows by default:
//   dotnet run -c Release --project tests/MuseumSync.Benchmarks -- [--store sqlite|postgres|sqlserver|all] [--rows 100000] [--batch 1000]
// PostgreSQL and SQL Server come from MUSEUMSYNC_TEST_POSTGRES / MUSEUMSYNC_TEST_SQLSERVER (a private schema, dropped after).
// "all" runs each store in a child process of its own, so each peak working set is that store's alone.
var options = BenchOptions.Parse(args);
if (options.Store == "all")
{
    Console.WriteLine(BenchResult.Header);
    foreach (var store in new[] { "sqlite", "postgres", "sqlserver" })
    {
        if (BenchTargets.SkipReason(store) is { } reason)
        {
            Console.WriteLine($"| {store} | skipped: {reason} | | | | |");
            continue;
        }
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(BenchOptions).Assembly.Location);
        foreach (var a in new[] { "--store", store, "--rows", options.Rows.ToString(CultureInfo.InvariantCulture), "--batch", options.Batch.ToString(CultureInfo.InvariantCulture), "--row-only" }) psi.ArgumentList.Add(a);
        using var child = Process.Start(psi)!;
        Console.Write(await child.StandardOutput.ReadToEndAsync());
        await child.WaitForExitAsync();
    }
    return 0;
}

await using var target = await BenchTargets.OpenAsync(options.Store);
var store1 = target.Store;
var runs = new List<(string Pass, double Seconds, BatchResult Totals)>();
foreach (var (pass, version) in new[] { ("insert", 0), ("unchanged", 0), ("update", 1) })
{
    var totals = new BatchResult(0, 0, 0, 0, 0);
    var watch = Stopwatch.StartNew();
    for (var start = 0; start < options.Rows; start += options.Batch)
    {
        var batch = Generator.Batch(start, Math.Min(options.Batch, options.Rows - start), version);
        var r = await store1.CommitBatchAsync(batch, CancellationToken.None);
        totals = new BatchResult(totals.Inserted + r.Inserted, totals.Updated + r.Updated, totals.Unchanged + r.Unchanged, totals.DeadLettered + r.DeadLettered, 0);
    }
    watch.Stop();
    runs.Add((pass, watch.Elapsed.TotalSeconds, totals));
}
var result = new BenchResult(store1.Provider, options.Rows, options.Batch, runs, Process.GetCurrentProcess().PeakWorkingSet64, GC.GetTotalAllocatedBytes(precise: true));
if (!options.RowOnly) Console.WriteLine(BenchResult.Header);
Console.WriteLine(result.Row());
return 0;
