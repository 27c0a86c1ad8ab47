using System.Globalization;

namespace MuseumSync.Benchmarks.Floor;

/// <summary>
/// The floor of issue #18: a minimal program doing only the work a sync cannot avoid, run by ../shared/bench/run.sh
/// beside the seed poller and our pwsh pipeline. It GETs the mock API's NDJSON pages with our default page size (500),
/// parses each record's fields, hashes the payload and the fields with XxHash128 (our content hash's algorithm over the
/// same input), and upserts into the same SQLite table (created by our own migrations: same columns, keys, indexes)
/// with our default transaction size (1,000 records); <see cref="FloorParser"/>, <see cref="FloorPages"/> and
/// <see cref="FloorSink"/> do the work. The next page is requested while the current one is stored, as our pipeline
/// does (the one overlap a minimal program gets for free); --sequential waits for each page in turn. Nothing else: no
/// validation, no dead letters (a line that is not a JSON object with an ObjectID and a title, which the table requires,
/// is counted and skipped), no checkpoint, no PowerShell (bench/floor-pipeline.ps1 runs the same work as a pwsh
/// pipeline of two cmdlets). Reads MS_BENCH_URL and MS_BENCH_DB as run.sh sets them.
///   dotnet tests/MuseumSync.Benchmarks/bin/Release/net10.0/MuseumSync.Benchmarks.dll --floor [--page-size 500] [--batch 1000] [--sequential]
/// </summary>
internal static class FloorProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pageSize = 500;
        var batch = 1000;
        var sequential = args.Contains("--sequential");
        args = [.. args.Where(a => a != "--sequential")];
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--page-size": pageSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}; usage: --floor [--page-size N] [--batch N] [--sequential]"); return 2;
            }
        }
        var baseUrl = Environment.GetEnvironmentVariable("MS_BENCH_URL") ?? throw new InvalidOperationException("MS_BENCH_URL is not set (run.sh sets it).");
        var db = Environment.GetEnvironmentVariable("MS_BENCH_DB") ?? throw new InvalidOperationException("MS_BENCH_DB is not set (run.sh sets it).");

        using var sink = await FloorSink.OpenAsync(db, batch);
        using var source = new FloorPages(baseUrl, pageSize);
        long malformed = 0, pages = 0;
        var values = new string?[FloorParser.Fields.Length];
        await foreach (var (body, cursor) in source.ReadAllAsync(sequential))
        {
            pages++;
            var position = cursor ?? string.Empty;
            FloorPages.ForEachLine(body.Span, line =>
            {
                if (FloorParser.TryParse(line, values, out var objectId)) sink.Add(objectId, values, line, position);
                else malformed++;
            });
        }
        sink.Complete();
        Console.WriteLine($"floor: {sink.Rows} records upserted from {pages} pages, {malformed} lines skipped (not JSON, or no ObjectID or title)");
        return 0;
    }
}
