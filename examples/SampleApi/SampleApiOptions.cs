namespace MuseumSync.SampleApi;

/// <summary>Settings for <see cref="SampleMuseumApi"/>.</summary>
public sealed class SampleApiOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Number of feed lines (valid + invalid + duplicate).</summary>
    public int RecordCount { get; set; } = 500;

    /// <summary>Seed of the deterministic generator.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Share of feed lines that are invalid (0..1).</summary>
    public double InvalidRate { get; set; } = 0.04;

    /// <summary>Share of feed lines that re-send an earlier valid record with a new title revision (0..1).</summary>
    public double DuplicateRate { get; set; } = 0.02;

    /// <summary>Page size used when the request has no <c>limit</c>.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>Largest accepted <c>limit</c>.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Delay before each data page is written.</summary>
    public TimeSpan PageLatency { get; set; } = TimeSpan.Zero;

    internal SampleApiOptions Snapshot() => new()
    {
        Port = Port,
        RecordCount = RecordCount,
        Seed = Seed,
        InvalidRate = InvalidRate,
        DuplicateRate = DuplicateRate,
        DefaultPageSize = DefaultPageSize,
        MaxPageSize = MaxPageSize,
        PageLatency = PageLatency,
    };

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        SampleCollection.ValidateArguments(RecordCount, InvalidRate, DuplicateRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPageSize, 1, nameof(MaxPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultPageSize, 1, nameof(DefaultPageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DefaultPageSize, MaxPageSize, nameof(DefaultPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(PageLatency, TimeSpan.Zero, nameof(PageLatency));
    }
}
