namespace MuseumSync.Metrics;

/// <summary>
/// Counts of HTTP responses by status code, updated from any thread without locks: a slot per status 0-599 (0: no
/// response), and a locked dictionary for the odd status a server makes up above that. Counted once per request; a
/// ConcurrentDictionary&lt;int, long&gt; did the same through framework code that is compiled for this one use in
/// every run.
/// </summary>
internal sealed class StatusCounts
{
    private const int Slots = 600;
    private readonly long[] _counts = new long[Slots];
    private Dictionary<int, long>? _other;

    /// <summary>Counts one response with <paramref name="status"/>.</summary>
    public void Add(int status)
    {
        if ((uint)status < Slots)
        {
            Interlocked.Increment(ref _counts[status]);
            return;
        }
        lock (_counts)
        {
            _other ??= new Dictionary<int, long>();
            _other[status] = _other.GetValueOrDefault(status) + 1;
        }
    }

    /// <summary>The statuses seen so far with their counts, in status order.</summary>
    public SortedDictionary<int, long> Snapshot()
    {
        var all = new SortedDictionary<int, long>();
        for (var status = 0; status < Slots; status++)
        {
            var n = Interlocked.Read(ref _counts[status]);
            if (n != 0) all[status] = n;
        }
        lock (_counts)
        {
            if (_other is not null)
            {
                foreach (var (status, n) in _other) all[status] = n;
            }
        }
        return all;
    }
}
