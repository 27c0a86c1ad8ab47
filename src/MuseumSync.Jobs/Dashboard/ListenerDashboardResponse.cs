using System.Globalization;
using System.Text;
using Hangfire.Dashboard;

namespace MuseumSync.Jobs.Dashboard;

/// <summary>
/// Hangfire's view of a response, buffered (up to a limit) and sent by <see cref="DashboardHost"/> once the dispatcher
/// is done: the status can still change until then, a failure in the middle of a page becomes a clean 500, and the
/// sending is bounded by the request's timeout.
/// </summary>
internal sealed class ListenerDashboardResponse : DashboardResponse, IDisposable
{
    private readonly BoundedBuffer _body;

    /// <summary>A response of at most <paramref name="maxBytes"/> bytes.</summary>
    public ListenerDashboardResponse(int maxBytes) => _body = new BoundedBuffer(maxBytes);

    public override string ContentType { get; set; } = null!;

    public override int StatusCode { get; set; } = 200;

    public override Stream Body => _body;

    /// <summary>The Expires header, RFC 1123; null for none.</summary>
    public string? Expires { get; private set; }

    /// <summary>The body written so far.</summary>
    public ArraySegment<byte> Content => _body.TryGetBuffer(out var buffer) ? buffer : new ArraySegment<byte>(_body.ToArray());

    public override void SetExpire(DateTimeOffset? value) => Expires = value?.ToString("r", CultureInfo.InvariantCulture);

    public override Task WriteAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text ?? string.Empty);
        _body.Write(bytes, 0, bytes.Length);
        return Task.CompletedTask;
    }

    /// <summary>Lets the buffer go.</summary>
    public void Dispose() => _body.Dispose();

    /// <summary>A memory stream that refuses to grow past its limit.</summary>
    private sealed class BoundedBuffer(int maxBytes) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            Check(1);
            base.WriteByte(value);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Check(int count)
        {
            if (Length + count > maxBytes) throw new InvalidOperationException($"The dashboard's response is over its limit of {maxBytes} bytes; ask for fewer jobs per page.");
        }
    }
}
