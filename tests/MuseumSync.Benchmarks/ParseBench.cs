using System.Diagnostics;
using System.Globalization;
using System.Text;
using MuseumSync.Json;
using MuseumSync.Mapping;

namespace MuseumSync.Benchmarks;

/// <summary>
/// NDJSON lines shaped like the bench server's <c>/objects</c> feed (shared/bench/server.js, <c>makeValid</c>): about
/// 450 bytes each, non-ASCII and escaped titles, dates in the five forms the server sends, 2% invalid in the server's
/// five kinds (missing id, bad creation date, bad access tier, bad embargo date, a line cut short).
/// </summary>
internal static class NdjsonFeed
{
    private static readonly string[] Rights =
    [
        "http://rightsstatements.org/vocab/InC/1.0/", "http://rightsstatements.org/vocab/InC-EDU/1.0/",
        "http://rightsstatements.org/vocab/NoC-US/1.0/", "http://rightsstatements.org/vocab/CNE/1.0/",
        "http://rightsstatements.org/vocab/UND/1.0/", "https://creativecommons.org/publicdomain/zero/1.0/",
        "https://creativecommons.org/publicdomain/mark/1.0/", "https://creativecommons.org/licenses/by/4.0/",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ];

    // As JSON.stringify writes them: quotes and backslashes escaped, everything else as UTF-8.
    private static readonly string[] Subjects =
    [
        "Portrait of a Woman", "Landscape with Cattle", "Still Life with Lemons", "Nymphéas", "L'Été",
        "Study for \\\"The Bathers\\\"", "Ōkubo Shibutsu: Bamboo", "山水図 (Landscape)", "Ἀθηνᾶ Παρθένος", "Amphora, black-figure",
        "Ceremonial Mask", "Tea Bowl", "Saint Jerome in His Study", "View of Delft\\\\Harbour", "Élan — Fragment",
        "Prayer Rug", "Daguerreotype of a Child", "Astrolabe", "Bowl with Kufic Inscription", "Müller Family Quilt",
    ];

    private static readonly string[] Qualifiers = ["", "", "", " (detail)", " No. 2", ", after Rubens", " [attributed]", " (fragment)", " — sketch"];
    private static readonly string[] Departments = ["European Paintings", "Asian Art", "Greek and Roman Art", "Photographs", "Islamic Art", "Arms and Armor", "Textiles"];
    private static readonly string[] Classes = ["Paintings", "Ceramics", "Sculpture", "Photographs", "Textiles", "Metalwork", "Drawings"];
    private static readonly string[] Tiers = ["public", "public", "public", "research", "restricted"];
    private static readonly string[] BadDates = ["2021-13-45", "2019-02-30T10:00:00Z", "2020/05/01", "circa 1850", "1850-00-00"];
    private static readonly string[] BadEmbargo = ["2024-02-30", "31/12/2025", "never"];

    /// <summary>The feed as one UTF-8 buffer of <paramref name="count"/> lines; <paramref name="invalid"/> counts the lines meant to be invalid.</summary>
    public static byte[] Create(int count, double invalidRate, out int invalid)
    {
        var rng = new Random(42);
        var sb = new StringBuilder(count * 460);
        invalid = 0;
        for (var i = 0; i < count; i++)
        {
            var serial = i + 1;
            string? kind = null;
            if (rng.NextDouble() < invalidRate)
            {
                invalid++;
                var k = rng.NextDouble();
                kind = k < 0.2 ? "missing_object_id" : k < 0.45 ? "bad_creation_date" : k < 0.65 ? "bad_access_tier" : k < 0.75 ? "bad_embargo_date" : "malformed_json";
            }
            var line = Valid(rng, serial, kind, i);
            if (kind == "malformed_json") line = line[..(int)(line.Length * 0.6)];
            sb.Append(line).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Valid(Random rng, int serial, string? kind, int i)
    {
        var id = "MS-" + serial.ToString("D7", CultureInfo.InvariantCulture);
        var year = 850 + rng.Next(1170);
        var month = 1 + rng.Next(12);
        var day = 1 + rng.Next(28);
        var dr = rng.NextDouble();
        var ymd = string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}");
        string? date = dr < 0.35 ? ymd : dr < 0.6 ? ymd + "T00:00:00Z" : dr < 0.8 ? ymd + "T12:30:00+01:00" : dr < 0.9 ? string.Create(CultureInfo.InvariantCulture, $"{year:D4}-01-01") : null;
        if (kind == "bad_creation_date") date = BadDates[i % BadDates.Length];
        var accession = string.Create(CultureInfo.InvariantCulture, $"{1870 + (serial % 150)}.{serial / 150}.{1 + rng.Next(40)}");
        var title = Subjects[rng.Next(Subjects.Length)] + Qualifiers[rng.Next(Qualifiers.Length)];
        var rights = Rights[rng.Next(Rights.Length)];
        string? embargo = rng.NextDouble() < 0.15 ? string.Create(CultureInfo.InvariantCulture, $"{2020 + rng.Next(10)}-{month:D2}-{day:D2}") : null;
        if (kind == "bad_embargo_date") embargo = BadEmbargo[i % BadEmbargo.Length];
        string? tier = Tiers[rng.Next(Tiers.Length)];
        if (kind == "bad_access_tier") tier = "secret";
        var manifest = rng.NextDouble() < 0.8 ? $"https://iiif.museum.example/manifests/{id}/manifest.json" : null;
        var department = Departments[rng.Next(Departments.Length)];
        var classification = Classes[rng.Next(Classes.Length)];
        if (rng.NextDouble() < 0.05 && kind != "bad_access_tier") tier = null;
        var sb = new StringBuilder(480).Append('{');
        if (kind != "missing_object_id") sb.Append("\"ObjectID\":\"").Append(id).Append("\",");
        sb.Append("\"accession_number\":\"").Append(accession).Append("\",\"title\":\"").Append(title).Append("\",\"creation_date_iso\":");
        Str(sb, date);
        sb.Append(",\"media_url\":\"https://media.museum.example/iiif/2/").Append(id).Append("/full/max/0/default.jpg\",\"rights_statement\":\"").Append(rights).Append("\",\"embargo_date\":");
        Str(sb, embargo);
        if (tier is not null) sb.Append(",\"access_tier\":\"").Append(tier).Append('"');
        sb.Append(",\"iiif_manifest_url\":");
        Str(sb, manifest);
        sb.Append(",\"department\":\"").Append(department).Append("\",\"classification\":\"").Append(classification).Append("\"}");
        return sb.ToString();
    }

    private static void Str(StringBuilder sb, string? s)
    {
        if (s is null) sb.Append("null");
        else sb.Append('"').Append(s).Append('"');
    }
}

/// <summary>One pass of the poller's per-record path over a feed: <see cref="NdjsonReader"/> → <see cref="RecordFactory"/> (map, validate, build).</summary>
internal static class ParsePass
{
    public static (int Valid, int Invalid, long Checksum) Run(byte[] feed, RecordFactory factory)
    {
        using var stream = new MemoryStream(feed, writable: false);
        using var reader = new NdjsonReader(stream);
        var origin = new RecordOrigin("bench", "c0", 1, 0, "https://api.example.org/objects?cursor=c0", "bench-1", DateTimeOffset.UnixEpoch);
        int valid = 0, invalid = 0, line = 0;
        long checksum = 0;
        // The reader over a MemoryStream completes synchronously; the poller awaits the same ValueTask.
        while (reader.ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            line++;
            var r = factory.Create(reader.Current, origin with { LineNumber = line }, "c1", endOfPage: false);
            if (r.IsValid) valid++;
            else invalid++;
            checksum += r.ObjectId?.Length ?? 0;
        }
        return (valid, invalid, checksum);
    }
}

internal static class ParseBench
{
    public static void Run(BenchOptions options)
    {
        var feed = NdjsonFeed.Create(options.Rows, 0.02, out var meantInvalid);
        var factory = new RecordFactory(FieldMap.Generic);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"NDJSON feed: {options.Rows:N0} lines, {feed.Length / (double)options.Rows:N0} bytes/line, {meantInvalid:N0} invalid by construction"));
        ParsePass.Run(feed, factory); // warm-up: JIT tiers
        ParsePass.Run(feed, factory);
        Console.WriteLine("| pass | records/s | records per CPU-second | CPU µs/record | MB/s | bytes allocated/record | valid | invalid | gen0 GCs |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var rates = new List<double>();
        var cpuRates = new List<double>();
        for (var i = 1; i <= options.Repeat; i++)
        {
            var gc0 = GC.CollectionCount(0);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var cpu = ThreadCpu.Now();
            var watch = Stopwatch.StartNew();
            var (valid, invalid, _) = ParsePass.Run(feed, factory);
            watch.Stop();
            var cpuSeconds = (ThreadCpu.Now() - cpu).TotalSeconds;
            cpuRates.Add(options.Rows / cpuSeconds);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            var rate = options.Rows / watch.Elapsed.TotalSeconds;
            rates.Add(rate);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {i} | {rate:N0} | {options.Rows / cpuSeconds:N0} | {cpuSeconds * 1e6 / options.Rows:N2} | {feed.Length / watch.Elapsed.TotalSeconds / 1048576:N0} | {allocated / (double)options.Rows:N0} | {valid:N0} | {invalid:N0} | {GC.CollectionCount(0) - gc0} |"));
        }
        rates.Sort();
        cpuRates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {rates[rates.Count / 2]:N0} records/s, best {rates[^1]:N0} records/s; median {cpuRates[cpuRates.Count / 2]:N0} records per CPU-second (load average {LoadAverage()})"));
    }

    internal static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
