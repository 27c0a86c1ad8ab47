namespace MuseumSync.Http;

/// <summary>
/// The shared part of a forward-only, read-only stream over another: everything but <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/>,
/// which a subclass overrides (synchronous reads go through it unless the subclass overrides them too). Disposing it disposes
/// the inner stream unless it was made to leave it open.
/// </summary>
internal abstract class ReadOnlyWrapperStream : Stream
{
    private readonly bool _leaveOpen;

    protected ReadOnlyWrapperStream(Stream inner, bool leaveOpen = false)
    {
        Inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The stream read from.</summary>
    protected Stream Inner { get; }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public sealed override bool CanRead => true;

    public sealed override bool CanSeek => false;

    public sealed override bool CanWrite => false;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public sealed override void Flush()
    {
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen) Inner.Dispose();
        base.Dispose(disposing);
    }
}
