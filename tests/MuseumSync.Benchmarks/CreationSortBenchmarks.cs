using BenchmarkDotNet.Attributes;
using MuseumSync.Storage;

namespace MuseumSync.Benchmarks;

/// <summary>
/// The per-record creation_sort key (schema migration 9: computed beside the content hash as a session takes a record,
/// instead of by SQLite for every inserted row) over the shapes a feed carries: dates, date-times, BCE and expanded
/// years, nulls.
/// </summary>
[MemoryDiagnoser]
public class CreationSortBenchmarks
{
    private readonly string?[] _dates =
        ["1889-06-15", "1889", null, "1889-06-15T12:00:00Z", "-0044-03-15", "1731-06", "+12345", null, "2024-02-29", "-1400"];

    [Benchmark(OperationsPerInvoke = 1000)]
    public long Of()
    {
        long sum = 0;
        for (var i = 0; i < 1000; i++) sum += CreationSort.Of(_dates[i % _dates.Length]) ?? 0;
        return sum;
    }
}
