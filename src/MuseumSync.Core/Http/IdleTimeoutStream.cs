namespace MuseumSync.Http;

/// <summary>
/// A response body that gives up when no byte arrives for <c>idle</c>: a stalled body is treated like one that broke
/// off (<see cref="TimeoutException"/>), while a cancelled run still ends with <see cref="OperationCanceledException"/>.
/// The timer restarts on every read, so a slow but steady body is fine.
/// </summary>
internal sealed class IdleTimeoutStream : ReadOnlyWrapperStream
{
    private readonly TimeSpan _idle;
    private readonly CancellationToken _outer;
    private readonly CancellationTokenSource _cts;

    public IdleTimeoutStream(Stream inner, TimeSpan idle, CancellationToken outer)
        : base(inner)
    {
        _idle = idle;
        _outer = outer;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _cts.CancelAfter(_idle);
        try
        {
            var n = await Inner.ReadAsync(buffer, _cts.Token).ConfigureAwait(false);
            // The consumer may take its time before the next read; only the wait for bytes counts.
            _cts.CancelAfter(Timeout.InfiniteTimeSpan);
            return n;
        }
        catch (OperationCanceledException) when (!_outer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No data arrived for {_idle.TotalSeconds:0.###} s; the body stalled.");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _cts.Dispose();
        base.Dispose(disposing);
    }
}
