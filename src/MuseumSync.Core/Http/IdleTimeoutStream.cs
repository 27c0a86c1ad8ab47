namespace MuseumSync.Http;

/// <summary>
/// A response body that gives up when no byte arrives for <c>idle</c>: a stalled body is treated like one that broke
/// off (<see cref="TimeoutException"/>), while a cancelled run still ends with <see cref="OperationCanceledException"/>.
/// The timer restarts on every read, so a slow but steady body is fine.
/// </summary>
internal sealed class IdleTimeoutStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _idle;
    private readonly CancellationToken _outer;
    private readonly CancellationTokenSource _cts;

    public IdleTimeoutStream(Stream inner, TimeSpan idle, CancellationToken outer)
    {
        _inner = inner;
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
            var n = await _inner.ReadAsync(buffer, _cts.Token).ConfigureAwait(false);
            // The consumer may take its time before the next read; only the wait for bytes counts.
            _cts.CancelAfter(Timeout.InfiniteTimeSpan);
            return n;
        }
        catch (OperationCanceledException) when (!_outer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No data arrived for {_idle.TotalSeconds:0.###} s; the body stalled.");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cts.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
