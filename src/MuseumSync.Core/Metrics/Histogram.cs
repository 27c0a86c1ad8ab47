namespace MuseumSync.Metrics;

/// <summary>A Prometheus histogram: cumulative bucket counts, a sum and a count, updated without locks.</summary>
internal sealed class Histogram
{
    /// <summary>Commit latency buckets in seconds: 5 ms to 60 s.</summary>
    public static readonly double[] DefaultCommitBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _count;
    private long _sumMicros;

    /// <summary>Creates a histogram with these upper bounds (sorted ascending; +Inf is implied).</summary>
    public Histogram(double[] upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        if (upperBounds.Length == 0) throw new ArgumentException("A histogram needs at least one bucket.", nameof(upperBounds));
        for (var i = 1; i < upperBounds.Length; i++)
        {
            if (upperBounds[i] <= upperBounds[i - 1]) throw new ArgumentException("Bucket bounds must be strictly ascending.", nameof(upperBounds));
        }
        _bounds = (double[])upperBounds.Clone();
        _counts = new long[_bounds.Length];
    }

    /// <summary>The upper bounds, without +Inf.</summary>
    public IReadOnlyList<double> UpperBounds => _bounds;

    /// <summary>Observations.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Sum of the observations.</summary>
    public double Sum => Interlocked.Read(ref _sumMicros) / 1_000_000d;

    /// <summary>Records one observation.</summary>
    public void Observe(double value)
    {
        for (var i = 0; i < _bounds.Length; i++)
        {
            if (value <= _bounds[i]) Interlocked.Increment(ref _counts[i]);
        }
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, (long)Math.Round(value * 1_000_000d));
    }

    /// <summary>The cumulative count of observations at or below bucket <paramref name="index"/>.</summary>
    public long CumulativeCount(int index) => Interlocked.Read(ref _counts[index]);
}
