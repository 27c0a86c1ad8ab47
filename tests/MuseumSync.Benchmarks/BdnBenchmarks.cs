using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using MuseumSync.Mapping;
using MuseumSync.Storage;

namespace MuseumSync.Benchmarks;

/// <summary>BenchmarkDotNet entry (<c>--bdn</c>); the rest of the arguments go to <see cref="BenchmarkSwitcher"/>.</summary>
internal static class BdnEntry
{
    public static int Run(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromTypes([typeof(ParseBenchmarks), typeof(SqliteUpsertBenchmarks), typeof(CreationSortBenchmarks)]).Run(args, DefaultConfig.Instance);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}

/// <summary>The poller's per-record path over 10,000 NDJSON lines (the bench server's shape, 2% invalid).</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private const int Lines = 10_000;
    private byte[] _feed = [];
    private RecordFactory? _factory;

    [GlobalSetup]
    public void Setup()
    {
        _feed = NdjsonFeed.Create(Lines, 0.02, out _);
        _factory = new RecordFactory(FieldMap.Generic);
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public long ParseMapValidate() => ParsePass.Run(_feed, _factory!).Checksum;
}

/// <summary>One SQLite batch of 5,000 records: all new (a fresh database each iteration), and all unchanged.</summary>
[MemoryDiagnoser]
public class SqliteUpsertBenchmarks
{
    private const int Rows = 5_000;
    private BenchTargets? _target;
    private SyncBatch? _batch;

    [IterationSetup(Target = nameof(InsertBatch))]
    public void SetupInsert()
    {
        _target = BenchTargets.OpenAsync("sqlite").GetAwaiter().GetResult();
        _batch = Generator.Batch(0, Rows, 0);
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _target?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _target = null;
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int InsertBatch() => _target!.Store.CommitBatchAsync(_batch!, CancellationToken.None).GetAwaiter().GetResult().Inserted;

    [IterationSetup(Target = nameof(UnchangedBatch))]
    public void SetupUnchanged()
    {
        SetupInsert();
        _target!.Store.CommitBatchAsync(_batch!, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public int UnchangedBatch() => _target!.Store.CommitBatchAsync(_batch!, CancellationToken.None).GetAwaiter().GetResult().Unchanged;
}
