using System.Text;
using MuseumSync.Http;

namespace MuseumSync.Core.Tests.Http;

/// <summary>The one replaying stream, as both its users read it: a page body (async, peeked) and a LIDO document's head (sync, leave open or not).</summary>
public sealed class PrefixStreamTests
{
    /// <summary>Counts synchronous and asynchronous reads, so a test can tell which one the wrapper made.</summary>
    private sealed class ReadCountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public int SyncReads { get; private set; }

        public int AsyncReads { get; private set; }

        public bool Disposed { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            SyncReads++;
            return base.Read(buffer);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            SyncReads++;
            return base.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            AsyncReads++;
            return base.ReadAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_Synchronous_HeadThenRestFromTheInnerStreamSynchronously(bool leaveOpen)
    {
        var inner = new ReadCountingStream(Encoding.UTF8.GetBytes("-rest"));
        var head = Encoding.UTF8.GetBytes("head+unused");

        string text;
        using (var stream = new PrefixStream(head, 4, inner, leaveOpen))
        using (var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 3))
        {
            text = reader.ReadToEnd();
        }

        Assert.Equal("head-rest", text);
        Assert.True(inner.SyncReads > 0);
        Assert.Equal(0, inner.AsyncReads);
        Assert.Equal(!leaveOpen, inner.Disposed);
    }

    [Fact]
    public async Task PeekAsync_LeadingWhitespaceAndBom_FirstByteAndEveryByteStillThere()
    {
        var body = "\uFEFF \r\n[{\"id\":1}]"u8.ToArray();
        var inner = new ReadCountingStream(body);

        var (stream, first) = await PrefixStream.PeekAsync(inner, CancellationToken.None);
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);

            Assert.Equal('[', first);
            Assert.Equal(body, copy.ToArray());
        }
        Assert.True(inner.Disposed);
    }
}
